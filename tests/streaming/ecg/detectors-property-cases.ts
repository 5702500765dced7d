// Cases for the Pan-Tompkins, Hamilton, Christov and Engelse-Zeelenberg detector tests (not a test
// file itself): real MIT-BIH minutes, synthetic ECG at five rates, flat lines, NaN runs, spikes,
// latency on real data pushed one sample at a time, bounded state over two hours, reset.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadWfdbRecord } from '../../../src/streaming/formats/load.js';
import { isBeatAnnotation, toMicrovolts } from '../../../src/streaming/formats/wfdb.js';
import type { DetectorFactory, RPeakDetector } from '../../../src/streaming/ecg/detector.js';
import { scoreRecord } from '../../../src/streaming/ecg/ec57.js';
import { McSharryEcg } from '../../../hardware/signals/mcsharry.js';
import { runInChunks as runChunked } from './_run.js';

const mitdb = '/work/shared/data/mitdb-train';

export interface Excerpt {
  fs: number;
  microvolts: Float32Array;
  beats: number[];
}

/** Channel 0 of a training record, first `seconds`, in microvolts, with its reference beats. */
export async function mitdbExcerpt(record: string, seconds: number): Promise<Excerpt> {
  const r = await loadWfdbRecord(`${mitdb}/${record}`);
  const fs = r.signals[0].sampleRateHz;
  const end = Math.round(seconds * fs);
  const microvolts = toMicrovolts(r.signals[0].physical.subarray(0, end), r.signals[0].spec.units);
  const beats = (r.annotations ?? []).filter((a) => isBeatAnnotation(a) && a.sampleIndex < end).map((a) => a.sampleIndex);
  return { fs, microvolts, beats };
}

export { runChunked };

/** Bytes held in typed arrays and array slots reachable from `root` (a structural size, not a timing). */
export function retainedBytes(root: object): number {
  const seen = new Set<object>();
  let total = 0;
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      total += v.byteLength;
      return;
    }
    if (Array.isArray(v)) {
      total += 8 * v.length;
      for (const x of v) visit(x);
      return;
    }
    for (const key of Object.keys(v)) visit((v as Record<string, unknown>)[key]);
  };
  visit(root);
  return total;
}

export interface ClassicFloors {
  /** Minimum gross Se and +P on the first minute of nine 100-series training records. */
  firstMinutes: number;
  /** Minimum Se and +P on the synthetic ECG at each rate. */
  synthetic: number;
}

function synthetic(fs: number, seconds: number, seed = 3) {
  const ecg = new McSharryEcg({ sampleRateHz: fs, heartRateBpm: 72, seed, noiseMicrovolts: 15 });
  const signal = ecg.next(Math.round(seconds * fs));
  return { signal, peaks: [...ecg.rPeakSampleIndices] };
}

export function classicDetectorCases(name: string, factory: DetectorFactory, floors: ClassicFloors): void {
  test(`${name}: first minute of 101, 106, 112, 115, 116, 118, 119, 122, 124 (real annotations)`, async () => {
    let tp = 0;
    let fn = 0;
    let fp = 0;
    for (const record of ['101', '106', '112', '115', '116', '118', '119', '122', '124']) {
      const { fs, microvolts, beats } = await mitdbExcerpt(record, 60);
      // The records start mid-beat; the partial first complex is not annotated, so score from 0.5 s.
      const score = scoreRecord(beats, runChunked(factory(fs), microvolts, 360), fs, { startSample: fs / 2 });
      assert.ok(score.truePositives > 0.9 * beats.length || floors.firstMinutes < 0.9, `${record}: ${score.truePositives}/${beats.length}`);
      tp += score.truePositives;
      fn += score.falseNegatives;
      fp += score.falsePositives;
    }
    const se = tp / (tp + fn);
    const ppv = tp / (tp + fp);
    assert.ok(se >= floors.firstMinutes && ppv >= floors.firstMinutes, `Se ${se} +P ${ppv} (floor ${floors.firstMinutes})`);
  });

  test(`${name}: synthetic ECG at 100, 130, 250, 360, 500, 1000 Hz: beats found and on time`, () => {
    for (const fs of [100, 130, 250, 360, 500, 1000]) {
      const { signal, peaks } = synthetic(fs, 60);
      const detector = factory(fs);
      assert.is(detector.sampleRateHz, fs);
      // Scored from 1 s (the learning start) to 0.5 s before the end (a beat cut by the end).
      const inside = (v: number) => v < signal.length - fs / 2;
      const score = scoreRecord(peaks.filter(inside), runChunked(detector, signal, 97).filter(inside), fs, { startSample: fs });
      const floor = floors.synthetic;
      assert.ok(score.sensitivity >= floor && score.positivePredictivity >= floor, `${fs} Hz: Se ${score.sensitivity} +P ${score.positivePredictivity}`);
      assert.ok(Math.abs(score.timingErrorMeanMs) < 20 && score.timingErrorSdMs < 20, `${fs} Hz: timing ${score.timingErrorMeanMs} +- ${score.timingErrorSdMs} ms`);
    }
  });

  test(`${name}: flat lines give no beats`, () => {
    for (const level of [0, 1024, -350, 1e5]) {
      for (const fs of [100, 360, 1000]) assert.equal(runChunked(factory(fs), new Float32Array(fs * 30).fill(level), 64), [], `${level} uV at ${fs} Hz`);
    }
  });

  test(`${name}: NaN runs do not crash, no beat falls in a gap, detection resumes`, () => {
    const fs = 360;
    const { signal, peaks } = synthetic(fs, 60);
    const gaps: [number, number][] = [[0, fs], [10 * fs, 13 * fs], [30 * fs, 30 * fs + 5], [45 * fs, 60 * fs]];
    for (const [a, b] of gaps) signal.fill(NaN, a, b);
    const beats = runChunked(factory(fs), signal, 123);
    for (const b of beats) assert.ok(Number.isInteger(b) && !Number.isNaN(signal[b]), `beat ${b}`);
    const between = (v: number) => v > 15 * fs && v < 29 * fs;
    const score = scoreRecord(peaks.filter(between), beats.filter(between), fs);
    assert.ok(score.sensitivity >= 0.95 && score.positivePredictivity >= 0.95, `Se ${score.sensitivity} +P ${score.positivePredictivity}`);
  });

  test(`${name}: spikes, clipping and infinities do not crash; detection recovers`, () => {
    const fs = 250;
    const { signal, peaks } = synthetic(fs, 60);
    for (let i = 5 * fs; i < 8 * fs; i++) signal[i] = Math.max(-200, Math.min(200, signal[i] * 10));
    signal[15 * fs] = 1e30;
    signal[15 * fs + 1] = -1e30;
    signal[16 * fs] = Infinity;
    signal[17 * fs] = -Infinity;
    signal[18 * fs] = 5e5; // 0.5 V: huge but finite
    const beats = runChunked(factory(fs), signal, 50);
    for (const b of beats) assert.ok(Number.isInteger(b));
    const late = (v: number) => v > 35 * fs;
    const score = scoreRecord(peaks.filter(late), beats.filter(late), fs);
    assert.ok(score.sensitivity >= 0.95 && score.positivePredictivity >= 0.95, `after artefacts: Se ${score.sensitivity} +P ${score.positivePredictivity}`);
  });

  test(`${name}: reset() restores the initial state`, () => {
    const { signal } = synthetic(360, 20, 9);
    const whole = runChunked(factory(360), signal, signal.length);
    const detector = factory(360);
    runChunked(detector, signal.subarray(0, 3 * 360), 100);
    detector.reset();
    assert.equal(runChunked(detector, signal, 1000), whole);
  });

  test(`${name}: on real ECG pushed sample by sample, every beat comes within latencySamples`, async () => {
    const { fs, microvolts } = await mitdbExcerpt('203', 120);
    const detector = factory(fs);
    let worst = 0;
    let count = 0;
    for (let i = 0; i < microvolts.length; i++) {
      for (const beat of detector.push(microvolts.subarray(i, i + 1))) {
        worst = Math.max(worst, i - beat);
        count++;
      }
    }
    assert.ok(count > 100, `${count} beats`);
    assert.ok(worst <= detector.latencySamples, `worst ${worst} > declared ${detector.latencySamples}`);
    for (const rate of [100, 1000]) {
      const ecg = new McSharryEcg({ sampleRateHz: rate, heartRateBpm: 50, seed: 4, noiseMicrovolts: 30 }).next(40 * rate);
      const d = factory(rate);
      for (let i = 0; i < ecg.length; i++) {
        for (const beat of d.push(ecg.subarray(i, i + 1))) assert.ok(i - beat <= d.latencySamples, `${rate} Hz: ${i - beat} > ${d.latencySamples}`);
      }
    }
  });

  test(`${name}: two hours of ECG at 250 Hz leave the state size unchanged`, () => {
    const fs = 250;
    const minute = new McSharryEcg({ sampleRateHz: fs, heartRateBpm: 75, seed: 11, noiseMicrovolts: 20 }).next(60 * fs);
    minute.fill(NaN, 20 * fs, 21 * fs);
    const detector = factory(fs);
    detector.push(minute.subarray(0, 10 * fs));
    const early = retainedBytes(detector);
    let beats = 0;
    for (let m = 0; m < 120; m++) beats += detector.push(minute).length;
    assert.ok(beats > 120 * 60, `${beats} beats in two hours`);
    assert.is(retainedBytes(detector), early);
  });

  test(`${name}: missing-only input gives no beats; beats are ascending integers`, () => {
    const fs = 500;
    assert.equal(runChunked(factory(fs), new Float32Array(20 * fs).fill(NaN), 77), []);
    const ecg = new McSharryEcg({ sampleRateHz: fs, heartRateBpm: 90, seed: 2 }).next(30 * fs);
    for (let i = 0; i < ecg.length; i += 997) ecg.fill(NaN, i, i + 40);
    const beats = runChunked(factory(fs), ecg, 1000);
    assert.ok(beats.length > 30);
    for (let i = 0; i < beats.length; i++) {
      assert.ok(Number.isInteger(beats[i]) && beats[i] >= 0 && beats[i] < ecg.length);
      if (i > 0) assert.ok(beats[i] > beats[i - 1]);
    }
  });

  test(`${name}: rejects sample rates outside 100..1000 Hz`, () => {
    assert.throws(() => factory(50));
    assert.throws(() => factory(2000));
  });
}
