// Cases shared by the SWT, two-average and matched-filter detector tests (not a test file itself):
// real MIT-BIH excerpts, synthetic ECG at several rates, flat lines, NaN runs, spikes, chunking.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { loadWfdbRecord } from '../../../src/streaming/formats/load.js';
import { isBeatAnnotation } from '../../../src/streaming/formats/wfdb.js';
import type { DetectorFactory, RPeakDetector } from '../../../src/streaming/ecg/detector.js';
import { scoreRecord } from '../../../src/streaming/ecg/ec57.js';
import { McSharryEcg } from '../../../hardware/signals/mcsharry.js';
import { runInChunks as runAll } from './_run.js';

const mitdb = '/work/shared/data/mitdb-train';

/** EC57 matching; tolerance in samples (the scorer takes seconds). */
function matchBeats(reference: readonly number[], detected: readonly number[], toleranceSamples: number) {
  const score = scoreRecord(reference, detected, 1, { matchWindowSeconds: toleranceSamples });
  return {
    tp: score.truePositives,
    fn: score.falseNegatives,
    fp: score.falsePositives,
    se: score.sensitivity,
    ppv: score.positivePredictivity,
    /** At a nominal 1 Hz rate the scorer's ms are 1000 x samples. */
    meanAbsErrorSamples: Math.sqrt(score.timingErrorSumSquaresMs2 / Math.max(1, score.truePositives)) / 1000,
  };
}

export { runAll };

function synthetic(sampleRateHz: number, seconds: number, seed = 3) {
  const ecg = new McSharryEcg({ sampleRateHz, heartRateBpm: 72, seed, noiseMicrovolts: 15 });
  const signal = ecg.next(Math.round(seconds * sampleRateHz));
  return { signal, peaks: [...ecg.rPeakSampleIndices] };
}

export interface DetectorFloors {
  /** Minimum gross Se and +P over the MIT-BIH excerpts. */
  mitdb: number;
  /** Seconds after a 1e30 spike by which detection is back to normal. */
  recoverySec: number;
}

export function detectorCases(name: string, factory: DetectorFactory, floors: DetectorFloors): void {
  test(`${name}: MIT-BIH excerpts (first 10 min of 101, 106, 119, 208) reach Se and +P floors`, async () => {
    let tp = 0;
    let fn = 0;
    let fp = 0;
    for (const rec of ['101', '106', '119', '208']) {
      const record = await loadWfdbRecord(`${mitdb}/${rec}`);
      const fs = record.signals[0].sampleRateHz;
      const end = 600 * fs;
      const x = record.signals[0].physical.subarray(0, end);
      const ref = (record.annotations ?? []).filter((a) => isBeatAnnotation(a) && a.sampleIndex < end).map((a) => a.sampleIndex);
      const m = matchBeats(ref, runAll(factory(fs), x, 1000), Math.round(0.15 * fs));
      assert.ok(m.meanAbsErrorSamples < 0.05 * fs, `${rec}: RMS error ${m.meanAbsErrorSamples} samples`);
      tp += m.tp;
      fn += m.fn;
      fp += m.fp;
    }
    const se = tp / (tp + fn);
    const ppv = tp / (tp + fp);
    assert.ok(se >= floors.mitdb && ppv >= floors.mitdb, `Se ${se} +P ${ppv} (floor ${floors.mitdb})`);
  });

  test(`${name}: synthetic ECG at 130/250/360/500/1000 Hz, beats on time`, () => {
    for (const fs of [130, 250, 360, 500, 1000]) {
      const { signal, peaks } = synthetic(fs, 60);
      const detector = factory(fs);
      assert.is(detector.sampleRateHz, fs);
      const m = matchBeats(peaks, runAll(detector, signal, 97), Math.round(0.15 * fs));
      assert.ok(m.se >= 0.98 && m.ppv >= 0.98, `${fs} Hz: Se ${m.se} +P ${m.ppv}`);
      assert.ok(m.meanAbsErrorSamples <= 0.03 * fs, `${fs} Hz: RMS error ${m.meanAbsErrorSamples} samples`);
    }
  });

  test(`${name}: flat lines give no beats`, () => {
    for (const level of [0, 1024, -0.35]) {
      assert.equal(runAll(factory(250), new Float32Array(250 * 30).fill(level), 64), [], `level ${level}`);
    }
  });

  test(`${name}: NaN runs neither crash nor produce beats inside the gap`, () => {
    const fs = 360;
    const { signal, peaks } = synthetic(fs, 60);
    const gaps: [number, number][] = [[0, fs], [10 * fs, 13 * fs], [30 * fs, 30 * fs + 5], [45 * fs, 60 * fs]];
    for (const [a, b] of gaps) signal.fill(NaN, a, b);
    const beats = runAll(factory(fs), signal, 123);
    for (const b of beats) {
      assert.ok(Number.isInteger(b) && b >= 0 && b < signal.length, `beat ${b}`);
      assert.ok(!Number.isNaN(signal[b]), `beat ${b} on a missing sample`);
    }
    // beats come back after a gap: most true beats between gaps are found
    const inside = peaks.filter((p) => (p > 14 * fs && p < 29 * fs) || (p > 2 * fs && p < 9 * fs));
    const m = matchBeats(inside, beats.filter((b) => (b > 14 * fs && b < 29 * fs) || (b > 2 * fs && b < 9 * fs)), 0.15 * fs);
    assert.ok(m.se >= 0.9 && m.ppv >= 0.9, `Se ${m.se} +P ${m.ppv}`);
  });

  test(`${name}: spikes, clipping and infinities do not crash and it recovers`, () => {
    const fs = 250;
    const { signal, peaks } = synthetic(fs, 60);
    for (let i = 5 * fs; i < 8 * fs; i++) signal[i] = Math.max(-200, Math.min(200, signal[i] * 10)); // clipped
    signal[15 * fs] = 1e30;
    signal[15 * fs + 1] = -1e30;
    signal[16 * fs] = Infinity;
    signal[17 * fs] = -Infinity;
    const beats = runAll(factory(fs), signal, 50);
    for (const b of beats) assert.ok(Number.isInteger(b), `beat ${b}`);
    const late = (v: number) => v > (17 + floors.recoverySec) * fs;
    const m = matchBeats(peaks.filter(late), beats.filter(late), 0.15 * fs);
    assert.ok(m.se >= 0.95 && m.ppv >= 0.95, `after artefacts: Se ${m.se} +P ${m.ppv}`);
  });

  test(`${name}: output does not depend on chunking, reset restores the initial state`, () => {
    const fs = 360;
    const { signal } = synthetic(fs, 20, 9);
    signal.fill(NaN, 5 * fs, 6 * fs);
    const whole = runAll(factory(fs), signal);
    assert.ok(whole.length > 15);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 50 }), (sizes) => {
        assert.equal(runAll(factory(fs), signal, sizes), whole);
      }),
      { numRuns: 15 },
    );
    const detector = factory(fs);
    runAll(detector, signal.subarray(0, 3 * fs));
    detector.reset();
    assert.equal(runAll(detector, signal), whole);
  });

  test(`${name}: every beat is reported within latencySamples`, () => {
    const fs = 500;
    const { signal } = synthetic(fs, 30, 5);
    const detector = factory(fs);
    const chunk = 10;
    let seen = 0;
    for (let o = 0; o < signal.length; o += chunk) {
      const end = Math.min(signal.length, o + chunk);
      for (const b of detector.push(signal.subarray(o, end))) {
        seen++;
        assert.ok(end - 1 - b <= detector.latencySamples, `beat ${b} reported at ${end - 1} (latency ${detector.latencySamples})`);
      }
    }
    assert.ok(seen > 20);
  });
}
