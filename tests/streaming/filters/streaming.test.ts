import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  BiquadCascade,
  butterworthBandpass,
  FirFilter,
  MissingSampleHold,
  MovingAverage,
  MovingSum,
  notch,
  RingBuffer,
  SlidingMax,
  StreamingDerivative,
} from '../../../src/streaming/filters/index.js';

interface Streamer {
  process(input: ArrayLike<number>): Float64Array;
}

function chunked(make: () => Streamer, input: Float64Array, cuts: number[]): Float64Array {
  const f = make();
  const out = new Float64Array(input.length);
  let start = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < input.length)].sort((a, b) => a - b).concat(input.length)) {
    out.set(f.process(input.subarray(start, cut)), start);
    start = cut;
  }
  return out;
}

const makers: Record<string, () => Streamer> = {
  'band-pass cascade': () => new BiquadCascade(butterworthBandpass(3, 5, 15, 250)),
  notch: () => new BiquadCascade(notch(50, 250)),
  fir: () => new FirFilter([0.1, 0.2, 0.4, 0.2, 0.1, -0.05]),
  'moving sum': () => new MovingSum(37),
  derivative: () => new StreamingDerivative(250),
  'sliding max': () => new SlidingMax(13),
};

for (const [name, make] of Object.entries(makers)) {
  test(`${name}: chunked output equals whole-record output exactly`, () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5000, max: 5000, noNaN: true }), { minLength: 1, maxLength: 400 }),
        fc.array(fc.nat(400), { maxLength: 12 }),
        (values, cuts) => {
          const input = Float64Array.from(values);
          const whole = make().process(input);
          assert.equal(Array.from(chunked(make, input, cuts)), Array.from(whole));
        },
      ),
      { numRuns: 150 },
    );
  });
}

test('FIR equals direct convolution', () => {
  const taps = [1, -2, 3, 0.5];
  const x = [1, 2, 3, 4, 5, -1, 0, 2];
  const y = new FirFilter(taps).process(x);
  for (let n = 0; n < x.length; n++) {
    let ref = 0;
    for (let k = 0; k < taps.length; k++) if (n - k >= 0) ref += taps[k] * x[n - k];
    assert.ok(Math.abs(y[n] - ref) < 1e-12);
  }
});

test('moving sum is exact over a long run (no drift) and average scales', () => {
  const m = new MovingSum(54);
  let last = 0;
  for (let i = 0; i < 2_000_000; i++) last = m.step(((i * 7919) % 1000) * 0.1 + 1e6);
  let ref = 0;
  for (let i = 2_000_000 - 54; i < 2_000_000; i++) ref += ((i * 7919) % 1000) * 0.1 + 1e6;
  assert.ok(Math.abs(last - ref) < 1e-6 * 54);
  const a = new MovingAverage(4);
  assert.equal(Array.from(a.process([4, 4, 4, 4, 8])), [1, 2, 3, 4, 5]);
});

test('sliding max equals the brute-force maximum of the last N samples', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 20 }), (values, n) => {
      const got = new SlidingMax(n).process(values);
      for (let i = 0; i < values.length; i++) assert.is(got[i], Math.max(...values.slice(Math.max(0, i - n + 1), i + 1)));
    }),
    { numRuns: 200 },
  );
});

test('five-point derivative of a ramp is its slope per second', () => {
  const d = new StreamingDerivative(500);
  let y = 0;
  for (let i = 0; i < 10; i++) y = d.step(3 * i); // 3 units per sample = 1500 per second
  assert.ok(Math.abs(y - 1500) < 1e-9);
  const f = new StreamingDerivative(500, 'first-difference');
  f.step(1);
  assert.is(f.step(2), 500);
});

test('ring buffer keeps the last N by absolute index and bounds memory', () => {
  const r = new RingBuffer(5);
  for (let i = 0; i < 12; i++) r.push(i * (i % 2 ? -1 : 1));
  assert.is(r.start, 7);
  assert.is(r.end, 12);
  assert.is(r.size, 5);
  assert.is(r.at(11), -11);
  assert.is(r.back(0), -11);
  assert.is(r.back(4), -7);
  assert.throws(() => r.at(6), RangeError);
  assert.is(r.argMaxAbs(0, 100), 11);
  assert.is(r.argMaxAbs(8, 9), 9);
});

test('missing-sample hold replaces NaN and infinities with the last finite value', () => {
  const h = new MissingSampleHold();
  const out = [NaN, 3, NaN, Infinity, -2, -Infinity].map((x) => h.step(x));
  assert.equal(out, [0, 3, 3, 3, -2, -2]);
  assert.is(h.replacedCount, 4);
});

test.run();
