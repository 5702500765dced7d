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
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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
const VERSION = '1.0.0';

function fileEntry(path: string) {
  const bytes = readFileSync(join(dir, path));
  return { path, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.byteLength };
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
    writeFileSync(out, result.bytes);
    const seconds = (performance.now() - started) / 1000;
    quantizeLog[tag] = { seconds: Math.round(seconds * 100) / 100, calib: relative(repo, calib) };
    console.log(`${tag}: wrote ${relative(repo, out)} (${result.bytes.byteLength} bytes, ${set.count} calibration windows, held out ${m.held_out.join(' ') || 'none'}) in ${seconds.toFixed(2)} s`);
  }
} finally {
  runtime.close();
}

function files(tag: string) {
  const out: Record<string, ReturnType<typeof fileEntry>> = {};
  for (const [variant, name] of [['int8', 'int8.tflite'], ['float32', 'float32.tflite'], ['int8-tfconverter', 'int8-tfconverter.tflite'], ['int8-aiedge', 'int8-aiedge.tflite']])
    if (existsSync(join(dir, tag, name))) out[variant] = fileEntry(`${tag}/${name}`);
  return out;
}

const window = report.window_samples;
const hop = report.hop_samples;
const manifest = {
  name: 'rpeak-cnn',
  version: VERSION,
  description: 'per-sample R-peak probability from a single ECG lead; see docs/models/rpeak-cnn.md',
  sampleRateHz: report.sample_rate_hz,
  windowSamples: window,
  hopSamples: hop,
  trustedStartSamples: (window - hop) / 2,
  input: { name: 'ecg', shape: [1, 1, window, 1], unit: 'normalised' },
  normalisation: { kind: 'per-window: c = x - mean; z = clip(c / max(rms, floorMv), -clip, clip); x in mV', floorMv: 0.01, clip: 8 },
  threshold: 0.5,
  refractorySamples: 50,
  seed: report.seed,
  files: files('final'),
  calibration: fileEntry('calib.npy'),
  folds: Object.keys(report.models)
    .filter((t) => t !== 'final')
    .sort()
    .map((tag) => ({ name: tag, heldOut: report.models[tag].held_out, files: files(tag) })),
  quantizer: { tool: 'weargate model quantize (src/quantize), method minmax, float I/O', runs: quantizeLog },
};
writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
console.log(`wrote models/rpeak-cnn/manifest.json (${manifest.folds.length} folds)`);
