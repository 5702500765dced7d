// Plain TypeScript view of a .tflite model (TFLite schema v3), produced by read.ts and consumed by
// write.ts. Builtin options stay as generic schema-named tables so that every op round-trips;
// options.ts gives typed access to the ones the quantizer and inspector use.
import type { FbTable, FbUnion } from '../flatbuf/descriptor.js';
import { TFLITE_SCHEMA } from '../schema/tflite-schema.js';

export type TensorTypeName = keyof typeof TFLITE_SCHEMA.enums.TensorType.values | string;

export interface OperatorCode {
  /** Effective builtin code: max(builtin_code, deprecated_builtin_code), as TFLite resolves it. */
  builtinCode: number;
  /** BuiltinOperator name, e.g. 'CONV_2D' (or 'UNKNOWN_<n>'). */
  builtinName: string;
  customCode?: string;
  version: number;
}

export interface Quantization {
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
  min?: number[];
  max?: number[];
  /** Custom/blockwise details, kept opaque. */
  details?: FbUnion;
}

export interface Tensor {
  name: string;
  shape: number[];
  shapeSignature?: number[];
  type: TensorTypeName;
  /** Index into TfliteModel.buffers; 0 is the empty sentinel buffer. */
  buffer: number;
  quantization?: Quantization;
  isVariable: boolean;
  hasRank: boolean;
  /** Sparsity, variant sub-types and external buffer reference, kept opaque for round trips. */
  sparsity?: FbTable;
  variantTensors?: FbTable[];
  externalBuffer?: number;
}

export interface Operator {
  opcodeIndex: number;
  /** Tensor indices; -1 marks an omitted optional input. */
  inputs: number[];
  outputs: number[];
  builtinOptions?: FbUnion;
  builtinOptions2?: FbUnion;
  customOptions?: Uint8Array;
  customOptionsFormat?: number;
  mutatingVariableInputs?: boolean[];
  intermediates?: number[];
  debugMetadataIndex?: number;
}

export interface Subgraph {
  name: string;
  tensors: Tensor[];
  inputs: number[];
  outputs: number[];
  operators: Operator[];
  debugMetadataIndex?: number;
}

export interface ModelBuffer {
  data: Uint8Array;
}

export interface MetadataEntry {
  name: string;
  buffer: number;
}

export interface TensorMapEntry {
  name: string;
  tensorIndex: number;
}

export interface SignatureDef {
  signatureKey: string;
  subgraphIndex: number;
  inputs: TensorMapEntry[];
  outputs: TensorMapEntry[];
}

export interface TfliteModel {
  version: number;
  description: string;
  operatorCodes: OperatorCode[];
  subgraphs: Subgraph[];
  buffers: ModelBuffer[];
  metadataBuffer: number[];
  metadata: MetadataEntry[];
  signatureDefs: SignatureDef[];
  /** External buffer groups/buffers (schema 3d), kept opaque. */
  externalBufferGroups?: FbTable[];
  externalBuffers?: FbTable[];
}

const OPERATOR_VALUES: Record<string, number> = TFLITE_SCHEMA.enums.BuiltinOperator.values;
const OPERATOR_NAMES = new Map(Object.entries(OPERATOR_VALUES).map(([n, v]) => [v, n]));
const TYPE_VALUES: Record<string, number> = TFLITE_SCHEMA.enums.TensorType.values;
const TYPE_NAMES = new Map(Object.entries(TYPE_VALUES).map(([n, v]) => [v, n]));

export function builtinOperatorName(code: number): string {
  return OPERATOR_NAMES.get(code) ?? `UNKNOWN_${code}`;
}

export function builtinOperatorCode(name: string): number {
  const code = OPERATOR_VALUES[name];
  if (code === undefined) throw new Error(`unknown builtin operator ${name}`);
  return code;
}

export function tensorTypeName(code: number): TensorTypeName {
  return TYPE_NAMES.get(code) ?? `UNKNOWN_${code}`;
}

export function tensorTypeCode(name: TensorTypeName): number {
  const code = TYPE_VALUES[name];
  if (code === undefined) throw new Error(`unknown tensor type ${name}`);
  return code;
}

/** Bytes per element for the fixed-width tensor types (0 for strings and sub-byte types). */
export function tensorTypeBytes(type: TensorTypeName): number {
  switch (type) {
    case 'FLOAT32': case 'INT32': case 'UINT32': return 4;
    case 'FLOAT16': case 'INT16': case 'UINT16': case 'BFLOAT16': return 2;
    case 'INT64': case 'UINT64': case 'FLOAT64': case 'COMPLEX64': return 8;
    case 'COMPLEX128': return 16;
    case 'UINT8': case 'INT8': case 'BOOL': case 'FLOAT8_E4M3FN': case 'FLOAT8_E5M2': return 1;
    default: return 0;
  }
}

/** The op name of an operator ('CONV_2D', or the custom code for custom ops). */
export function opName(model: TfliteModel, op: Operator): string {
  const code = model.operatorCodes[op.opcodeIndex];
  if (!code) return `INVALID_OPCODE_${op.opcodeIndex}`;
  return code.builtinName === 'CUSTOM' ? `CUSTOM:${code.customCode ?? '?'}` : code.builtinName;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * Math.max(b, 0), 1);
}
