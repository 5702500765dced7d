import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { FormatError } from '../../src/common/errors.js';
import { Histogram, MinMax, mseRange, percentileRange, quantizationMse } from '../../src/quantize/calibrate/ranges.js';
import { calibrationSet, loadCalibrationArrays } from '../../src/quantize/calibrate/dataset.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuantizeError } from '../../src/quantize/errors.js';
import { readNpy, writeNpy } from '../../src/quantize/npy.js';
import { chooseAsymmetric, quantizeBias, quantizeValue, quantizeWeights } from '../../src/quantize/quant-params.js';
import { fallbackSummary, floatFallbacks } from '../../src/quantize/quantizer/params.js';
import { readTflite } from '../../src/quantize/tflite/read.js';
import { rng } from './_graphs.js';
import { referenceModel } from './_models.js';
import { cosGraph } from './_op-graphs.js';
import { multiplyByQuantizedMultiplier, quantizeMultiplier, roundingDivideByPOT } from './_int8-reference.js';

test('asymmetric params: range includes 0, min and max are representable, zero exact', () => {
  const relu = chooseAsymmetric(0, 6);
  assert.is(relu.zeroPoint, -128);
  assert.ok(Math.abs(relu.scale - 6 / 255) < 1e-7);
  const positive = chooseAsymmetric(2, 4); // widened to [0, 4]
  assert.is(positive.zeroPoint, -128);
  const sym = chooseAsymmetric(-1, 1);
  assert.is(sym.zeroPoint, 0);
  assert.is(chooseAsymmetric(0, 0).zeroPoint, 0);
  assert.ok(chooseAsymmetric(0, 0).scale > 0);
  fc.assert(fc.property(fc.double({ min: -100, max: 0, noNaN: true }), fc.double({ min: 0.001, max: 100, noNaN: true }), (lo, hi) => {
    const p = chooseAsymmetric(lo, hi);
    assert.ok(p.zeroPoint >= -128 && p.zeroPoint <= 127);
    assert.is(quantizeValue(0, p), p.zeroPoint);
    // both ends map inside int8 within one step
    assert.ok(Math.abs(p.scale * (quantizeValue(hi, p) - p.zeroPoint) - hi) <= p.scale);
    assert.ok(Math.abs(p.scale * (quantizeValue(lo, p) - p.zeroPoint) - lo) <= p.scale);
  }), { seed: 3 });
});

test('per-channel symmetric weights: [-127, 127], scale per output channel, zero stays zero', () => {
  // CONV_2D weights [2 out ch, 1, 1, 3 in ch]; channel 1 is 10x larger.
  const w = Float32Array.from([0.1, -0.2, 0.05, 1, -2, 0.5]);
  const q = quantizeWeights(w, [2, 1, 1, 3], 0);
  assert.equal(q.scales.map((s) => +s.toPrecision(6)), [+(0.2 / 127).toPrecision(6), +(2 / 127).toPrecision(6)]);
  assert.equal(Array.from(q.values), [64, -127, 32, 64, -127, 32]);
  // DEPTHWISE [1, 1, 2, 2] along dim 3
  const dw = quantizeWeights(Float32Array.from([1, 10, -1, -10]), [1, 1, 2, 2], 3);
  assert.equal(Array.from(dw.values), [127, 127, -127, -127]);
  assert.is(quantizeWeights(new Float32Array(4), [4, 1], 0).values.every((v) => v === 0), true);
  const perTensor = quantizeWeights(w, [2, 3]);
  assert.is(perTensor.scales.length, 1);
  // Per-tensor weights (FULLY_CONNECTED) give a per-tensor bias.
  assert.equal(quantizeBias(Float32Array.from([1, 2]), 0.5, perTensor.scales).scales, [Math.fround(0.5 * perTensor.scales[0])]);
  const b = quantizeBias(Float32Array.from([0.5, -0.25]), 0.1, q.scales);
  assert.equal(Array.from(b.values), [Math.round(0.5 / Math.fround(0.1 * q.scales[0])), Math.round(-0.25 / Math.fround(0.1 * q.scales[1]))]);
});

test('TFLite fixed-point helpers: QuantizeMultiplier and rounding match worked examples', () => {
  assert.equal(quantizeMultiplier(0.5), { multiplier: 2 ** 30, shift: 0 });
  assert.equal(quantizeMultiplier(0.25), { multiplier: 2 ** 30, shift: -1 });
  assert.equal(quantizeMultiplier(3), { multiplier: 3 * 2 ** 29, shift: 2 });
  assert.is(roundingDivideByPOT(5, 1), 3); // 2.5 rounds away from zero
  assert.is(roundingDivideByPOT(-5, 1), -3);
  assert.is(roundingDivideByPOT(-3, 2), -1);
  fc.assert(fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.double({ min: 1e-4, max: 0.99, noNaN: true }), (x, real) => {
    const { multiplier, shift } = quantizeMultiplier(real);
    assert.ok(Math.abs(multiplyByQuantizedMultiplier(x, multiplier, shift) - x * real) <= 1);
  }), { seed: 5 });
});

function heavyTailed(n: number): Float32Array {
  const r = rng(9);
  // Mostly N(0,1)-like values plus rare 40x outliers.
  return Float32Array.from({ length: n }, (_, i) => (i % 50_000 === 0 ? 40 : (r() + r() + r() - 1.5) * 2));
}

function histogramOf(values: Float32Array): { h: Histogram; full: { min: number; max: number } } {
  const mm = new MinMax();
  mm.add(values);
  const full = mm.range();
  const h = new Histogram(full);
  h.add(values);
  return { h, full };
}

test('range methods: percentile drops rare outliers that min/max keeps', () => {
  const { h, full } = histogramOf(heavyTailed(100_000));
  assert.is(full.max, 40);
  const p = percentileRange(h);
  assert.ok(p.max < 4 && p.min > -3, `percentile range ${p.min}..${p.max}`);
  // Two outliers of 40 in 100k cost more when clipped than their share of rounding error, so MSE keeps them.
  const m = mseRange(h, full);
  assert.ok(quantizationMse(h, m.min, m.max) <= quantizationMse(h, full.min, full.max));
});

test('range methods: MSE clips a long Laplacian tail and lowers the expected error', () => {
  const r = rng(4);
  const laplace = Float32Array.from({ length: 100_000 }, () => {
    const u = r() - 0.5;
    return -Math.sign(u) * Math.log(1 - 2 * Math.abs(u) + 1e-12);
  });
  const { h, full } = histogramOf(laplace);
  const m = mseRange(h, full);
  // ACIQ (Banner et al. 2019): the MSE-optimal 8-bit clip of a Laplace(0, b) is about 9.89 b.
  assert.ok(m.max > 8.5 && m.max < 11 && m.max < full.max, `mse range ${m.min}..${m.max} of ${full.min}..${full.max}`);
  assert.ok(m.min < -8.5 && m.min > -11 && m.min > full.min, `mse range ${m.min}..${m.max}`);
  assert.ok(quantizationMse(h, m.min, m.max) < quantizationMse(h, full.min, full.max));
});

test('npy: round trip, float64 input, and malformed files are FormatError', () => {
  const a = { shape: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
  const back = readNpy(writeNpy(a));
  assert.equal(back.shape, [3, 2]);
  assert.equal(Array.from(back.data), [1, 2, 3, 4, 5, 6]);
  const bytes = writeNpy(a);
  assert.throws(() => readNpy(bytes.subarray(0, bytes.length - 3)), (e: unknown) => e instanceof FormatError && /truncated/.test(e.message));
  assert.throws(() => readNpy(new Uint8Array(20)), (e: unknown) => e instanceof FormatError);
  const f8 = bytes.slice();
  const header = new TextDecoder().decode(f8.subarray(10, 80)).replace("'<f4'", "'<i4'");
  f8.set(new TextEncoder().encode(header), 10);
  assert.throws(() => readNpy(f8), (e: unknown) => e instanceof FormatError && /dtype <i4/.test(e.message));
});

test('calibration set checks sample sizes and counts', () => {
  const set = calibrationSet([{ shape: [4, 2], data: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]) }], [2]);
  assert.is(set.count, 4);
  assert.equal(Array.from(set.sample(2)[0]), [4, 5]);
  assert.throws(() => calibrationSet([{ shape: [4, 2], data: new Float32Array(8) }], [3]), (e: unknown) => e instanceof QuantizeError && e.code === 'calibration');
  assert.throws(() => calibrationSet([], [1]), (e: unknown) => e instanceof QuantizeError);
});

test('--calib directory: .npy files in name order feed the inputs in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wg-calib-'));
  try {
    writeFileSync(join(dir, 'b_second.npy'), writeNpy({ shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }));
    writeFileSync(join(dir, 'a_first.npy'), writeNpy({ shape: [2, 1], data: Float32Array.from([7, 8]) }));
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const arrays = await loadCalibrationArrays(dir);
    const set = calibrationSet(arrays, [1, 3]);
    assert.equal(set.sample(1).map((a) => Array.from(a)), [[8], [4, 5, 6]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ops without an int8 rule are float fallbacks (not a refusal); int32-only shape ops are neither', () => {
  const cos = readTflite(cosGraph());
  assert.equal(floatFallbacks(cos), [{ opIndex: 1, op: 'COS', reason: 'no int8 rule' }]);
  assert.equal(fallbackSummary([...floatFallbacks(cos), ...floatFallbacks(cos)]), ['COS (x2)']);
  // An int8 model's ops touch no float tensor: nothing to fall back (the CLI refuses non-float I/O first).
  assert.equal(floatFallbacks(readTflite(referenceModel('trained_lstm_int8.tflite'))), []);
});

test.run();
