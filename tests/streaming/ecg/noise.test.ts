import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FormatError } from '../../../src/common/errors.js';
import {
  mixNoise,
  noiseGainForSnr,
  noiseRmsAmplitude,
  qrsPeakToPeakAmplitude,
  resampleLinear,
  trimmedMean,
} from '../../../src/streaming/ecg/noise.js';
import { mulberry32 } from '../../../src/common/random.js';
import { loadWfdbRecord } from '../../../src/streaming/formats/load.js';

const fs = 360;

/** Synthetic ECG: flat line with a 2-unit spike (+1.5 / -0.5) at each beat. */
function spikes(length: number, beats: number[]): Float32Array {
  const x = new Float32Array(length);
  for (const b of beats) {
    x[b] = 1.5;
    x[b + 3] = -0.5;
  }
  return x;
}

test('trimmed mean drops floor(n/20) values at each end', () => {
  const values = Array.from({ length: 20 }, (_, i) => i + 1);
  values[19] = 1000;
  assert.is(trimmedMean(values), (2 + 19) / 2);
  assert.is(trimmedMean([3]), 3);
  assert.ok(Number.isNaN(trimmedMean([])));
});

test('QRS peak-to-peak uses normal beats only, in +-50 ms', () => {
  const beats = [1000, 2000, 3000];
  const ecg = spikes(5000, beats);
  const anns = [
    { sampleIndex: 1000, symbol: 'N' },
    { sampleIndex: 2000, symbol: 'L' },
    { sampleIndex: 3000, symbol: 'V' }, // not normal: not measured
    { sampleIndex: 4000, symbol: '+' },
  ];
  ecg[3001] = 10;
  assert.ok(Math.abs(qrsPeakToPeakAmplitude(ecg, fs, anns) - 2) < 1e-6);
  assert.ok(Number.isNaN(qrsPeakToPeakAmplitude(ecg, fs, [{ sampleIndex: 3000, symbol: 'V' }])));
});

test('noise RMS of a sine is amplitude / sqrt(2), offset removed per window', () => {
  const x = Float32Array.from({ length: fs * 20 }, (_, i) => 5 + 0.3 * Math.sin((2 * Math.PI * 10 * i) / fs));
  assert.ok(Math.abs(noiseRmsAmplitude(x, fs) - 0.3 / Math.SQRT2) < 1e-4);
});

test('gain formula gives the requested SNR with S = pp^2/8', () => {
  for (const snr of [0, 6, 12, 24]) {
    const g = noiseGainForSnr(snr, 2, 0.1);
    const measured = 10 * Math.log10(2 ** 2 / 8 / (g * 0.1) ** 2);
    assert.ok(Math.abs(measured - snr) < 1e-9);
  }
});

test('linear resampling is exact on a ramp and keeps the duration', () => {
  const ramp = Float32Array.from({ length: 361 }, (_, i) => i / 360);
  const up = resampleLinear(ramp, 360, 500);
  assert.is(up.length, 501);
  for (let n = 0; n < up.length; n++) assert.ok(Math.abs(up[n] - n / 500) < 1e-6);
  assert.is(resampleLinear(ramp, 360, 360), ramp);
});

test('mixNoise: seeded, continuous at the wrap, and hits the SNR on synthetic data', () => {
  const beats = Array.from({ length: 50 }, (_, i) => 200 + i * 300);
  const ecg = spikes(16000, beats);
  const anns = beats.map((b) => ({ sampleIndex: b, symbol: 'N' }));
  const noise = Float32Array.from({ length: 7200 }, (_, i) => Math.sin((2 * Math.PI * i) / 97) + i / 7200);
  const a = mixNoise({ ecg, sampleRateHz: fs, annotations: anns, noise, noiseSampleRateHz: fs, snrDb: 6, seed: 7 });
  const b = mixNoise({ ecg, sampleRateHz: fs, annotations: anns, noise, noiseSampleRateHz: fs, snrDb: 6, seed: 7 });
  const c = mixNoise({ ecg, sampleRateHz: fs, annotations: anns, noise, noiseSampleRateHz: fs, snrDb: 6, seed: 8 });
  assert.equal(a.noisy, b.noisy);
  assert.is.not(a.offsetSamples, c.offsetSamples);
  const added = a.noisy.map((v, i) => v - ecg[i]);
  let maxStep = 0;
  for (let i = 1; i < added.length; i++) maxStep = Math.max(maxStep, Math.abs(added[i] - added[i - 1]));
  const sineStep = a.gain * ((2 * Math.PI) / 97 + 1 / 7200);
  assert.ok(maxStep <= sineStep * 1.01, `step ${maxStep} > ${sineStep}`);
  const snr = 10 * Math.log10((a.signalPeakToPeak ** 2 / 8) / (a.gain * a.noiseRms) ** 2);
  assert.ok(Math.abs(snr - 6) < 1e-9);
  assert.throws(
    () => mixNoise({ ecg, sampleRateHz: fs, annotations: [], noise, noiseSampleRateHz: fs, snrDb: 6, seed: 1 }),
    (e: unknown) => e instanceof FormatError,
  );
});

test('MIT-BIH 101 + NSTDB bw at 12 dB: added noise measures 12 dB by the same method', async () => {
  const rec = await loadWfdbRecord('/work/shared/data/mitdb-train/101');
  const bw = await loadWfdbRecord('/work/shared/data/noise/bw', { annotator: null });
  const ecg = rec.signals[0].physical;
  const out = mixNoise({ ecg, sampleRateHz: 360, annotations: rec.annotations ?? [], noise: bw.signals[0].physical, noiseSampleRateHz: 360, snrDb: 12, seed: 1 });
  assert.ok(out.signalPeakToPeak > 0.5 && out.signalPeakToPeak < 3, `pp ${out.signalPeakToPeak} mV`);
  const added = out.noisy.map((v, i) => v - ecg[i]);
  const snr = 10 * Math.log10(out.signalPeakToPeak ** 2 / 8 / noiseRmsAmplitude(added, 360) ** 2);
  // The first 300 s of the shifted noise differ from the first 300 s used for calibration, so allow 3 dB.
  assert.ok(Math.abs(snr - 12) < 3, `measured ${snr} dB`);
  assert.ok(mulberry32(1)() !== mulberry32(2)());
});

test.run();
