import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { resampleSinc, StreamingSincResampler } from '../../src/streaming/resample.js';

function sine(freqHz: number, rateHz: number, seconds: number): Float32Array {
  const x = new Float32Array(Math.round(rateHz * seconds));
  for (let i = 0; i < x.length; i++) x[i] = Math.sin((2 * Math.PI * freqHz * i) / rateHz);
  return x;
}

test('a 10 Hz sine survives 360 -> 250 Hz with small error and the right length', () => {
  const y = resampleSinc(sine(10, 360, 4), 360, 250);
  assert.is(y.length, 1000);
  let maxErr = 0;
  for (let i = 50; i < y.length - 50; i++) maxErr = Math.max(maxErr, Math.abs(y[i] - Math.sin((2 * Math.PI * 10 * i) / 250)));
  assert.ok(maxErr < 0.01, `max error ${maxErr}`);
});

test('content above the new Nyquist rate is removed (no aliasing)', () => {
  const y = resampleSinc(sine(170, 360, 4), 360, 250);
  let peak = 0;
  for (let i = 50; i < y.length - 50; i++) peak = Math.max(peak, Math.abs(y[i]));
  assert.ok(peak < 0.05, `aliased amplitude ${peak}`);
});

test('upsampling keeps DC and tolerates NaN gaps', () => {
  const x = new Float32Array(500).fill(3);
  x[100] = Number.NaN;
  const y = resampleSinc(x, 130, 250);
  for (const v of y) assert.ok(Math.abs(v - 3) < 1e-4, `value ${v}`);
});

test('bad rates throw', () => {
  assert.throws(() => resampleSinc(new Float32Array(4), 0, 250));
});

test('the streaming resampler gives the batch outputs, for any rates and any block sizes, as soon as its kernel is filled', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(125, 130, 250, 256, 360, 500),
      fc.constantFrom(125, 130, 250, 256, 360, 500),
      fc.integer({ min: 100, max: 2500 }),
      fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 20 }),
      fc.integer({ min: 1, max: 1000 }),
      (fromHz, toHz, length, blocks, seed) => {
        let state = seed;
        const x = Float32Array.from({ length }, () => ((state = (state * 16807) % 2147483647) / 2147483647) * 200 - 100);
        if (seed % 7 === 0) x[seed % length] = Number.NaN; // a missing sample
        const batch = resampleSinc(x, fromHz, toHz);
        const r = new StreamingSincResampler(fromHz, toHz);
        const out: number[] = [];
        let at = 0;
        for (let b = 0; at < length; b++) {
          const n = blocks[b % blocks.length];
          const before = out.length;
          r.push(x.subarray(at, at + n), out);
          at += n;
          // Every output is emitted once the input under its kernel has arrived, not later.
          let ready = 0;
          while (ready < batch.length && Math.floor(ready * (fromHz / toHz) + r.span) < Math.min(at, length)) ready++;
          if (fromHz !== toHz && out.length !== Math.max(before, ready)) return false;
        }
        if (fromHz === toHz) return out.every((v, i) => Object.is(Math.fround(v), x[i]) || Math.fround(v) === x[i]);
        // Equal to the batch outputs up to float32 rounding (kernel weights are cached per output phase).
        return out.length <= batch.length && out.length >= batch.length - Math.ceil(r.span * (toHz / fromHz)) - 1 && out.every((v, i) => (Number.isNaN(batch[i]!) ? Number.isNaN(v) : Math.abs(v - batch[i]!) <= 1e-4));
      },
    ),
    { numRuns: 150, seed: 42 },
  );
});

test.run();

