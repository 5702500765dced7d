import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  grossScore,
  matchBeats,
  referenceBeatSamples,
  scoreRecord,
  ventricularFlutterIntervals,
} from '../../../src/streaming/ecg/ec57.js';

const close = (a: number, b: number, eps = 1e-9) => Math.abs(a - b) <= eps;

test('perfect detection: Se = +P = F1 = 1, zero timing error', () => {
  const s = scoreRecord([100, 400, 700], [100, 400, 700], 360);
  assert.is(s.truePositives, 3);
  assert.is(s.falsePositives, 0);
  assert.is(s.falseNegatives, 0);
  assert.is(s.sensitivity, 1);
  assert.is(s.positivePredictivity, 1);
  assert.is(s.f1, 1);
  assert.is(s.timingErrorMeanMs, 0);
  assert.is(s.timingErrorSdMs, 0);
});

test('double detection: one TP and one FP, the closer one is matched', () => {
  const s = scoreRecord([1000], [990, 1003], 1000);
  assert.is(s.truePositives, 1);
  assert.is(s.falsePositives, 1);
  assert.is(s.timingErrorMeanMs, 3);
  assert.equal(matchBeats([1000], [990, 1003], 150), [{ referenceIndex: 0, detectionIndex: 1 }]);
});

test('window boundary: exactly 150 ms matches, 151 ms does not', () => {
  assert.is(scoreRecord([1000], [1150], 1000).truePositives, 1);
  assert.is(scoreRecord([1000], [850], 1000).truePositives, 1);
  const miss = scoreRecord([1000], [1151], 1000);
  assert.is(miss.truePositives, 0);
  assert.is(miss.falsePositives, 1);
  assert.is(miss.falseNegatives, 1);
  // 360 Hz: 54 samples = 150 ms exactly.
  assert.is(scoreRecord([1000], [1054], 360).truePositives, 1);
  assert.is(scoreRecord([1000], [1055], 360).truePositives, 0);
});

test('nearest first: a detection between two beats goes to the closer one, the other can still match', () => {
  // refs 0 and 200 ms; detection at 120 is closer to 200 (80) than to 0 (120); detection 190 is closer still.
  const m = matchBeats([0, 200], [120, 190], 150);
  assert.equal(m, [
    { referenceIndex: 0, detectionIndex: 0 },
    { referenceIndex: 1, detectionIndex: 1 },
  ]);
  const s = scoreRecord([0, 200], [120, 190], 1000);
  assert.is(s.truePositives, 2);
  assert.ok(close(s.timingErrorMeanMs, (120 - 10) / 2));
  assert.ok(close(s.timingErrorSdMs, Math.sqrt(((120 - 55) ** 2 + (-10 - 55) ** 2) / 1)));
});

test('empty inputs give NaN rates, not errors', () => {
  const none = scoreRecord([], [], 360);
  assert.ok(Number.isNaN(none.sensitivity) && Number.isNaN(none.positivePredictivity) && Number.isNaN(none.f1));
  const onlyFp = scoreRecord([], [5], 360);
  assert.is(onlyFp.positivePredictivity, 0);
  assert.ok(Number.isNaN(onlyFp.sensitivity));
  assert.ok(Number.isNaN(onlyFp.timingErrorMeanMs));
});

test('unsorted detections are sorted; start sample and excluded intervals drop both sides', () => {
  const s = scoreRecord([100, 500, 900], [905, 102], 1000, { excludedIntervals: [[400, 600]] });
  assert.is(s.truePositives, 2);
  assert.is(s.falseNegatives, 0);
  const late = scoreRecord([100, 500, 900], [100, 300, 905], 1000, { startSample: 200 });
  assert.equal([late.truePositives, late.falsePositives, late.falseNegatives], [1, 1, 1]);
});

test('gross score pools counts and timing across records', () => {
  const a = scoreRecord([0, 1000], [10, 1010], 1000);
  const b = scoreRecord([0, 1000, 2000], [0, 3000], 1000);
  const g = grossScore([a, b]);
  assert.equal([g.truePositives, g.falsePositives, g.falseNegatives], [3, 1, 2]);
  assert.ok(close(g.sensitivity, 3 / 5));
  assert.ok(close(g.positivePredictivity, 3 / 4));
  assert.ok(close(g.f1, 6 / 9));
  assert.ok(close(g.timingErrorMeanMs, 20 / 3));
  assert.ok(close(g.timingErrorSdMs, Math.sqrt(((10 - 20 / 3) ** 2 * 2 + (20 / 3) ** 2) / 2)));
});

test('reference beats and VF intervals from annotations', () => {
  const anns = [
    { sampleIndex: 1, symbol: '+' },
    { sampleIndex: 10, symbol: 'N' },
    { sampleIndex: 20, symbol: '[' },
    { sampleIndex: 25, symbol: '!' },
    { sampleIndex: 30, symbol: ']' },
    { sampleIndex: 40, symbol: 'V' },
    { sampleIndex: 50, symbol: '~' },
    { sampleIndex: 60, symbol: '/' },
    { sampleIndex: 70, symbol: '[' },
  ];
  assert.equal(referenceBeatSamples(anns), [10, 40, 60]);
  assert.equal(ventricularFlutterIntervals(anns, 100), [[20, 31], [70, 100]]);
});

test('property: TP+FN = references, TP+FP = detections, matches are within the window and one-to-one', () => {
  const sorted = fc.uniqueArray(fc.integer({ min: 0, max: 5000 }), { maxLength: 60 }).map((a) => a.sort((x, y) => x - y));
  fc.assert(
    fc.property(sorted, sorted, (refs, dets) => {
      const s = scoreRecord(refs, dets, 1000);
      assert.is(s.truePositives + s.falseNegatives, refs.length);
      assert.is(s.truePositives + s.falsePositives, dets.length);
      const m = matchBeats(refs, dets, 150);
      assert.is(new Set(m.map((x) => x.detectionIndex)).size, m.length);
      for (const x of m) assert.ok(Math.abs(refs[x.referenceIndex] - dets[x.detectionIndex]) <= 150);
      // Maximality: no unmatched reference has an unmatched detection within the window.
      const usedR = new Set(m.map((x) => x.referenceIndex));
      const usedD = new Set(m.map((x) => x.detectionIndex));
      refs.forEach((r, i) => {
        if (usedR.has(i)) return;
        dets.forEach((d, j) => assert.ok(usedD.has(j) || Math.abs(r - d) > 150));
      });
    }),
    { numRuns: 300 },
  );
});

test.run();
