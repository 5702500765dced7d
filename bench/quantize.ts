// Quantizer benchmark: per model and calibration method, the wall time of `quantizeModel`
// (calibration runs in LiteRT included, error report excluded), the float and int8 file sizes,
// and the int8 model's error against float on held-out inputs. Also the reader/writer speed.
// Run: npx tsx bench/quantize.ts   (or `npm run bench -- quantize`)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLiteRtRuntime } from '../src/models/runtime/litert.js';
import type { ModelRuntime } from '../src/models/runtime/types.js';
import { calibrationSet, type CalibrationSet } from '../src/quantize/calibrate/dataset.js';
import type { CalibrationMethod } from '../src/quantize/calibrate/ranges.js';
import { readNpy } from '../src/quantize/npy.js';
import { quantizeModel } from '../src/quantize/quantize.js';
import { readTflite } from '../src/quantize/tflite/read.js';
import { writeTflite } from '../src/quantize/tflite/write.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const referenceDir = process.env.WG_TFLITE_REFERENCE_DIR ?? join(repoRoot, '..', 'shared', 'data', 'tflite-reference');
const METHODS: CalibrationMethod[] = ['minmax', 'percentile', 'mse'];

interface Case {
  label: string;
  floatBytes: Uint8Array;
  calib: CalibrationSet;
  /** Held-out inputs (flat) and elements per input, for the error column. */
  test: { data: Float32Array; elements: number; count: number };
}

function cases(): Case[] {
  const out: Case[] = [];
  const hello = join(referenceDir, 'hello_world_float.tflite');
  if (existsSync(hello)) {
    const n = 1000;
    out.push({
      label: 'hello_world',
      floatBytes: new Uint8Array(readFileSync(hello)),
      calib: calibrationSet([{ shape: [n, 1], data: Float32Array.from({ length: n }, (_, i) => (2 * Math.PI * i) / (n - 1)) }], [1]),
      test: { data: Float32Array.from({ length: 500 }, (_, i) => (2 * Math.PI * (i + 0.37)) / 500), elements: 1, count: 500 },
    });
  }
  const rpeak = join(repoRoot, 'models', 'rpeak-proto');
  if (existsSync(join(rpeak, 'float32.tflite'))) {
    const val = readNpy(new Uint8Array(readFileSync(join(rpeak, 'val-inputs.npy'))));
    out.push({
      label: 'rpeak-proto',
      floatBytes: new Uint8Array(readFileSync(join(rpeak, 'float32.tflite'))),
      calib: calibrationSet([readNpy(new Uint8Array(readFileSync(join(rpeak, 'calib.npy'))))], [625]),
      test: { data: val.data, elements: 625, count: val.shape[0] },
    });
  }
  return out;
}

async function errorVsFloat(runtime: ModelRuntime, floatBytes: Uint8Array, int8Bytes: Uint8Array, test: Case['test']): Promise<{ max: number; rmse: number }> {
  const f = await runtime.load(floatBytes), q = await runtime.load(int8Bytes);
  let max = 0, sq = 0, n = 0;
  try {
    for (let i = 0; i < test.count; i++) {
      const x = test.data.subarray(i * test.elements, (i + 1) * test.elements);
      const [a] = f.run([x]), [b] = q.run([x]);
      for (let j = 0; j < a.length; j++) {
        const d = Number(a[j]) - Number(b[j]);
        max = Math.max(max, Math.abs(d));
        sq += d * d;
        n++;
      }
    }
  } finally {
    f.dispose();
    q.dispose();
  }
  return { max, rmse: Math.sqrt(sq / n) };
}

// R-peak post-processing and window scoring as specified in models/rpeak-proto/README.md.
function pickPeaks(p: ArrayLike<number>, threshold = 0.5, refractorySamples = 50): number[] {
  const at = (t: number): number => (t < 0 || t >= p.length ? -Infinity : p[t]);
  const cand: number[] = [];
  for (let t = 0; t < p.length; t++) if (p[t] >= threshold && p[t] >= at(t - 1) && p[t] > at(t + 1)) cand.push(t);
  cand.sort((a, b) => p[b] - p[a] || a - b);
  const kept: number[] = [];
  for (const t of cand) if (kept.every((k) => Math.abs(k - t) >= refractorySamples)) kept.push(t);
  return kept.sort((a, b) => a - b);
}

function scoreWindow(ref: number[], det: number[], length = 625, tol = 37): [number, number, number] {
  const pairs: [number, number, number][] = [];
  ref.forEach((r, i) => det.forEach((d, j) => Math.abs(d - r) <= tol && pairs.push([Math.abs(d - r), i, j])));
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const refHit = ref.map(() => false), detHit = det.map(() => false);
  for (const [, i, j] of pairs) if (!refHit[i] && !detHit[j]) (refHit[i] = true), (detHit[j] = true);
  const core = (t: number): boolean => t >= tol && t < length - tol;
  return [ref.filter((r, i) => core(r) && refHit[i]).length, ref.filter((r, i) => core(r) && !refHit[i]).length, det.filter((d, j) => core(d) && !detHit[j]).length];
}

async function rpeakWindowScores(runtime: ModelRuntime, label: string, bytes: Uint8Array, val: Float32Array, beats: number[][]): Promise<string> {
  const m = await runtime.load(bytes);
  let tp = 0, fn = 0, fp = 0;
  try {
    beats.forEach((ref, i) => {
      const [p] = m.run([val.subarray(i * 625, (i + 1) * 625)]);
      const [a, b, c] = scoreWindow(ref, pickPeaks(p as Float32Array));
      tp += a, fn += b, fp += c;
    });
  } finally {
    m.dispose();
  }
  return `${label.padEnd(28)} Se ${(tp / (tp + fn)).toFixed(4)}  +P ${(tp / (tp + fp)).toFixed(4)}  (TP ${tp} FN ${fn} FP ${fp})`;
}

async function rpeakReport(runtime: ModelRuntime): Promise<void> {
  const dir = join(repoRoot, 'models', 'rpeak-proto');
  if (!existsSync(join(dir, 'val-meta.json'))) return;
  const val = readNpy(new Uint8Array(readFileSync(join(dir, 'val-inputs.npy'))));
  const beats = (JSON.parse(readFileSync(join(dir, 'val-meta.json'), 'utf8')) as { windows: { beats: number[] }[] }).windows.map((w) => w.beats);
  const floatBytes = new Uint8Array(readFileSync(join(dir, 'float32.tflite')));
  const calib = calibrationSet([readNpy(new Uint8Array(readFileSync(join(dir, 'calib.npy'))))], [625]);
  console.log(`\nrpeak-proto, ${beats.length} validation windows, peaks at p >= 0.5, 150 ms matching:`);
  console.log(await rpeakWindowScores(runtime, 'float32', floatBytes, val.data, beats));
  console.log(await rpeakWindowScores(runtime, 'TF converter int8', new Uint8Array(readFileSync(join(dir, 'int8-tfconverter.tflite'))), val.data, beats));
  for (const method of METHODS) {
    const r = await quantizeModel({ floatModel: floatBytes, calibration: calib, method, int8Io: false, runtime, reportSamples: 0 });
    console.log(await rpeakWindowScores(runtime, `weargate int8 (${method})`, r.bytes, val.data, beats));
  }
}

export async function run(): Promise<void> {
  const runtime = await createLiteRtRuntime();
  try {
    console.log('model        method      calib  quantize_s  float_B  int8_B  ratio  rmse_vs_float  max_abs_vs_float');
    for (const c of cases()) {
      for (const method of METHODS) {
        const started = performance.now();
        const r = await quantizeModel({ floatModel: c.floatBytes, calibration: c.calib, method, int8Io: false, runtime, reportSamples: 0 });
        const seconds = (performance.now() - started) / 1000;
        const e = await errorVsFloat(runtime, c.floatBytes, r.bytes, c.test);
        console.log(
          `${c.label.padEnd(12)} ${method.padEnd(10)} ${String(c.calib.count).padStart(6)}  ${seconds.toFixed(2).padStart(10)}  ${String(c.floatBytes.byteLength).padStart(7)}  ${String(r.bytes.byteLength).padStart(6)}  ${(r.bytes.byteLength / c.floatBytes.byteLength).toFixed(2).padStart(5)}  ${e.rmse.toExponential(3).padStart(13)}  ${e.max.toExponential(3).padStart(16)}`,
        );
      }
    }
    await rpeakReport(runtime);
    const person = join(referenceDir, 'person_detect.tflite');
    if (existsSync(person)) {
      const bytes = new Uint8Array(readFileSync(person));
      const reps = 20;
      let t0 = performance.now();
      for (let i = 0; i < reps; i++) readTflite(bytes);
      const readMs = (performance.now() - t0) / reps;
      const model = readTflite(bytes);
      t0 = performance.now();
      for (let i = 0; i < reps; i++) writeTflite(model);
      const writeMs = (performance.now() - t0) / reps;
      console.log(`\nreader/writer on person_detect.tflite (${bytes.byteLength} B): read ${readMs.toFixed(2)} ms, write ${writeMs.toFixed(2)} ms (mean of ${reps})`);
    }
  } finally {
    runtime.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
