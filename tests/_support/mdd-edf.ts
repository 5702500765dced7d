// Tiny EEG EDF+ files for the MDD training tests, written by our EDF writer: seeded noise plus a
// 10 Hz rhythm per channel (clean under the MDD rejection rules), 1 s records.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MDD_19 } from '../../src/models/mdd/features.js';
import { mulberry32 } from '../../src/models/mdd/metrics.js';
import { encodeEdfHeader, encodeRecord, type EdfWriterSignal } from '../../src/streaming/formats/edf-writer.js';

export interface TinyEdf {
  /** Channel labels (default the 19 10-20 electrodes as 'EEG <name>-LE'). */
  labels?: readonly string[];
  /** One rate for every channel, or one per channel. */
  rateHz?: number | readonly number[];
  seconds?: number;
  unit?: string;
  seed?: number;
}

export const MDD_19_LABELS = MDD_19.map((e) => `EEG ${e}-LE`);

export function writeTinyEdf(path: string, spec: TinyEdf = {}): void {
  const labels = spec.labels ?? MDD_19_LABELS;
  const rates = labels.map((_, i) => (typeof spec.rateHz === 'number' || spec.rateHz === undefined ? (spec.rateHz ?? 256) : spec.rateHz[i]!));
  const seconds = spec.seconds ?? 12;
  const rand = mulberry32(spec.seed ?? 1);
  const signals: EdfWriterSignal[] = labels.map((label, i) => ({ label, transducer: 'AgAgCl', physicalDimension: spec.unit ?? 'uV', physicalMin: -3277, physicalMax: 3277, prefiltering: '', samplesPerRecord: rates[i]! }));
  const layout = { format: 'edf' as const, signals, annotationSamplesPerRecord: 30 };
  const parts = [encodeEdfHeader({ format: 'edf', startMs: Date.UTC(2026, 0, 1), recording: { equipment: 'test' }, numberOfRecords: seconds, recordDurationS: 1, signals, annotationSamplesPerRecord: 30, contiguous: true })];
  for (let r = 0; r < seconds; r++) {
    const values = signals.map((s, c) => Float32Array.from({ length: s.samplesPerRecord }, (_, k) => {
      const t = r + k / s.samplesPerRecord;
      return 8 * (rand() - 0.5) * 2 + (6 + c % 5) * Math.sin(2 * Math.PI * 10 * t + c);
    }));
    parts.push(encodeRecord(layout, values, r, []).bytes);
  }
  writeFileSync(path, Buffer.concat(parts));
}

export interface TinyPerson {
  subject: string;
  label: string;
  files?: { name?: string; condition?: string; edf?: TinyEdf }[];
}

/** Writes each person's EDFs (default one EC file `<subject>_EC.edf`) into `dir` and returns labels.csv's text. */
export function writeTinyDataset(dir: string, persons: readonly TinyPerson[]): string {
  const lines = ['file,subject,label,condition'];
  persons.forEach((p, i) => {
    for (const [j, f] of (p.files ?? [{}]).entries()) {
      const condition = f.condition ?? 'EC';
      const name = f.name ?? `${p.subject}_${condition}.edf`;
      writeTinyEdf(join(dir, name), { seed: 100 * i + j + 1, ...f.edf });
      lines.push(`${name},${p.subject},${p.label},${condition}`);
    }
  });
  const text = `${lines.join('\n')}\n`;
  writeFileSync(join(dir, 'labels.csv'), text);
  return text;
}

/** n MDD persons M1.. and n healthy persons H1.., one clean 19-channel EC file each. */
export function balancedPersons(n: number): TinyPerson[] {
  return [...Array.from({ length: n }, (_, i) => ({ subject: `M${i + 1}`, label: 'MDD' })), ...Array.from({ length: n }, (_, i) => ({ subject: `H${i + 1}`, label: 'healthy' }))];
}
