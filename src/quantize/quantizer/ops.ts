// The ops the int8 quantizer handles and how each one constrains quantization parameters,
// following the TFLite int8 spec (ai.google.dev/edge/litert/models/quantization_spec) and what
// the reference kernels check in Prepare():
// - weighted: int8 weights (per-channel along `weightAxis`, or per-tensor), int32 bias;
// - free: output params chosen from calibration, the kernel rescales;
// - tied: the kernel copies or compares raw int8 values, so the data input(s) and output(s) share
//   params (RESHAPE, EXPAND_DIMS, SQUEEZE, TRANSPOSE, slices, GATHER, pools, PAD, max/min;
//   CONCATENATION int8 refuses differing input/output params);
// - fixed: the kernel requires fixed output params (SOFTMAX/LOGISTIC 1/256 and -128, TANH 1/128
//   and 0, LOG_SOFTMAX 16/256 and 127).
// Any other op stays float between DEQUANTIZE and QUANTIZE (a float fallback, with a warning).
// `version` is the op version the TF converter (2.20) writes for the int8 kernel.
import type { AffineParams } from '../quant-params.js';

export type OpKind = 'weighted' | 'free' | 'tied' | 'fixed';

export interface Int8OpRule {
  kind: OpKind;
  version: number;
  /** Axis of per-channel weight scales; undefined means one scale for the tensor. */
  weightAxis?: number;
  fixedOutput?: AffineParams;
  /**
   * Inputs that carry data to quantize; the others (int32 shapes, axes, perms, begin/end,
   * indices) are kept as they are. Undefined means every float input.
   */
  dataInputs?: readonly number[];
  /** Constant inputs quantized like weights: symmetric, zero point 0, per tensor (PRELU's alpha). */
  symmetricConstInputs?: readonly number[];
}

const SOFTMAX_PARAMS: AffineParams = { scale: Math.fround(1 / 256), zeroPoint: -128 };
const FIRST: readonly number[] = [0];

export const INT8_RULES: Record<string, Int8OpRule> = {
  CONV_2D: { kind: 'weighted', version: 3, weightAxis: 0 },
  DEPTHWISE_CONV_2D: { kind: 'weighted', version: 3, weightAxis: 3 },
  // Per-channel along the output units (dimension 0), as the TF converter writes since TF 2.x.
  FULLY_CONNECTED: { kind: 'weighted', version: 4, weightAxis: 0 },
  ADD: { kind: 'free', version: 2 },
  SUB: { kind: 'free', version: 2 },
  MUL: { kind: 'free', version: 2 },
  SQUARED_DIFFERENCE: { kind: 'free', version: 2 },
  RSQRT: { kind: 'free', version: 2 },
  MEAN: { kind: 'free', version: 2, dataInputs: FIRST },
  SUM: { kind: 'free', version: 2, dataInputs: FIRST },
  RELU: { kind: 'free', version: 2 },
  RELU6: { kind: 'free', version: 2 },
  LEAKY_RELU: { kind: 'free', version: 1 },
  HARD_SWISH: { kind: 'free', version: 1 },
  // alpha (input 1): int8 per tensor, symmetric (zero point 0) as the TF converter writes it.
  PRELU: { kind: 'free', version: 1, symmetricConstInputs: [1] },
  // Both operands are activations (q k^T, attention @ v); a constant operand is quantized per tensor.
  BATCH_MATMUL: { kind: 'free', version: 2 },
  // SHAPE reads only the dims: any input type, int32 output.
  SHAPE: { kind: 'free', version: 1 },
  MAX_POOL_2D: { kind: 'tied', version: 2 },
  AVERAGE_POOL_2D: { kind: 'tied', version: 2 },
  REDUCE_MAX: { kind: 'tied', version: 2, dataInputs: FIRST },
  MAXIMUM: { kind: 'tied', version: 2 },
  MINIMUM: { kind: 'tied', version: 2 },
  RESHAPE: { kind: 'tied', version: 1, dataInputs: FIRST },
  EXPAND_DIMS: { kind: 'tied', version: 1, dataInputs: FIRST },
  SQUEEZE: { kind: 'tied', version: 1, dataInputs: FIRST },
  TRANSPOSE: { kind: 'tied', version: 2, dataInputs: FIRST },
  STRIDED_SLICE: { kind: 'tied', version: 2, dataInputs: FIRST },
  SLICE: { kind: 'tied', version: 2, dataInputs: FIRST },
  GATHER: { kind: 'tied', version: 2, dataInputs: FIRST },
  PAD: { kind: 'tied', version: 2, dataInputs: FIRST },
  CONCATENATION: { kind: 'tied', version: 2 },
  SOFTMAX: { kind: 'fixed', version: 2, fixedOutput: SOFTMAX_PARAMS },
  LOGISTIC: { kind: 'fixed', version: 2, fixedOutput: SOFTMAX_PARAMS },
  TANH: { kind: 'fixed', version: 2, fixedOutput: { scale: Math.fround(1 / 128), zeroPoint: 0 } },
  LOG_SOFTMAX: { kind: 'fixed', version: 2, fixedOutput: { scale: Math.fround(16 / 256), zeroPoint: 127 } },
};

/** Versions of the conversion ops the quantizer adds (QUANTIZE float->int8 and int8->int8 are both 1). */
export const QUANTIZE_VERSION = 1;
export const DEQUANTIZE_VERSION = 2;

export const SUPPORTED_OPS = Object.keys(INT8_RULES);

/** Input positions of `op` that carry data for `rule` (all positions when the rule says nothing). */
export function dataInputPositions(rule: Int8OpRule, inputCount: number): number[] {
  return rule.dataInputs ? rule.dataInputs.filter((k) => k < inputCount) : Array.from({ length: inputCount }, (_, k) => k);
}
