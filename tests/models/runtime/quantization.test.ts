import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dequantize, quantize } from '../../../src/models/runtime/quantization.js';

test('quantize rounds half away from zero and adds the zero point', () => {
  const q = { scale: 0.5, zeroPoint: 3 };
  assert.equal(Array.from(quantize([0, 0.25, -0.25, 0.74, -0.76, 1], q, 'int8')), [3, 4, 2, 4, 1, 5]);
});

test('quantize saturates to the dtype range', () => {
  assert.equal(Array.from(quantize([1000, -1000], { scale: 1, zeroPoint: 0 }, 'int8')), [127, -128]);
  assert.equal(Array.from(quantize([1000, -1000], { scale: 1, zeroPoint: 0 }, 'uint8')), [255, 0]);
  assert.equal(Array.from(quantize([1e6, -1e6], { scale: 1, zeroPoint: 0 }, 'int16')), [32767, -32768]);
});

test('dequantize inverts quantize within half a step', () => {
  const q = { scale: 0.024480115622282028, zeroPoint: -128 };
  const xs = [0, 0.5, 1.57, 3.14, 6.2];
  const back = dequantize(quantize(xs, q, 'int8'), q);
  xs.forEach((x, i) => assert.ok(Math.abs(back[i] - x) <= q.scale / 2 + 1e-6, `${x} -> ${back[i]}`));
  assert.instance(back, Float32Array);
});

test.run();
