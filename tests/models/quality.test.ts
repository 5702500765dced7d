// The tasks' quality scores (ModelCodec.quality, read by the fleet watch's QualityJudge): the R-peak
// plausible-heart-rate score on the bundled model's own outputs and on collapsed outputs, the
// similarity embedding-norm score, and the bounded window of scores a ModelStage keeps.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundledModelsDir, ModelHost } from '../../src/models/host.js';
import { rpeakQuality, rpeakWindowCodec } from '../../src/models/rpeak/codec.js';
import type { LoadedModel } from '../../src/models/runtime/types.js';
import { embeddingQuality, similarityCodec } from '../../src/models/similarity/codec.js';
import { loadSimilarityManifest } from '../../src/models/similarity/manifest.js';
import { ModelStage, RECENT_QUALITY, type ModelCodec } from '../../src/models/stage.js';
import { readNpy } from '../../src/quantize/npy.js';

const params = { sampleRateHz: 250, threshold: 0.5, refractorySamples: 50 };
const windowSamples = 625;
/** A 2.5 s probability trace with a 5-sample bump peaking at each of `peaks`. */
function trace(peaks: number[]): Float32Array {
  const p = new Float32Array(windowSamples);
  for (const t of peaks) for (let d = -2; d <= 2; d++) if (t + d >= 0 && t + d < windowSamples) p[t + d] = Math.max(p[t + d], 0.95 - 0.2 * Math.abs(d));
  return p;
}

test('rpeak: the bundled model on its 200 validation windows scores 1 on all but one (measured 0.995)', () => {
  const outputs = readNpy(new Uint8Array(readFileSync(join(bundledModelsDir, 'rpeak-proto', 'val-outputs-float-py.npy'))));
  let sum = 0;
  for (let k = 0; k < outputs.shape[0]; k++) sum += rpeakQuality(outputs.data.subarray(k * windowSamples, (k + 1) * windowSamples), params);
  assert.is(outputs.shape[0], 200);
  assert.is(sum, 199);
});

test('rpeak: collapsed outputs score 0 (constant 0, 0.5 at the threshold, 0.9, a peak only at the edge)', () => {
  for (const c of [0, 0.5, 0.9]) assert.is(rpeakQuality(new Float32Array(windowSamples).fill(c), params), 0, `constant ${c}`);
  assert.is(rpeakQuality(trace([windowSamples - 1]), params), 0);
});

test('rpeak: plausible rhythms score 1, implausible ones 0', () => {
  assert.is(rpeakQuality(trace([40, 240, 440]), params), 1, '75 bpm');
  assert.is(rpeakQuality(trace([300]), params), 1, 'one beat in 2.5 s (the neighbours outside)');
  assert.is(rpeakQuality(trace([100, 160, 220, 280, 340, 400]), params), 0, '250 bpm: intervals of 0.24 s');
  assert.is(rpeakQuality(trace([10, 610]), params), 0, 'a 2.4 s interval (25 bpm)');
  assert.is(rpeakQuality(new Float32Array(windowSamples), { ...params, sampleRateHz: 500 }), 1, 'a 1.25 s window may hold no beat');
});

test('similarity: raw embedding norm finite and above the floor', () => {
  assert.is(embeddingQuality(new Float32Array(64)), 0);
  assert.is(embeddingQuality(new Float32Array(64).fill(1e-5)), 0, 'norm 8e-5');
  assert.is(embeddingQuality(Float32Array.from([NaN, 1])), 0);
  assert.is(embeddingQuality(Float32Array.from([Infinity, 1])), 0);
  assert.is(embeddingQuality(Float32Array.from([0.3, -0.4])), 1);
});

test('similarity: the shipped encoder scores 1 on its golden segments through the slot', async () => {
  const golden = JSON.parse(readFileSync(join(loadSimilarityManifest().dir, 'golden.json'), 'utf8')) as { segments: number[][] };
  const host = new ModelHost();
  try {
    const slot = await host.slot('similarity', similarityCodec);
    for (const s of golden.segments) slot.infer(Float32Array.from(s));
    assert.equal(slot.stage.recentQuality(), Array(golden.segments.length).fill(1));
  } finally {
    await host.close();
  }
});

test('stage: keeps the latest RECENT_QUALITY scores, clamped to [0, 1] (non-finite -> 0), told to listeners; none without a score', () => {
  const fake: LoadedModel = {
    name: 'fake',
    inputs: [{ name: 'x', dtype: 'float32', shape: [1] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [1] }],
    run: (inputs) => [inputs[0]],
    runBatch: (batch) => batch,
    dispose: () => undefined,
  };
  const base: ModelCodec<number, number> = { preprocess: (x) => [Float32Array.of(x)], postprocess: (out) => (out[0] as Float32Array)[0] };
  const scored: ModelCodec<number, number> = { ...base, quality: (y) => (y < 0 ? undefined : y) };
  const info = { name: 'fake', version: '1.0.0', task: 'rpeak' as const, variant: 'float32', precision: 'float32' as const, sha256: '0', trainedOn: '-', loadedAt: '' };
  const stage = new ModelStage(info, {} as never, fake, scored);
  const heard: number[] = [];
  stage.onQuality((q) => heard.push(q));
  assert.ok(stage.hasQuality);
  for (const x of [2, NaN, -1, 0.25]) stage.infer(x);
  assert.equal(stage.recentQuality(), [1, 0, 0.25], 'clamped, NaN as 0, undefined not kept');
  assert.equal(heard, [1, 0, 0.25]);
  for (let i = 0; i < 100; i++) stage.infer(i / 100);
  const recent = stage.recentQuality();
  assert.is(recent.length, RECENT_QUALITY);
  assert.is(recent[0], Math.fround((100 - RECENT_QUALITY) / 100));
  assert.is(recent.at(-1), Math.fround(0.99));
  const plain = new ModelStage(info, {} as never, fake, base);
  plain.infer(1);
  assert.not.ok(plain.hasQuality);
  assert.equal(plain.recentQuality(), []);
});

test('rpeak codec: the bundled slot records a score per inference', async () => {
  const host = new ModelHost();
  try {
    const slot = await host.slot('rpeak-proto', rpeakWindowCodec);
    const inputs = readNpy(new Uint8Array(readFileSync(join(bundledModelsDir, 'rpeak-proto', 'val-inputs.npy'))));
    for (let k = 0; k < 8; k++) slot.infer(inputs.data.slice(k * windowSamples, (k + 1) * windowSamples));
    assert.is(slot.stage.recentQuality().length, 8);
    assert.ok(slot.stage.recentQuality().every((q) => q === 0 || q === 1));
  } finally {
    await host.close();
  }
});

test.run();
