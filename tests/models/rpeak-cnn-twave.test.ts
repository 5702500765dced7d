// The R-peak CNN's T-wave rule: within `windowSamples` of the last peak a candidate needs the
// rule's higher probability; the rule never moves a decision in time, does not depend on how
// probabilities are chunked, and comes from the manifest (a fold's own params override the model's).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseManifest } from '../../src/models/manifest.js';
import { RPEAK_CNN_DIR, rpeakCnnConfig, rpeakCnnFolds } from '../../src/models/rpeak/cnn-config.js';
import { StreamingPeakPicker, steepestSlope, type TWaveRule } from '../../src/models/rpeak/cnn-stream.js';

/** Probabilities with Gaussian bumps of the given heights at the given samples. */
function bumps(length: number, at: [number, number][]): Float32Array {
  const p = new Float32Array(length);
  for (const [t, h] of at) for (let s = Math.max(0, t - 12); s < Math.min(length, t + 13); s++) p[s] = Math.max(p[s]!, h * Math.exp(-((s - t) ** 2) / 32));
  return p;
}

function pick(p: Float32Array, tWave: TWaveRule | undefined, chunk: number): number[] {
  const picker = new StreamingPeakPicker(0.5, 50, tWave);
  const out: number[] = [];
  for (let i = 0; i < p.length; i += chunk) picker.push(p.subarray(i, i + chunk), out);
  picker.flush(out);
  return out;
}

// A beat at 100, a T-wave-like bump 70 samples (280 ms) later, a strong early beat 60 samples after
// the one at 300, and a weak bump 100 samples (400 ms, outside the window) after the one at 600.
const p = bumps(1000, [[100, 0.97], [170, 0.7], [300, 0.95], [360, 0.9], [600, 0.96], [700, 0.7]]);
const rule: TWaveRule = { windowSamples: 90, threshold: 0.8 };

test('without the rule every local maximum above threshold is a peak', () => {
  assert.equal(pick(p, undefined, 1000), [100, 170, 300, 360, 600, 700]);
});

test('with the rule a weak candidate inside the window is dropped; strong ones and later ones stay', () => {
  assert.equal(pick(p, rule, 1000), [100, 300, 360, 600, 700]);
  // a dropped candidate does not become the reference of the window: 100 -> (170 dropped) -> 300
  const chain = bumps(600, [[100, 0.97], [170, 0.7], [240, 0.7]]);
  assert.equal(pick(chain, rule, 600), [100, 240]);
});

test('the same peaks for any chunking', () => {
  for (const chunk of [1, 7, 50, 256, 999]) assert.equal(pick(p, rule, chunk), [100, 300, 360, 600, 700], `chunk ${chunk}`);
});

test('slope test (Pan-Tompkins): a weak early candidate with at least half the last QRS slope is kept, a flat one dropped', () => {
  // ECG (mV): a sharp QRS spike at 100, a steep ventricular beat at 170, a slow T-like hump at 370 after a QRS at 300
  const x = new Float32Array(600);
  const spike = (t: number, h: number, w: number) => { for (let s = t - 3 * w; s <= t + 3 * w; s++) x[s] = (x[s] ?? 0) + h * Math.exp(-((s - t) ** 2) / (2 * w * w)); };
  spike(100, 1.5, 2);
  spike(170, 1.2, 3);
  spike(300, 1.5, 2);
  spike(370, 0.4, 12);
  const q = bumps(600, [[100, 0.97], [170, 0.7], [300, 0.97], [370, 0.7]]);
  const slopeAt = (t: number) => steepestSlope((k) => x[k] ?? Number.NaN, t);
  assert.ok(slopeAt(170) >= 0.5 * slopeAt(100) && slopeAt(370) < 0.5 * slopeAt(300), 'the fixture is what it says');
  const pickWith = (tw: TWaveRule) => {
    const picker = new StreamingPeakPicker(0.5, 50, tw, undefined, slopeAt);
    const out: number[] = [];
    picker.push(q, out);
    picker.flush(out);
    return out;
  };
  assert.equal(pickWith({ ...rule, slopeFraction: 0.5 }), [100, 170, 300]);
  assert.equal(pickWith(rule), [100, 300], 'probability only');
});

test('steepestSlope: Pan-Tompkins derivative, unknown samples left out', () => {
  const ramp = (k: number) => (k < 0 ? Number.NaN : 0.1 * k); // slope 0.1 mV/sample: y = (2+1-... )/8 * 0.1 = 0.1 * 10/8
  assert.ok(Math.abs(steepestSlope(ramp, 50) - 0.125) < 1e-12);
  assert.is(steepestSlope(() => Number.NaN, 50), 0);
  assert.ok(Math.abs(steepestSlope(ramp, 0) - 0.125) < 1e-12, 'near the start only the y with all four inputs count');
});

test('manifest: tWave params parse in pairs; a fold overrides the model params with its own', () => {
  const path = join(RPEAK_CNN_DIR, 'manifest.json');
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { params: Record<string, unknown>; folds: Record<string, unknown>[] };
  const doc = structuredClone(raw);
  delete doc.params.tWaveWindowSamples;
  delete doc.params.tWaveThreshold;
  delete doc.params.tWaveSlopeFraction;
  for (const f of doc.folds) delete f.params;
  assert.is(rpeakCnnConfig(parseManifest(JSON.stringify(doc), path).manifest).tWave, undefined);
  doc.params.tWaveWindowSamples = 90;
  assert.throws(() => rpeakCnnConfig(parseManifest(JSON.stringify(doc), path).manifest), /tWaveThreshold/);
  doc.params.tWaveThreshold = 0.9;
  assert.equal(rpeakCnnConfig(parseManifest(JSON.stringify(doc), path).manifest).tWave, { windowSamples: 90, threshold: 0.9 });
  doc.folds[0]!.params = { tWaveThreshold: 0.7 };
  const folds = rpeakCnnFolds(parseManifest(JSON.stringify(doc), path));
  assert.equal(rpeakCnnConfig(folds[0]!.doc.manifest).tWave, { windowSamples: 90, threshold: 0.7 });
  assert.equal(rpeakCnnConfig(folds[1]!.doc.manifest).tWave, { windowSamples: 90, threshold: 0.9 });
  doc.params.tWaveSlopeFraction = 0.5;
  assert.equal(rpeakCnnConfig(parseManifest(JSON.stringify(doc), path).manifest).tWave, { windowSamples: 90, threshold: 0.9, slopeFraction: 0.5 });
  doc.params.tWaveSlopeFraction = -1;
  assert.throws(() => rpeakCnnConfig(parseManifest(JSON.stringify(doc), path).manifest), /tWaveSlopeFraction must be a positive number/);
  delete doc.params.tWaveSlopeFraction;
  doc.folds[0]!.params = { tWaveThreshold: false };
  assert.is(rpeakCnnConfig(rpeakCnnFolds(parseManifest(JSON.stringify(doc), path))[0]!.doc.manifest).tWave, undefined, 'false: off over the model rule');
  doc.folds[0]!.params = [1];
  assert.throws(() => rpeakCnnFolds(parseManifest(JSON.stringify(doc), path)), /params must be an object/);
});

test.run();
