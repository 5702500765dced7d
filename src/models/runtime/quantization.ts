// Converting real values to and from a quantized input/output tensor (TFLite affine scheme:
// real = scale * (q - zeroPoint)), rounding half away from zero and saturating like TFLite's QUANTIZE.
import type { TensorData, TensorQuantization } from './types.js';

export type QuantizedDType = 'int8' | 'uint8' | 'int16';

const RANGE: Record<QuantizedDType, { min: number; max: number; make: (n: number) => Int8Array | Uint8Array | Int16Array }> = {
  int8: { min: -128, max: 127, make: (n) => new Int8Array(n) },
  uint8: { min: 0, max: 255, make: (n) => new Uint8Array(n) },
  int16: { min: -32768, max: 32767, make: (n) => new Int16Array(n) },
};

export function quantize(values: ArrayLike<number>, q: TensorQuantization, dtype: QuantizedDType): Int8Array | Uint8Array | Int16Array {
  const { min, max, make } = RANGE[dtype];
  const out = make(values.length);
  for (let i = 0; i < values.length; i++) {
    const scaled = values[i] / q.scale;
    const rounded = Math.sign(scaled) * Math.round(Math.abs(scaled));
    out[i] = Math.min(max, Math.max(min, rounded + q.zeroPoint));
  }
  return out;
}

export function dequantize(data: TensorData, q: TensorQuantization): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = q.scale * (Number(data[i]) - q.zeroPoint);
  return out;
}
