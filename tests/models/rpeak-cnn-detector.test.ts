// The streaming R-peak CNN detector: stitching and mapping checked exactly with a fake window model,
// chunking invariance, NaN, reset and the latency bound with the shipped int8 model, and beats found
// on the committed MIT-BIH 101 excerpt after resampling it to 130 and 250 Hz.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLiteRtRuntime } from '../../src/models/runtime/litert.js';
import type { ModelRuntime } from '../../src/models/runtime/types.js';
import type { RPeakCnnConfig } from '../../src/models/rpeak/cnn-config.js';
import { CnnRPeakDetector, createCnnDetector, type RPeakWindowModel } from '../../src/models/rpeak/cnn-detector.js';
import { LinearResampler } from '../../src/models/rpeak/cnn-stream.js';
import { loadCnnWindowModel } from '../../src/models/rpeak/cnn-model.js';
import { runDetector } from '../../src/streaming/ecg/ec57-evaluate.js';
import { referenceBeatSamples, scoreRecord } from '../../src/streaming/ecg/ec57.js';
import { loadWfdbRecord } from '../../src/streaming/formats/load.js';
import { toMicrovolts } from '../../src/streaming/formats/wfdb-signals.js';

const excerpt = new URL('../../hardware/data/mitdb-101-excerpt/101', import.meta.url).pathname;
const config: RPeakCnnConfig = {
  name: 'fake', version: '0', sampleRateHz: 250, windowSamples: 768, hopSamples: 256, trustedStartSamples: 256,
  normFloorMv: 0.01, normClip: 8, threshold: 0.5, refractorySamples: 50,
};

/** Probability = 1 where the normalised window is above 4 (an impulse), else 0; counts windows. */
class ImpulseModel implements RPeakWindowModel {
  readonly config = config;
  windows = 0;
  probabilities(window: Float32Array): Float32Array {
    this.windows++;
    return window.map((v) => (v > 4 ? 1 : 0));
  }
}

function impulses(n: number, at: number[], valueUv = 1000): Float32Array {
  const x = new Float32Array(n);
  for (const i of at) x[i] = valueUv;
  return x;
}

function run(det: CnnRPeakDetector, x: Float32Array, chunk: number | ((i: number) => number)): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.length; ) {
    const n = typeof chunk === 'number' ? chunk : chunk(i);
    out.push(...det.push(x.subarray(i, i + n)));
    i += n;
  }
  out.push(...det.flush());
  return out;
}

let runtime: ModelRuntime;
let int8: RPeakWindowModel;
let ecg360: Float32Array;
let beats360: number[];
test.before(async () => {
  runtime = await createLiteRtRuntime();
  int8 = (await loadCnnWindowModel(runtime)).model;
  const rec = await loadWfdbRecord(excerpt);
  const mlii = rec.signals.find((s) => s.spec.description === 'MLII')!;
  ecg360 = toMicrovolts(mlii.physical, mlii.spec.units).slice(0, 120 * 360); // 2 minutes
  beats360 = referenceBeatSamples(rec.annotations!).filter((b) => b < ecg360.length);
});
test.after(() => runtime?.close());

test('stitching: every impulse is reported once, at its sample, whatever the chunking; one window per hop', () => {
  const at = Array.from({ length: 40 }, (_, k) => 20 + k * 197); // 0.79 s apart, first one in the first window's padding zone
  const n = 8000;
  for (const chunk of [1, 13, 256, 1000, n]) {
    const model = new ImpulseModel();
    const det = createCnnDetector(250, model);
    assert.equal(run(det, impulses(n, at), chunk), at, `chunk ${chunk}`);
    assert.is(model.windows, Math.floor((n + 256 - 768) / 256) + 1 + 1, 'windows run (last one from flush)');
  }
});

test('device rates 130 and 500 Hz: impulses map back to the nearest device sample', () => {
  for (const fs of [130, 500]) {
    const at = Array.from({ length: 12 }, (_, k) => Math.round((0.5 + 0.9 * k) * fs));
    // An impulse of one device sample is spread by the linear resampler; its model-rate maximum maps back within 1 sample.
    const found = run(createCnnDetector(fs, new ImpulseModel()), impulses(Math.round(12 * fs), at), 17);
    assert.is(found.length, at.length, `${fs} Hz: count`);
    found.forEach((f, i) => assert.ok(Math.abs(f - at[i]) <= 1, `${fs} Hz: ${f} vs ${at[i]}`));
  }
});

test('NaN samples: no exception, beats outside the gap are still found', () => {
  const at = Array.from({ length: 20 }, (_, k) => 100 + k * 200);
  const x = impulses(4400, at);
  x.fill(Number.NaN, 1500, 2300);
  const found = run(createCnnDetector(250, new ImpulseModel()), x, 50);
  assert.equal(found, at.filter((a) => a < 1500 || a >= 2300));
});

test('shipped int8 model: output identical for 1-sample, random and whole-record chunks; reset() = new', () => {
  const x = ecg360.subarray(0, 40 * 360);
  const det = createCnnDetector(360, int8);
  const whole = run(det, x, x.length);
  assert.ok(whole.length > 40, `${whole.length} beats in 40 s`);
  det.reset();
  assert.equal(run(det, x, 1), whole, 'after reset, 1-sample chunks');
  let seed = 7;
  const rnd = () => 1 + ((seed = (seed * 1103515245 + 12345) % 2147483648) % 900);
  assert.equal(run(createCnnDetector(360, int8), x, rnd), whole, 'random chunks');
});

/** The shipped model with its direct rule only (no search-back): the bound W - C + R - 2 is then reachable on real ECG. */
function withoutSearchBack(model: RPeakWindowModel): RPeakWindowModel {
  const { searchBack: _off, ...config } = model.config;
  return { config, probabilities: (w) => model.probabilities(w) };
}

test('latency: no peak is reported later than latencySamples (1-sample pushes, 360 Hz)', () => {
  const det = createCnnDetector(360, withoutSearchBack(int8));
  const r = runDetector(det, ecg360.subarray(0, 60 * 360), 1);
  assert.ok(r.peaks.length > 60);
  assert.is(r.lateReports, 0);
  assert.ok(r.maxReportDelaySamples <= det.latencySamples, `${r.maxReportDelaySamples} <= ${det.latencySamples}`);
  assert.ok(r.maxReportDelaySamples > det.latencySamples - 40, `the bound is tight: ${r.maxReportDelaySamples} vs ${det.latencySamples}`);
});

function resampleTo(x: Float32Array, fs: number): Float32Array {
  const out: number[] = [];
  new LinearResampler(360, fs).push(x, out);
  return Float32Array.from(out);
}

test('MIT-BIH 101 excerpt at 130, 250 and 360 Hz: the beats are found (EC57, 150 ms)', () => {
  for (const fs of [130, 250, 360]) {
    const x = fs === 360 ? ecg360 : resampleTo(ecg360, fs);
    const refs = beats360.map((b) => Math.round((b * fs) / 360)).filter((b) => b < x.length);
    const det = createCnnDetector(fs, int8);
    const score = scoreRecord(refs, runDetector(det, x, Math.round(fs / 4)).peaks, fs);
    assert.ok(score.sensitivity >= 0.99 && score.positivePredictivity >= 0.99, `${fs} Hz: Se ${score.sensitivity} +P ${score.positivePredictivity}`);
    // 560 model samples for a peak found directly; search-back ones (tests/models/rpeak-cnn-searchback.test.ts) up to 573 more
    assert.is(det.latencySamples, Math.ceil(((560 + (int8.config.searchBack ? 573 : 0)) * fs) / 250) + 3);
  }
});


test('through the model slot: `cnn` loads from the registry, and a model swap mid-stream keeps the stream going', async () => {
  const { ModelHost } = await import('../../src/models/host.js');
  const { modelDetectorLoaders } = await import('../../src/models/detectors.js');
  const { loadDetectorFactory } = await import('../../src/streaming/ecg/registry.js');
  const { readRPeakCnnManifest } = await import('../../src/models/rpeak/cnn-config.js');
  const { rpeakWindowCodec } = await import('../../src/models/rpeak/codec.js');
  const host = new ModelHost();
  try {
    const factory = await loadDetectorFactory('cnn', modelDetectorLoaders(host));
    const x = ecg360.subarray(0, 30 * 360);
    const reference = run(createCnnDetector(360, int8), x, 360);
    const det = factory(360);
    assert.is(det.name, 'cnn');
    assert.equal(host.infos().map((i) => [i.name, i.variant, i.precision]), [['rpeak-cnn', 'int8', 'int8']]);
    const slot = await host.slot<Float32Array, Float32Array>('rpeak-cnn', rpeakWindowCodec);
    const found: number[] = [];
    for (let i = 0; i < x.length; i += 360) {
      if (i === 15 * 360) slot.activate(await host.candidate(readRPeakCnnManifest(), 'float32'));
      found.push(...det.push(x.subarray(i, i + 360)));
    }
    found.push(...det.flush());
    assert.is(slot.stage.info.variant, 'float32');
    const early = (p: number[]) => p.filter((t) => t < 12 * 360);
    assert.equal(early(found), early(reference), 'identical before the swap');
    assert.ok(Math.abs(found.length - reference.length) <= 1, `${found.length} vs ${reference.length} beats`);
  } finally {
    await host.close();
  }
});

test.run();
