import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { rollingMeanSd } from '../../src/report/rolling.js';

/** Naive O(n w) reference with the same window and NaN rules. */
function naive(x: number[], w: number, minFraction = 0.5) {
  const before = Math.floor((w - 1) / 2);
  const after = w - 1 - before;
  const minCount = Math.max(1, Math.ceil(minFraction * w));
  return x.map((_, i) => {
    const vals: number[] = [];
    for (let j = Math.max(0, i - before); j <= Math.min(x.length - 1, i + after); j++) if (!Number.isNaN(x[j])) vals.push(x[j]);
    if (vals.length < minCount) return { mean: NaN, sd: NaN };
    const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
    const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length);
    return { mean, sd };
  });
}

function assertClose(actual: number, expected: number, tol: number, what: string) {
  if (Number.isNaN(expected)) assert.ok(Number.isNaN(actual), `${what}: expected NaN, got ${actual}`);
  else assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
}

test('matches the naive computation, odd and even windows, with NaN runs', () => {
  const x = Array.from({ length: 300 }, (_, i) => Math.sin(i / 7) * 100 + (i % 13));
  for (let i = 40; i < 70; i++) x[i] = NaN;
  x[150] = NaN;
  for (const w of [1, 2, 5, 10, 25, 64]) {
    const got = rollingMeanSd(x, w);
    const want = naive(x, w);
    for (let i = 0; i < x.length; i++) {
      assertClose(got.mean[i], want[i].mean, 1e-9, `mean w=${w} i=${i}`);
      // compare variances: the SD of a near-constant window amplifies rounding by the square root
      assertClose(got.sd[i] ** 2, want[i].sd ** 2, 1e-8, `variance w=${w} i=${i}`);
    }
  }
});

test('property: equals the naive computation on random signals', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.double({ min: -5000, max: 5000, noNaN: true }), fc.constant(NaN)), { minLength: 1, maxLength: 200 }),
      fc.integer({ min: 1, max: 50 }),
      (x, w) => {
        const got = rollingMeanSd(x, w);
        const want = naive(x, w);
        for (let i = 0; i < x.length; i++) {
          assertClose(got.mean[i], want[i].mean, 1e-6, `mean ${i}`);
          assertClose(got.sd[i] ** 2, want[i].sd ** 2, 1e-5 * Math.max(1, want[i].sd ** 2), `variance ${i}`);
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('a large DC offset does not cancel a small SD', () => {
  const x = Array.from({ length: 5000 }, (_, i) => 1e6 + (i % 2 === 0 ? 1 : -1));
  const { sd, mean } = rollingMeanSd(x, 100);
  for (let i = 100; i < 4900; i += 97) {
    assertClose(sd[i], 1, 1e-6, `sd ${i}`);
    assertClose(mean[i], 1e6, 1e-6, `mean ${i}`);
  }
});

test('a window with too few finite samples is NaN; a long signal is linear time', () => {
  const x = new Float32Array(10).fill(NaN);
  x[0] = 1;
  assert.ok(Number.isNaN(rollingMeanSd(x, 4).mean[5]));
  const long = new Float32Array(2_000_000).map((_, i) => Math.sin(i));
  const started = performance.now();
  rollingMeanSd(long, 720);
  // generous bound: O(n w) would take minutes here
  assert.ok(performance.now() - started < 5000);
});

test.run();
