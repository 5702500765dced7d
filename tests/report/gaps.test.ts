import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { coveredSamples, findFlatRuns, findMissingRuns, joinClose } from '../../src/report/gaps.js';

test('NaN runs, including at both ends', () => {
  const x = [NaN, NaN, 1, 2, NaN, 3, NaN, NaN, NaN];
  assert.equal(findMissingRuns(x), [
    { kind: 'missing', startSample: 0, endSample: 2 },
    { kind: 'missing', startSample: 4, endSample: 5 },
    { kind: 'missing', startSample: 6, endSample: 9 },
  ]);
  assert.equal(findMissingRuns(x, 2).map((s) => s.startSample), [0, 6]);
  assert.is(coveredSamples(findMissingRuns(x)), 6);
  assert.equal(findMissingRuns([1, 2, 3]), []);
});

test('flat runs: exact, with tolerance, broken by NaN, minimum length', () => {
  const x = [0, 1, 5, 5, 5, 5, 5, 2, 7, 7, 7, NaN, 7, 7];
  assert.equal(findFlatRuns(x, 4), [{ kind: 'flat', startSample: 2, endSample: 7 }]);
  assert.equal(findFlatRuns(x, 3).map((s) => [s.startSample, s.endSample]), [[2, 7], [8, 11]]);
  // within 0.5 of each other counts as flat; drifting beyond it does not
  const noisy = [10, 10.2, 9.9, 10.1, 10.3, 12, 12.1, 14];
  assert.equal(findFlatRuns(noisy, 3, 0.5).map((s) => [s.startSample, s.endSample]), [[0, 5]]);
  assert.equal(findFlatRuns(noisy, 3, 0.1), []);
  // a flat run to the end of the signal is closed
  assert.equal(findFlatRuns([1, 2, 3, 3, 3], 3), [{ kind: 'flat', startSample: 2, endSample: 5 }]);
});

test('property: flat runs are flat, long enough, disjoint, and no finite sample is missed by a longer run', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constantFrom(0, 1, 2), fc.constant(NaN)), { maxLength: 200 }), fc.integer({ min: 2, max: 6 }), (x, min) => {
      const runs = findFlatRuns(x, min);
      let previousEnd = 0;
      for (const r of runs) {
        assert.ok(r.startSample >= previousEnd && r.endSample - r.startSample >= min);
        for (let i = r.startSample; i < r.endSample; i++) assert.is(x[i], x[r.startSample]);
        // maximal: the samples just outside differ
        if (r.startSample > 0) assert.is.not(x[r.startSample - 1], x[r.startSample]);
        if (r.endSample < x.length) assert.is.not(x[r.endSample], x[r.startSample]);
        previousEnd = r.endSample;
      }
      // every run of >= min equal finite values is reported
      let start = 0;
      for (let i = 1; i <= x.length; i++) {
        if (i < x.length && x[i] === x[start]) continue;
        if (!Number.isNaN(x[start]) && i - start >= min) assert.ok(runs.some((r) => r.startSample === start && r.endSample === i), `run ${start}-${i}`);
        start = i;
      }
    }),
    { numRuns: 300 },
  );
});

test('joinClose merges nearby segments of one kind only', () => {
  const joined = joinClose(
    [
      { kind: 'missing', startSample: 0, endSample: 5 },
      { kind: 'missing', startSample: 7, endSample: 9 },
      { kind: 'missing', startSample: 30, endSample: 31 },
      { kind: 'flat', startSample: 32, endSample: 40 },
    ],
    5,
  );
  assert.equal(joined.map((s) => [s.kind, s.startSample, s.endSample]), [['missing', 0, 9], ['missing', 30, 31], ['flat', 32, 40]]);
});

test.run();
