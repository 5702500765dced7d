// What `weargate synth share` writes: the report (report.json, REPORT.md) into the work folder
// always, and into --out, with the synthetic strips (WFDB, beat annotations, every header saying
// it is synthetic), only after the privacy gate passed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeededRandom } from '../../../common/random.js';
import type { SynthEcgReport } from '../eval/evaluate.js';
import { synthEcgTables } from '../eval/report-table.js';
import type { Strip } from '../strip.js';
import { SYNTHETIC_NOTICE, writeStripWfdb } from '../write-strip.js';
import { checkLine, type GateResult } from './gate.js';

export interface ShareReport {
  format: 'weargate-synth-share-report/1';
  createdAt: string;
  from: string;
  options: { n: number; seconds: number; steps: number; seed: number; identityWeight: number };
  input: { records: number; sampleRateHz: number; notes: string[]; beats: Record<string, { n: number; v: number }> };
  split: { trainRecords: string[]; heldoutRecords: string[]; memberFraction: number };
  trainedBeats: { n: number; v: number };
  sharedClasses: ('N' | 'V')[];
  gate: GateResult;
  evaluation: SynthEcgReport;
  shared?: { dir: string; strips: { name: string; class: 'N' | 'V'; beats: number; ventricular: number; clipped: number }[] };
}

export function reportMarkdown(r: ShareReport): string {
  const lines = [
    `# Synthetic ECG from ${r.input.records} recordings: privacy gate ${r.gate.pass ? 'PASSED' : 'FAILED'}`,
    '',
    `${SYNTHETIC_NOTICE}. Made by \`weargate synth share\` on ${r.createdAt} from ${r.from} (${r.input.sampleRateHz} Hz).`,
    '',
    `- generator trained on ${r.split.trainRecords.length} persons (${r.split.trainRecords.join(', ')}), the first ${Math.round(100 * r.split.memberFraction)} % of each record: ${r.trainedBeats.n} N and ${r.trainedBeats.v} V beats; ${r.options.steps} steps, seed ${r.options.seed}, identity adversary weight ${r.options.identityWeight}${r.options.identityWeight > 0 ? '' : ' (off)'}`,
    `- held out as persons the generator never saw: ${r.split.heldoutRecords.join(', ')}`,
    `- shared classes: ${r.sharedClasses.join(', ')}${r.sharedClasses.includes('V') ? '' : ' (too few ventricular beats to learn class V from)'}`,
    ...r.input.notes.map((n) => `- ${n}`),
    '',
    '## Privacy checks (gated: every one must pass)',
    '',
    ...r.gate.privacy.map((c) => `- ${checkLine(c)}`),
    '',
    '## Other checks (reported, not gated)',
    '',
    ...r.gate.other.map((c) => `- ${checkLine(c)}`),
    '',
    '## Evaluation',
    '',
    synthEcgTables(r.evaluation),
    '',
    'These checks bound specific attacks on this data; they do not guarantee privacy. See docs/synthetic-data.md.',
    '',
  ];
  return lines.join('\n');
}

export function writeReport(dir: string, r: ShareReport): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(r, null, 1)}\n`);
  writeFileSync(join(dir, 'REPORT.md'), reportMarkdown(r));
}

export type MakeStrip = (rhythmClass: 'N' | 'V', rng: SeededRandom) => Strip;

/** Writes `n` strips per shared class as WFDB records into `out` (created). */
export function writeStrips(out: string, classes: readonly ('N' | 'V')[], n: number, make: MakeStrip, rng: SeededRandom, model: string): NonNullable<ShareReport['shared']> {
  mkdirSync(out, { recursive: true });
  const strips: NonNullable<ShareReport['shared']>['strips'] = [];
  for (const cls of classes) {
    for (let i = 0; i < n; i++) {
      const strip = make(cls, rng);
      const name = `synth_${cls}_${String(i + 1).padStart(4, '0')}`;
      const { clipped } = writeStripWfdb(out, name, strip, { model });
      strips.push({ name, class: cls, beats: strip.beats.length, ventricular: strip.beats.filter((b) => b.symbol === 'V').length, clipped });
    }
  }
  return { dir: out, strips };
}
