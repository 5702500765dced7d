// Tiny annotated WFDB ECG records for the `synth share` tests, written with our own WFDB writer:
// a Gaussian QRS per beat (wider and larger for V beats) on a flat baseline, beats every ~0.8 s.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeWfdbRecord, type WfdbWriteRecord } from '../../src/streaming/formats/wfdb-writer.js';

export interface TinyRecord {
  name: string;
  seconds?: number;
  sampleRateHz?: number;
  /** Every k-th beat is V (0: none). */
  vEvery?: number;
  description?: string;
  units?: string;
  annotations?: boolean;
}

export function writeTinyEcg(dir: string, r: TinyRecord): void {
  const rate = r.sampleRateHz ?? 250;
  const n = Math.round((r.seconds ?? 90) * rate);
  const x = new Float32Array(n);
  const annotations: { sample: number; symbol: string }[] = [];
  let t = Math.round(0.5 * rate);
  for (let k = 0; t < n - rate / 2; k++) {
    const v = (r.vEvery ?? 0) > 0 && k % (r.vEvery ?? 1) === (r.vEvery ?? 1) - 1;
    const width = (v ? 0.04 : 0.012) * rate;
    for (let i = Math.max(0, t - 4 * width); i < Math.min(n, t + 4 * width); i++) x[i] += (v ? 1.6 : 1) * Math.exp(-(((i - t) / width) ** 2));
    annotations.push({ sample: t, symbol: v ? 'V' : 'N' });
    t += Math.round((0.8 + 0.05 * Math.sin(k)) * rate);
  }
  const rec: WfdbWriteRecord = {
    name: r.name,
    sampleRateHz: rate,
    format: 16,
    signals: [{ description: r.description ?? 'MLII', units: r.units ?? 'mV', samples: x }],
    ...(r.annotations === false ? {} : { annotations }),
  };
  writeWfdbRecord(dir, rec);
}

/** `count` good records p01..pNN (every 7th beat V). */
export function writeTinyClinic(dir: string, count: number): string[] {
  const names = Array.from({ length: count }, (_, i) => `p${String(i + 1).padStart(2, '0')}`);
  for (const name of names) writeTinyEcg(dir, { name, vEvery: 7 });
  return names;
}

export function writeCorruptHeader(dir: string, name: string): void {
  writeFileSync(join(dir, `${name}.hea`), 'this is not a header\n');
}
