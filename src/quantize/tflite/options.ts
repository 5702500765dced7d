// Typed access to builtin options, with the schema's defaults for absent fields, and helpers to
// build options tables for the ops the quantizer writes.
import type { FbTable, FbUnion } from '../flatbuf/descriptor.js';
import { TFLITE_SCHEMA } from '../schema/tflite-schema.js';
import type { Operator } from './model.js';

export type FusedActivation = 'NONE' | 'RELU' | 'RELU_N1_TO_1' | 'RELU6' | 'TANH' | 'SIGN_BIT';
const ACTIVATIONS: FusedActivation[] = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'];

/** A numeric option of the operator (its schema default when absent, 0 without a default). */
export function optionNumber(op: Operator, field: string): number {
  const opts = op.builtinOptions;
  if (!opts) return 0;
  const v = opts.value[field];
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  const spec = TFLITE_SCHEMA.tables[opts.type]?.find((f) => f[0] === field);
  return spec?.[2] ?? 0;
}

export function optionInts(op: Operator, field: string): number[] | undefined {
  const v = op.builtinOptions?.value[field];
  return Array.isArray(v) ? v.map((x) => Number(x)) : undefined;
}

export function fusedActivation(op: Operator): FusedActivation {
  return ACTIVATIONS[optionNumber(op, 'fused_activation_function')] ?? 'NONE';
}

export function activationCode(a: FusedActivation): number {
  return ACTIVATIONS.indexOf(a);
}

export interface Window2D {
  padding: 'SAME' | 'VALID';
  strideW: number;
  strideH: number;
  dilationW: number;
  dilationH: number;
  filterW: number;
  filterH: number;
}

/** Spatial parameters of CONV_2D, DEPTHWISE_CONV_2D and the 2-D pools. */
export function window2D(op: Operator): Window2D {
  return {
    padding: optionNumber(op, 'padding') === 0 ? 'SAME' : 'VALID',
    strideW: optionNumber(op, 'stride_w') || 1,
    strideH: optionNumber(op, 'stride_h') || 1,
    dilationW: optionNumber(op, 'dilation_w_factor') || 1,
    dilationH: optionNumber(op, 'dilation_h_factor') || 1,
    filterW: optionNumber(op, 'filter_width') || 1,
    filterH: optionNumber(op, 'filter_height') || 1,
  };
}

export function options(type: string, value: FbTable): FbUnion {
  if (!TFLITE_SCHEMA.tables[type]) throw new Error(`unknown options table ${type}`);
  return { type, value };
}
