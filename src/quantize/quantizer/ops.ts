// The ops the int8 quantizer handles and how each one constrains quantization parameters,
// following the TFLite int8 spec and what the reference kernels check in Prepare():
// - weighted: int8 weights (per-channel along `weightAxis`, or per-tensor), int32 bias;
// - free: output params chosen from calibration, the kernel rescales;
// - tied: the kernel copies or compares raw int8 values, so inputs and output share params
//   (RESHAPE, pools, PAD; CONCATENATION int8 refuses differing input/output params);
// - fixed: the kernel requires fixed output params (SOFTMAX/LOGISTIC 1/256 and -128, TANH 1/128 and 0).
// `version` is the op version the TF converter writes for the int8 kernel.
import type { AffineParams } from '../quant-params.js';

export type OpKind = 'weighted' | 'free' | 'tied' | 'fixed';

export interface Int8OpRule {
  kind: OpKind;
  version: number;
  /** Axis of per-channel weight scales; undefined means one scale for the tensor. */
  weightAxis?: number;
  fixedOutput?: AffineParams;
}

const SOFTMAX_PARAMS: AffineParams = { scale: Math.fround(1 / 256), zeroPoint: -128 };

export const INT8_RULES: Record<string, Int8OpRule> = {
  CONV_2D: { kind: 'weighted', version: 3, weightAxis: 0 },
  DEPTHWISE_CONV_2D: { kind: 'weighted', version: 3, weightAxis: 3 },
  FULLY_CONNECTED: { kind: 'weighted', version: 4 },
  ADD: { kind: 'free', version: 2 },
  MUL: { kind: 'free', version: 2 },
  MEAN: { kind: 'free', version: 2 },
  RELU: { kind: 'free', version: 2 },
  RELU6: { kind: 'free', version: 2 },
  MAX_POOL_2D: { kind: 'tied', version: 2 },
  AVERAGE_POOL_2D: { kind: 'tied', version: 2 },
  RESHAPE: { kind: 'tied', version: 1 },
  PAD: { kind: 'tied', version: 2 },
  CONCATENATION: { kind: 'tied', version: 2 },
  SOFTMAX: { kind: 'fixed', version: 2, fixedOutput: SOFTMAX_PARAMS },
  LOGISTIC: { kind: 'fixed', version: 2, fixedOutput: SOFTMAX_PARAMS },
  TANH: { kind: 'fixed', version: 2, fixedOutput: { scale: Math.fround(1 / 128), zeroPoint: 0 } },
};

/** Versions of the conversion ops the quantizer adds (QUANTIZE float->int8 and int8->int8 are both 1). */
export const QUANTIZE_VERSION = 1;
export const DEQUANTIZE_VERSION = 2;

export const SUPPORTED_OPS = Object.keys(INT8_RULES);
