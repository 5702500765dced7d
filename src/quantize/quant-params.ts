// Affine int8 quantization parameters and weight/bias encoding per the TFLite int8 spec
// (tensorflow.org/lite/performance/quantization_spec): real = scale * (q - zeroPoint).
// Scales are rounded to float32 first because that is what the file stores and the kernels use.

export interface AffineParams {
  scale: number;
  zeroPoint: number;
}

export const INT8_MIN = -128;
export const INT8_MAX = 127;
/** Symmetric weights use [-127, 127] so that -w is always representable. */
export const WEIGHT_MAX = 127;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
/** Scale for an all-zero range: every positive value is exact for zero; LiteRT rejects scale 0. */
const DEGENERATE_SCALE = 1 / 255;

/** Asymmetric int8 params for [minReal, maxReal], widened to include 0 (TFLite's ChooseQuantizationParams). */
export function chooseAsymmetric(minReal: number, maxReal: number): AffineParams {
  const rmin = Math.min(minReal, 0);
  const rmax = Math.max(maxReal, 0);
  if (!(rmax - rmin > 0) || !Number.isFinite(rmax - rmin)) return { scale: Math.fround(DEGENERATE_SCALE), zeroPoint: 0 };
  const scale = Math.fround((rmax - rmin) / (INT8_MAX - INT8_MIN));
  const zpFromMin = INT8_MIN - rmin / scale;
  const zpFromMax = INT8_MAX - rmax / scale;
  const errFromMin = Math.abs(INT8_MIN) + Math.abs(rmin / scale);
  const errFromMax = Math.abs(INT8_MAX) + Math.abs(rmax / scale);
  const zp = errFromMin < errFromMax ? zpFromMin : zpFromMax;
  return { scale, zeroPoint: Math.min(INT8_MAX, Math.max(INT8_MIN, Math.round(zp))) };
}

/** Symmetric scale for weights whose largest magnitude is `maxAbs`. */
export function symmetricScale(maxAbs: number): number {
  return Math.fround(maxAbs > 0 ? maxAbs / WEIGHT_MAX : DEGENERATE_SCALE);
}

/** Round half away from zero, like std::round in the TFLite kernels and converter. */
export function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

export function quantizeValue(real: number, p: AffineParams, lo = INT8_MIN, hi = INT8_MAX): number {
  return Math.min(hi, Math.max(lo, roundHalfAway(real / p.scale) + p.zeroPoint));
}

export function quantizeActivations(values: Float32Array, p: AffineParams): Int8Array {
  const out = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = quantizeValue(values[i], p);
  return out;
}

export function dequantize(values: ArrayLike<number>, p: AffineParams): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = p.scale * (values[i] - p.zeroPoint);
  return out;
}

export interface QuantizedWeights {
  values: Int8Array;
  scales: number[];
}

/**
 * Symmetric int8 weights, one scale per slice along `axis` (per-channel), or one scale for the
 * whole tensor when `axis` is undefined.
 */
export function quantizeWeights(w: Float32Array, shape: readonly number[], axis?: number): QuantizedWeights {
  const channels = axis === undefined ? 1 : shape[axis];
  const inner = axis === undefined ? 1 : shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number): number => (axis === undefined ? 0 : Math.floor(i / inner) % channels);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < w.length; i++) maxAbs[channelOf(i)] = Math.max(maxAbs[channelOf(i)], Math.abs(w[i]));
  const scales = Array.from(maxAbs, symmetricScale);
  const values = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    values[i] = Math.min(WEIGHT_MAX, Math.max(-WEIGHT_MAX, roundHalfAway(w[i] / scales[channelOf(i)])));
  }
  return { values, scales };
}

/** int32 bias with scale inputScale * weightScale[c] (one weight scale for per-tensor weights). */
export function quantizeBias(b: Float32Array, inputScale: number, weightScales: readonly number[]): { values: Int32Array; scales: number[] } {
  // One scale per channel for per-channel weights, else one for the whole bias.
  const scales = weightScales.length === 1 ? [Math.fround(inputScale * weightScales[0])] : Array.from(b, (_, c) => Math.fround(inputScale * weightScales[c]));
  const values = new Int32Array(b.length);
  for (let c = 0; c < b.length; c++) values[c] = Math.min(INT32_MAX, Math.max(INT32_MIN, roundHalfAway(b[c] / scales[scales.length === 1 ? 0 : c])));
  return { values, scales };
}
