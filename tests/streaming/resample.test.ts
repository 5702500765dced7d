import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resampleSinc } from '../../src/streaming/resample.js';

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

test.run();
