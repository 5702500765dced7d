// What `weargate synth share --kind eeg-maps` reports: report.json and REPORT.md, in the work folder always and in
// --out beside the synthetic map stacks only after the privacy gate passed.
import type { EvalSynthEegReport } from '../eval/eeg-evaluate.js';
import { synthEegTables } from '../eval/eeg-table.js';
import type { TrainInputSummary } from '../../mdd/train-input.js';
import { SYNTHETIC_EEG_NOTICE } from '../eeg-synth.js';
import { checkLine, type GateResult } from './gate.js';

export interface EegShareReport {
  format: 'weargate-synth-share-eeg-report/1';
  createdAt: string;
  from: string;
  labels: string;
  options: { n: number; steps: number; seed: number; montage: 19 | 8 };
  input: TrainInputSummary;
  split: { trainPersons: string[]; heldoutPersons: string[] };
  /** Clean epochs of the training persons per condition. */
  trainEpochs: Record<string, number>;
  gate: GateResult;
  evaluation: EvalSynthEegReport;
  shared?: { dir: string; files: string[] };
}

export function eegReportMarkdown(r: EegShareReport): string {
  const persons = r.split.trainPersons.length + r.split.heldoutPersons.length;
  return [
    `# Synthetic EEG band-power maps from ${persons} persons: privacy gate ${r.gate.pass ? 'PASSED' : 'FAILED'}`,
    '',
    `${SYNTHETIC_EEG_NOTICE}. Research data, not a diagnosis. Made by \`weargate synth share --kind eeg-maps\` on ${r.createdAt} from ${r.from} (labels ${r.labels}).`,
    '',
    `- generator trained on ${r.split.trainPersons.length} persons (${r.split.trainPersons.join(', ')}): ${Object.entries(r.trainEpochs).map(([c, n]) => `${c} ${n}`).join(', ')} clean 4 s epochs; ${r.options.montage} electrodes, ${r.options.steps} steps, seed ${r.options.seed}`,
    `- held out as persons the generator never saw: ${r.split.heldoutPersons.join(', ')}`,
    '- not checked: re-identification of a person (there is no EEG similarity model)',
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
    synthEegTables(r.evaluation),
    '',
    'These checks bound specific attacks on this data; they do not guarantee privacy. See docs/synthetic-data.md.',
    '',
  ].join('\n');
}
