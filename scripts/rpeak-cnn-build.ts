// Makes the int8 models we ship from the trained float models of models/rpeak-cnn (our TypeScript
// quantizer, the same code as `weargate model quantize`, method minmax, float I/O) and writes
// models/rpeak-cnn/manifest.json with the sha256 of every file.
//
//   npx tsx scripts/rpeak-cnn-build.ts            (after training/rpeak_cnn.py)
//
// Calibration: the final model's models/rpeak-cnn/calib.npy (committed); a fold's
// training/out/rpeak-cnn/fold-K-calib.npy (training windows of that fold only, not committed: rerun
// training to regenerate). A fold without its calibration file keeps its existing int8 model.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLiteRtRuntime } from '../src/models/runtime/litert.js';
import { assertQuantizable, inputElementCounts, quantizeModel } from '../src/quantize/quantize.js';
import { calibrationSet, loadCalibrationArrays } from '../src/quantize/calibrate/dataset.js';
import { readTflite } from '../src/quantize/tflite/read.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const dir = join(repo, 'models', 'rpeak-cnn');
const work = join(repo, 'training', 'out', 'rpeak-cnn');

interface TrainModel {
  tag: string;
  held_out: string[];
  files: Record<string, string>;
}
interface TrainReport {
  seed: number;
  window_samples: number;
  hop_samples: number;
  sample_rate_hz: number;
  models: Record<string, TrainModel>;
}

const report = JSON.parse(readFileSync(join(dir, 'train-report.json'), 'utf8')) as TrainReport;

/** The T-wave rule each model's own training records chose (training/rpeak_cnn_threshold.py), if any. */
const postprocessFile = join(dir, 'thresholds.json');
interface PostProcess {
  tWaveWindowSamples: number;
  tWaveThreshold: number | null;
  tWaveSlopeFraction?: number | null;
  /** training/rpeak_cnn_score.py SEARCH_BACK (Python names), or null/absent when off. */
  searchBack?: { factor: number; threshold: number; rr_min: number; rr_max: number; history: number; initial_rr: number } | null;
}
const postprocess = (existsSync(postprocessFile) ? JSON.parse(readFileSync(postprocessFile, 'utf8')) : {}) as Record<string, PostProcess>;
function postParams(tag: string): Record<string, unknown> {
  const p = postprocess[tag];
  if (!p) return {};
  const sb = p.searchBack;
  return {
    tWaveWindowSamples: p.tWaveWindowSamples,
    tWaveThreshold: p.tWaveThreshold ?? false, // false: off, also over the final model's rule
    ...(p.tWaveThreshold !== null && typeof p.tWaveSlopeFraction === 'number' && { tWaveSlopeFraction: p.tWaveSlopeFraction }),
    searchBack: sb
      ? { factor: sb.factor, threshold: sb.threshold, rrMinSamples: sb.rr_min, rrMaxSamples: sb.rr_max, rrHistory: sb.history, initialRrSamples: sb.initial_rr }
      : false,
  };
}
const VERSION = '3.0.0';

/** Write then rename, so a reader (an eval starting meanwhile) never sees half a file. */
function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}


const runtime = await createLiteRtRuntime();
const quantizeLog: Record<string, { seconds: number; calib: string }> = {};
try {
  for (const [tag, m] of Object.entries(report.models)) {
    const floatPath = join(dir, tag, 'float32.tflite');
    const calib = tag === 'final' ? join(dir, 'calib.npy') : join(work, `${tag}-calib.npy`);
    const out = join(dir, tag, 'int8.tflite');
    if (!existsSync(calib)) {
      console.log(`${tag}: no calibration file ${relative(repo, calib)}, keeping ${existsSync(out) ? 'the existing' : 'no'} int8 model`);
      continue;
    }
    const started = performance.now();
    const floatBytes = new Uint8Array(readFileSync(floatPath));
    const floatModel = readTflite(floatBytes, floatPath);
    assertQuantizable(floatModel);
    const set = calibrationSet(await loadCalibrationArrays(calib), inputElementCounts(floatModel));
    const result = await quantizeModel({
      floatModel: floatBytes,
      calibration: set,
      method: 'minmax',
      int8Io: false,
      runtime,
      metadata: { name: `rpeak-cnn-${tag}`, version: VERSION },
      reportSamples: 0,
    });
    writeAtomic(out, result.bytes);
    const seconds = (performance.now() - started) / 1000;
    quantizeLog[tag] = { seconds: Math.round(seconds * 100) / 100, calib: relative(repo, calib) };
    console.log(`${tag}: wrote ${relative(repo, out)} (${result.bytes.byteLength} bytes, ${set.count} calibration windows, held out ${m.held_out.join(' ') || 'none'}) in ${seconds.toFixed(2)} s`);
  }
} finally {
  runtime.close();
}

const PRECISION: Record<string, 'int8' | 'float32'> = { int8: 'int8', float32: 'float32', 'int8-tfconverter': 'int8', 'int8-aiedge': 'int8' };
const QUANTIZER: Record<string, string> = {
  int8: 'weargate-quantize minmax (src/quantize), float I/O',
  'int8-tfconverter': 'tf-converter 2.20.0 full-integer PTQ, float I/O',
  'int8-aiedge': 'ai-edge-quantizer 0.10.0 static_wi8_ai8, int8 I/O',
};
const FILES: [string, string][] = [['int8', 'int8.tflite'], ['float32', 'float32.tflite'], ['int8-tfconverter', 'int8-tfconverter.tflite'], ['int8-aiedge', 'int8-aiedge.tflite']];
const window = report.window_samples;
const hop = report.hop_samples;

function variant(tag: string, key: string, name: string, withGolden: boolean) {
  const path = `${tag}/${name}`;
  const bytes = readFileSync(join(dir, path));
  const q = key === 'int8-aiedge';
  const tensor = [{ dtype: q ? 'int8' : 'float32', shape: [1, 1, window, 1] }];
  const golden = `golden-outputs-${key}.npy`;
  return {
    file: path,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    precision: PRECISION[key],
    ...(QUANTIZER[key] && { quantizer: QUANTIZER[key] }),
    inputs: tensor,
    outputs: tensor,
    ...(withGolden && existsSync(join(dir, golden)) && {
      golden: { inputs: 'golden-inputs.npy', outputs: golden, absTolerance: key === 'float32' ? 1e-5 : 2 / 256 + 1e-6 },
    }),
  };
}

function variants(tag: string, withGolden: boolean) {
  const out: Record<string, ReturnType<typeof variant>> = {};
  for (const [key, name] of FILES) if (existsSync(join(dir, tag, name))) out[key] = variant(tag, key, name, withGolden);
  return out;
}

const foldTags = Object.keys(report.models).filter((t) => t !== 'final').sort();
const manifest = {
  name: 'rpeak-cnn',
  version: VERSION,
  task: 'rpeak',
  description:
    '29k-parameter dilated residual CNN: 3.07 s single-lead ECG window at 250 Hz (resampled from any device rate) -> per-sample R-peak probability. Research prototype, not a medical device.',
  trainedOn: 'MIT-BIH Arrhythmia Database 1.0.0, the 22 DS1 records (shipped model: all 22; folds: leave-records-out), with MIT-BIH NSTDB bw/ma noise augmentation',
  card: 'docs/models/rpeak-cnn.md',
  defaultVariant: 'int8',
  variants: variants('final', true),
  params: {
    sampleRateHz: report.sample_rate_hz,
    windowSamples: window,
    hopSamples: hop,
    trustedStartSamples: (window - hop) / 2,
    normFloorMv: 0.01,
    normClip: 8,
    threshold: 0.5,
    refractorySamples: 50,
    ...postParams('final'),
  },
  normalisation: 'per window, x in mV: c = x - mean; z = clip(c / max(rms, normFloorMv), -normClip, normClip)',
  seed: report.seed,
  calibration: { file: 'calib.npy', sha256: createHash('sha256').update(readFileSync(join(dir, 'calib.npy'))).digest('hex') },
  folds: foldTags.map((tag) => ({
    name: tag,
    heldOut: report.models[tag].held_out,
    variants: variants(tag, false),
    ...(Object.keys(postParams(tag)).length > 0 && { params: postParams(tag) }),
  })),
  quantizeRuns: quantizeLog,
};
writeAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
console.log(`wrote models/rpeak-cnn/manifest.json (${manifest.folds.length} folds)`);
