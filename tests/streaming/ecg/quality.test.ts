import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assessEcgQuality, correlation, defaultQualityOptions, kurtosis, signalDefects } from '../../../src/streaming/ecg/quality.js';
import { EcgQualityMonitor } from '../../../src/streaming/ecg/quality-monitor.js';
import { loadWfdbRecord } from '../../../src/streaming/formats/load.js';
import { isBeatAnnotation } from '../../../src/streaming/formats/wfdb.js';
import { McSharryEcg } from '../../../hardware/signals/mcsharry.js';
import { SeededRandom } from '../../../src/common/random.js';

const fs = 250;
function clean(seconds = 10, seed = 4) {
  const ecg = new McSharryEcg({ sampleRateHz: fs, heartRateBpm: 70, seed, noiseMicrovolts: 10 });
  const x = ecg.next(seconds * fs);
  return { x, beats: [...ecg.rPeakSampleIndices] };
}

test('pure helpers: kurtosis, correlation', () => {
  const rng = new SeededRandom(1);
  const gauss = Float64Array.from({ length: 20000 }, () => rng.gaussian());
  const k = kurtosis(gauss);
  assert.ok(k !== null && Math.abs(k - 3) < 0.2, `gaussian kurtosis ${k}`);
  // a linear trend alone is removed: kurtosis of a ramp plus tiny noise stays near 3
  const ramp = Float64Array.from(gauss, (v, i) => 1000 * i + v);
  assert.ok(Math.abs((kurtosis(ramp) ?? 0) - 3) < 0.2);
  assert.is(kurtosis([1, 1, 1, 1, 1]), null);
  assert.is(correlation([1, 2, 3], [2, 4, 6]), 1);
  assert.is(correlation([1, 2, 3], [3, 2, 1]), -1);
  assert.is(correlation([1, 1, 1], [3, 2, 1]), 0);
});

test('clean synthetic ECG is good, with high template correlation and kurtosis', () => {
  const { x, beats } = clean();
  const q = assessEcgQuality(x, beats, fs);
  assert.is(q.quality, 'good', JSON.stringify(q));
  assert.ok(q.templateCorrelation! > 0.95 && q.kurtosis! > 5 && q.sqi > 0.8, JSON.stringify(q));
  assert.equal(q.reasons, []);
  assert.is(q.flatline, false);
  assert.is(q.missingFraction, 0);
});

test('real MIT-BIH windows are good; with NSTDB muscle noise (0.46 mV RMS) most are not', async () => {
  const rec = await loadWfdbRecord('/work/shared/data/mitdb-train/101');
  const noise = await loadWfdbRecord('/work/shared/data/noise/ma', { annotator: null });
  const rfs = rec.signals[0].sampleRateHz;
  const ecg = rec.signals[0].physical;
  const ma = noise.signals[0].physical;
  const beats = (rec.annotations ?? []).filter(isBeatAnnotation).map((a) => a.sampleIndex);
  const w = 10 * rfs;
  let good = 0;
  let noisyGood = 0;
  for (let k = 0; k < 12; k++) {
    const start = 60 * rfs + k * w;
    const x = ecg.slice(start, start + w);
    const offsets = beats.filter((b) => b >= start && b < start + w).map((b) => b - start);
    if (assessEcgQuality(x, offsets, rfs).quality === 'good') good++;
    // the ma record is ~0.19 mV RMS here; 2.5x gives 0.46 mV RMS against ~1 mV R waves
    const noisy = Float32Array.from(x, (v, i) => v + 2.5 * ma[start + i]);
    const q = assessEcgQuality(noisy, offsets, rfs);
    if (q.quality === 'good') noisyGood++;
  }
  assert.ok(good >= 11, `clean windows rated good: ${good}/12`);
  assert.ok(noisyGood <= 3, `noisy windows rated good: ${noisyGood}/12`);
});

test('strong white noise without beats is unusable', () => {
  const rng = new SeededRandom(2);
  const x = Float32Array.from({ length: 10 * fs }, () => 300 * rng.gaussian());
  const q = assessEcgQuality(x, [], fs);
  assert.is(q.quality, 'unusable');
  assert.is(q.templateCorrelation, null);
  assert.ok(q.reasons.some((r) => r.includes('beats')));
});

test('flat line is unusable and says so', () => {
  for (const level of [0, 512]) {
    const q = assessEcgQuality(new Float32Array(10 * fs).fill(level), [], fs);
    assert.is(q.flatline, true);
    assert.is(q.quality, 'unusable');
    assert.is(q.sqi, 0);
    assert.ok(q.reasons.includes('flat line'));
  }
  // ECG that stops moving for 2 s inside the window
  const { x, beats } = clean();
  x.fill(x[4 * fs], 4 * fs, 6 * fs);
  const q = assessEcgQuality(x, beats, fs);
  assert.is(q.flatline, true);
  assert.is(q.quality, 'unusable');
});

test('missing samples lower the quality; mostly missing is unusable', () => {
  const { x, beats } = clean();
  const base = assessEcgQuality(x, beats, fs);
  const some = Float32Array.from(x);
  some.fill(NaN, 3 * fs, 4 * fs);
  const q1 = assessEcgQuality(some, beats, fs);
  assert.ok(Math.abs(q1.missingFraction - 0.1) < 1e-9);
  assert.ok(q1.sqi < base.sqi && Number.isFinite(q1.sqi) && Number.isFinite(q1.kurtosis!));
  assert.ok(q1.reasons.some((r) => r.includes('missing')));
  const most = Float32Array.from(x).fill(NaN, 0, 7 * fs);
  const q2 = assessEcgQuality(most, beats, fs);
  assert.is(q2.quality, 'unusable');
  const all = new Float32Array(10 * fs).fill(NaN);
  const q3 = assessEcgQuality(all, [], fs);
  assert.is(q3.quality, 'unusable');
  assert.is(q3.missingFraction, 1);
  assert.is(q3.kurtosis, null);
});

test('clipping is measured; lead-off forces unusable', () => {
  const { x, beats } = clean();
  const clipped = Float32Array.from(x, (v) => Math.min(300, Math.max(-300, v)));
  const d = signalDefects(clipped, fs);
  assert.ok(d.clippedFraction > 0.005, `${d.clippedFraction}`);
  assert.is(signalDefects(x, fs).clippedFraction < 0.002, true);
  const known = signalDefects(x, fs, { ...defaultQualityOptions, clipHighUnits: 300 });
  assert.ok(known.clippedFraction > 0);
  const q = assessEcgQuality(x, beats, fs, { leadOff: true });
  assert.is(q.quality, 'unusable');
  assert.ok(q.reasons.includes('lead off'));
});

test('monitor: one result per window, beats arriving late still count, lead-off per window', () => {
  const { x, beats } = clean(40, 6);
  const latency = Math.round(1.5 * fs);
  const monitor = new EcgQualityMonitor(fs, { windowSec: 10, beatLatencySamples: latency });
  const results = [];
  const chunk = 25;
  for (let o = 0; o < x.length; o += chunk) {
    const end = o + chunk;
    // a beat is reported `latency` samples after it happened
    const due = beats.filter((b) => b + latency >= o && b + latency < end);
    const leadOff = o >= 20 * fs && o < 21 * fs;
    results.push(...monitor.push(x.subarray(o, end), due, leadOff));
  }
  assert.is(results.length, 3, 'the 4th window waits for its late beats');
  assert.equal(results.map((r) => r.startSampleIndex), [0, 10 * fs, 20 * fs]);
  assert.equal(results.map((r) => r.quality), ['good', 'good', 'unusable']);
  assert.ok(results[0].beatCount >= 10 && results[0].beatCount <= 13, `${results[0].beatCount}`);
  assert.is(results[2].leadOff, true);
});

test.run();
