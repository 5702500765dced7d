// Tiny annotated ECG records (WFDB, or EDF+ with beat TALs) for the `synth share` tests, written with our own writers:
// a Gaussian QRS per beat (wider and larger for V beats) on a flat baseline, beats every ~0.8 s.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeStripEdf } from '../../src/models/gan/write-strip.js';
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

/** The samples (mV) and beat annotations of a tiny record. */
export function tinyEcg(r: TinyRecord): { rate: number; x: Float32Array; annotations: { sample: number; symbol: string }[] } {
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
  return { rate, x, annotations };
}

export function writeTinyEcg(dir: string, r: TinyRecord): void {
  const { rate, x, annotations } = tinyEcg(r);
  const rec: WfdbWriteRecord = {
    name: r.name,
    sampleRateHz: rate,
    format: 16,
    signals: [{ description: r.description ?? 'MLII', units: r.units ?? 'mV', samples: x }],
    ...(r.annotations === false ? {} : { annotations }),
  };
  writeWfdbRecord(dir, rec);
}

/** The same record as EDF+C (`<name>.edf`, signal 'ECG MLII' in mV, one TAL per beat with its symbol), by our EDF+ writer. */
export function writeTinyEcgEdf(dir: string, r: TinyRecord): { sample: number; symbol: string }[] {
  const { rate, x, annotations } = tinyEcg(r);
  const beats = r.annotations === false ? [] : annotations.map((a) => ({ ...a, classIndex: a.symbol === 'V' ? 1 : 0 }));
  const { bytes } = encodeStripEdf({ sampleRateHz: rate, samplesMv: x, beats, rhythmFrom: 0 }, { startMs: Date.UTC(2026, 0, 1), model: 'test' });
  writeFileSync(join(dir, `${r.name}.edf`), bytes);
  return beats.map(({ sample, symbol }) => ({ sample, symbol }));
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
