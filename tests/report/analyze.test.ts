import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { analyzeEcg, chooseDetector, disagreements, hrvOf, qualityWindows } from '../../src/report/analyze.js';
import type { EcgExcerpt } from '../../src/report/load-input.js';
import { detectorFactories } from '../../src/streaming/ecg/registry.js';

const FS = 360;

/** 60 s synthetic ECG (µV): narrow QRS every 800 ms, a T wave, with a 2 s NaN gap at 20 s and a 2 s flat line at 40 s. */
function synthetic(): { excerpt: EcgExcerpt; beats: number[] } {
  const n = 60 * FS;
  const x = new Float32Array(n);
  const beats: number[] = [];
  for (let b = Math.round(0.4 * FS); b < n; b += Math.round(0.8 * FS)) beats.push(b);
  for (let i = 0; i < n; i++) {
    let v = 30 * Math.sin((2 * Math.PI * i) / (FS * 4));
    for (const b of beats) {
      const dt = (i - b) / FS;
      if (Math.abs(dt) < 0.05) v += 1200 * Math.exp(-((dt / 0.008) ** 2));
      if (dt > 0.15 && dt < 0.45) v += 250 * Math.exp(-(((dt - 0.3) / 0.05) ** 2));
    }
    x[i] = v;
  }
  x.fill(NaN, 20 * FS, 22 * FS);
  x.fill(x[40 * FS], 40 * FS, 42 * FS);
  const excerpt: EcgExcerpt = {
    name: 'synthetic',
    path: 'synthetic',
    format: 'WFDB',
    channelIndex: 0,
    channelLabel: 'test',
    sourceUnits: 'uV',
    sampleRateHz: FS,
    startSample: 0,
    recordSamples: n,
    microvolts: x,
    referenceBeats: beats.filter((b) => b < 20 * FS || b >= 22 * FS),
    missingRecordSeconds: 0,
    attribution: [],
  };
  return { excerpt, beats };
}

test('chooseDetector: default, explicit, unknown', () => {
  const registered = Object.keys(detectorFactories);
  assert.is(chooseDetector(undefined), registered.includes('pan-tompkins') ? 'pan-tompkins' : registered[0]);
  assert.is(chooseDetector(registered[registered.length - 1]), registered[registered.length - 1]);
  assert.throws(() => chooseDetector('nope'), /unknown detector/);
});

test('hrvOf uses accepted intervals only, differences between adjacent accepted ones', () => {
  const hrv = hrvOf([
    { endSampleIndex: 1, endMs: 1, rrMs: 800 },
    { endSampleIndex: 2, endMs: 2, rrMs: 900 },
    { endSampleIndex: 3, endMs: 3, rrMs: 400, rejected: 'ectopic' },
    { endSampleIndex: 4, endMs: 4, rrMs: 1000 },
  ]);
  assert.is(hrv.meanRrMs, 900);
  assert.is(hrv.meanHrBpm, 60000 / 900);
  assert.is(hrv.sdnnMs, 100);
  assert.is(hrv.differenceCount, 1);
  assert.is(hrv.rmssdMs, 100);
  assert.is(hrv.pnn50, 1);
  assert.is(hrvOf([]).sdnnMs, null);
});

test('qualityWindows: consecutive windows, a short tail dropped, beats handed to the right window', () => {
  const x = new Float32Array(24 * FS).map((_, i) => Math.sin(i / 10));
  const windows = qualityWindows(x, [100, 3000, 5000], FS, 10 * FS);
  assert.equal(windows.map((w) => [w.startSample, w.endSample, w.beatCount]), [[0, 3600, 2], [3600, 7200, 1]]);
  // 25 s in 10 s windows: the 5 s tail is half a window and is kept
  assert.is(qualityWindows(new Float32Array(25 * FS), [], FS, 10 * FS).length, 3);
});

test('synthetic ECG: beats found, gap and flat line located, RR over the gap rejected, unusable windows', () => {
  const { excerpt } = synthetic();
  const a = analyzeEcg(excerpt);
  assert.is(a.missing.length, 1);
  assert.equal([a.missing[0].startSample, a.missing[0].endSample], [20 * FS, 22 * FS]);
  assert.is(a.flat.length, 1);
  assert.ok(Math.abs(a.flat[0].startSample - 40 * FS) <= 1 && a.flat[0].endSample >= 42 * FS && a.flat[0].endSample <= 42 * FS + 10, JSON.stringify(a.flat));
  assert.ok(Math.abs(a.missingFraction - 2 / 60) < 1e-9);
  // the detector finds (nearly) every beat away from the defects
  assert.ok(a.score !== undefined);
  assert.ok(a.score.sensitivity > 0.9 && a.score.positivePredictivity > 0.9, `Se ${a.score.sensitivity} +P ${a.score.positivePredictivity}`);
  assert.is(a.missedReferences?.length, a.score.falseNegatives);
  assert.is(a.falseDetections?.length, a.score.falsePositives);
  assert.ok(a.rrCounts.tooLong >= 1, 'an interval spans the gap');
  assert.ok(a.hrv.meanHrBpm !== null && Math.abs(a.hrv.meanHrBpm - 75) < 2, `HR ${a.hrv.meanHrBpm}`);
  assert.ok(a.hrv.sdnnMs !== null && a.hrv.sdnnMs < 10);
  assert.is(a.quality.windows.length, 6);
  assert.is(a.quality.windows[4].quality, 'unusable', 'the flat line window');
  assert.ok(a.quality.windows[4].reasons.includes('flat line'));
  assert.ok(a.quality.windows[2].missingFraction > 0.19);
  // the rolling SD is NaN-free outside the gap and finite inside only at its edges
  assert.ok(Number.isNaN(a.rolling.sd[21 * FS]));
  assert.ok(Number.isFinite(a.rolling.sd[10 * FS]));
  assert.is(a.heartRate.length, a.rr.length);
});

test('disagreements: unmatched references and detections, excluded intervals ignored', () => {
  // 360 Hz: the 150 ms window is 54 samples
  const d = disagreements([1000, 2000, 3000, 5000], [1010, 2100, 3000, 4000, 5020], 360, [[4500, 5500]]);
  assert.equal(d.missedReferences, [2000]);
  assert.equal(d.falseDetections, [2100, 4000]);
});

test.run();
