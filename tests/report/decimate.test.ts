import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { minMaxDecimate } from '../../src/report/decimate.js';

test('short input is passed through whole', () => {
  const d = minMaxDecimate([1, NaN, 3], 10);
  assert.is(d.decimated, false);
  assert.equal(d.sampleIndices, [0, 1, 2]);
  assert.ok(Number.isNaN(d.values[1]));
});

test('a one-sample R peak survives 100:1 decimation', () => {
  const x = new Float32Array(100_000);
  x[31_337] = 1500;
  x[77_000] = -900;
  const d = minMaxDecimate(x, 1000);
  assert.is(d.decimated, true);
  assert.ok(d.sampleIndices.length <= 2000);
  assert.ok(d.sampleIndices.includes(31_337));
  assert.ok(d.values.includes(1500));
  assert.ok(d.values.includes(-900));
});

test('property: every column keeps its own min and max, indices ascend', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 500 }),
      fc.integer({ min: 1, max: 60 }),
      (x, columns) => {
        const d = minMaxDecimate(x, columns);
        for (let k = 1; k < d.sampleIndices.length; k++) assert.ok(d.sampleIndices[k] > d.sampleIndices[k - 1], 'ascending');
        d.sampleIndices.forEach((i, k) => assert.is(d.values[k], x[i]));
        if (!d.decimated) return;
        for (let c = 0; c < columns; c++) {
          const start = Math.floor((c * x.length) / columns);
          const end = Math.floor(((c + 1) * x.length) / columns);
          if (end <= start) continue;
          const col = x.slice(start, end);
          const kept = d.sampleIndices.filter((i) => i >= start && i < end).map((i) => x[i]);
          assert.ok(kept.includes(Math.min(...col)), `column ${c} min`);
          assert.ok(kept.includes(Math.max(...col)), `column ${c} max`);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('an all-missing column gives one NaN point (a break in the line)', () => {
  const x = new Float32Array(1000).fill(1);
  for (let i = 500; i < 600; i++) x[i] = NaN;
  const d = minMaxDecimate(x, 100);
  const nanAt = d.sampleIndices.filter((_, k) => Number.isNaN(d.values[k]));
  assert.equal(nanAt, [500, 510, 520, 530, 540, 550, 560, 570, 580, 590]);
});

test.run();
