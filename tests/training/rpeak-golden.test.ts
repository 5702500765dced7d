// Checks the R-peak prototype's golden vectors (models/rpeak-proto/*-golden.json, written by
// training/make_goldens.py): the pre-processing is re-derived here from the model card's text (so the
// card is exact enough to reproduce bit for bit), and the post-processing is the product's own
// (src/models/rpeak/postprocess.ts), which must reproduce Python's peaks and counts exactly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pickRPeaks, scoreRPeakWindow } from '../../src/models/rpeak/postprocess.js';

const modelDir = join(new URL('../..', import.meta.url).pathname, 'models', 'rpeak-proto');
const windowSamples = 625;

interface PreprocCase {
  name: string;
  adu360?: number[];
  baseline_adu?: number;
  gain_adu_per_mv?: number;
  mv250: number[];
  window: number[];
}
interface PostprocWindow {
  index: number;
  peaks: number[];
  tp: number;
  fn: number;
  fp: number;
}
interface PostprocGolden {
  threshold: number;
  refractory_samples: number;
  tolerance_samples: number;
  guard_samples: number;
  windows: PostprocWindow[];
}

function readJson<T>(name: string): T {
  return JSON.parse(readFileSync(join(modelDir, name), 'utf8')) as T;
}

/** Card step 2: linear interpolation at input position k*36/25 (integer index math). */
function resample360To250(x: number[]): number[] {
  const out: number[] = [];
  const nOut = Math.floor(((x.length - 1) * 25) / 36) + 1;
  for (let k = 0; k < nOut; k++) {
    const i = Math.floor((k * 36) / 25);
    const f = ((k * 36) % 25) / 25;
    out.push(x[i] * (1 - f) + x[Math.min(i + 1, x.length - 1)] * f);
  }
  return out;
}

/** Card step 4: subtract mean, divide by max(RMS, 0.01 mV), clip to +-8, then float32. */
function normalizeWindow(x: number[]): Float32Array {
  const mean = x.reduce((a, v) => a + v, 0) / x.length;
  const rmsMillivolts = Math.sqrt(x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length);
  const scale = Math.max(rmsMillivolts, 0.01);
  return Float32Array.from(x, (v) => Math.min(8, Math.max(-8, (v - mean) / scale)));
}

/** Reads float32 [N,1,625,1] little-endian .npy rows (v1 header). */
function readWindows(name: string): Float32Array[] {
  const buf = readFileSync(join(modelDir, name));
  const offset = 10 + buf.readUInt16LE(8);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + buf.length));
  const rows: Float32Array[] = [];
  for (let i = 0; i < all.length; i += windowSamples) rows.push(all.subarray(i, i + windowSamples));
  return rows;
}

test('pre-processing: ADU -> mV -> 250 Hz -> normalized window matches the golden bit-for-bit', () => {
  const { cases } = readJson<{ cases: PreprocCase[] }>('preproc-golden.json');
  assert.is(cases.length, 3);
  for (const c of cases) {
    let mv250 = c.mv250;
    if (c.adu360 !== undefined && c.baseline_adu !== undefined && c.gain_adu_per_mv !== undefined) {
      const base = c.baseline_adu;
      const gain = c.gain_adu_per_mv;
      mv250 = resample360To250(c.adu360.map((a) => (a - base) / gain));
      assert.equal(mv250.length, c.mv250.length, `${c.name}: length`);
      mv250.forEach((v, k) => assert.ok(Math.abs(v - c.mv250[k]) <= 1e-12, `${c.name}: mv250[${k}]`));
    }
    const w = normalizeWindow(mv250.slice(0, windowSamples));
    let mismatches = 0;
    w.forEach((v, k) => (mismatches += v === Math.fround(c.window[k]) ? 0 : 1));
    assert.is(mismatches, 0, `${c.name}: float32 window values`);
  }
});

test('post-processing: peaks and Se/+P counts match the golden', () => {
  const g = readJson<PostprocGolden>('postproc-golden.json');
  const probs = readWindows('val-outputs-float-py.npy');
  const meta = readJson<{ windows: { beats: number[] }[] }>('val-meta.json').windows;
  assert.ok(g.windows.length >= 20);
  for (const gw of g.windows) {
    const peaks = pickRPeaks(probs[gw.index], { threshold: g.threshold, refractorySamples: g.refractory_samples });
    assert.equal(peaks, gw.peaks, `window ${gw.index}: peaks`);
    const { tp, fn, fp } = scoreRPeakWindow(meta[gw.index].beats, peaks, {
      lengthSamples: windowSamples,
      toleranceSamples: g.tolerance_samples,
      guardSamples: g.guard_samples,
    });
    assert.equal([tp, fn, fp], [gw.tp, gw.fn, gw.fp], `window ${gw.index}: TP/FN/FP`);
  }
});

test.run();
