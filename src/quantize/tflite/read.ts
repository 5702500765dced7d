// Reads a .tflite file into the plain model of model.ts. Every offset is validated (SafeFlatReader)
// and every cross-reference (opcode, tensor, buffer, subgraph indices) is range-checked, so a
// corrupt or truncated file yields FormatError and never a crash, a hang or a half-read model.
import { FormatError } from '../../common/errors.js';
import type { FbTable, FbUnion, FbValue } from '../flatbuf/descriptor.js';
import { SafeFlatReader } from '../flatbuf/safe-read.js';
import { TFLITE_SCHEMA } from '../schema/tflite-schema.js';
import {
  builtinOperatorName, tensorTypeName,
  type MetadataEntry, type ModelBuffer, type Operator, type OperatorCode, type Quantization,
  type SignatureDef, type Subgraph, type Tensor, type TensorMapEntry, type TfliteModel,
} from './model.js';

const FORMAT = 'tflite';

function fail(message: string): never {
  throw new FormatError(FORMAT, message);
}

function num(t: FbTable, field: string, fallback = 0): number {
  const v = t[field];
  if (v === undefined) return fallback;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return fail(`field ${field} is not a number`);
}

function str(t: FbTable, field: string): string | undefined {
  const v = t[field];
  return typeof v === 'string' ? v : undefined;
}

function nums(v: FbValue | undefined): number[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return fail('expected a numeric vector');
  return (v as (number | bigint | boolean | string | FbTable)[]).map((x) => {
    if (typeof x === 'number') return x;
    if (typeof x === 'bigint') return Number(x);
    if (typeof x === 'boolean') return x ? 1 : 0;
    return fail('expected a numeric vector');
  });
}

function tables(v: FbValue | undefined): FbTable[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return fail('expected a vector of tables');
  return (v as unknown[]).map((x) => (typeof x === 'object' && x !== null ? (x as FbTable) : fail('expected a table')));
}

function table(v: FbValue | undefined): FbTable | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) ? (v as FbTable) : undefined;
}

function union(v: FbValue | undefined): FbUnion | undefined {
  const t = table(v);
  return t && typeof t.type === 'string' && table(t.value) ? { type: t.type, value: table(t.value) ?? {} } : undefined;
}

function readOperatorCode(t: FbTable): OperatorCode {
  // Old files only set the byte-sized deprecated code; new ones set both (TFLite's GetBuiltinCode).
  const builtinCode = Math.max(num(t, 'builtin_code'), num(t, 'deprecated_builtin_code'));
  const code: OperatorCode = { builtinCode, builtinName: builtinOperatorName(builtinCode), version: num(t, 'version', 1) };
  const custom = str(t, 'custom_code');
  if (custom !== undefined) code.customCode = custom;
  return code;
}

function readQuantization(t: FbTable | undefined): Quantization | undefined {
  if (!t) return undefined;
  const q: Quantization = { scale: nums(t.scale), zeroPoint: nums(t.zero_point), quantizedDimension: num(t, 'quantized_dimension') };
  if (t.min !== undefined) q.min = nums(t.min);
  if (t.max !== undefined) q.max = nums(t.max);
  const details = union(t.details);
  if (details) q.details = details;
  return q;
}

function readTensor(t: FbTable, bufferCount: number): Tensor {
  const buffer = num(t, 'buffer');
  if (buffer >= bufferCount) fail(`tensor ${str(t, 'name') ?? '?'} refers to buffer ${buffer} of ${bufferCount}`);
  const tensor: Tensor = {
    name: str(t, 'name') ?? '',
    shape: nums(t.shape),
    type: tensorTypeName(num(t, 'type')),
    buffer,
    isVariable: num(t, 'is_variable') !== 0,
    hasRank: num(t, 'has_rank') !== 0,
  };
  if (t.shape_signature !== undefined) tensor.shapeSignature = nums(t.shape_signature);
  const q = readQuantization(table(t.quantization));
  if (q) tensor.quantization = q;
  const sparsity = table(t.sparsity);
  if (sparsity) tensor.sparsity = sparsity;
  if (t.variant_tensors !== undefined) tensor.variantTensors = tables(t.variant_tensors);
  if (t.external_buffer !== undefined) tensor.externalBuffer = num(t, 'external_buffer');
  return tensor;
}

function checkIndices(indices: number[], count: number, what: string, allowOmitted: boolean): number[] {
  for (const i of indices) {
    if (!Number.isInteger(i) || i >= count || i < (allowOmitted ? -1 : 0)) fail(`${what} refers to tensor ${i} of ${count}`);
  }
  return indices;
}

function readOperator(t: FbTable, tensorCount: number, opcodeCount: number, where: string): Operator {
  const opcodeIndex = num(t, 'opcode_index');
  if (opcodeIndex >= opcodeCount) fail(`${where} uses opcode ${opcodeIndex} of ${opcodeCount}`);
  const op: Operator = {
    opcodeIndex,
    inputs: checkIndices(nums(t.inputs), tensorCount, `${where} input`, true),
    outputs: checkIndices(nums(t.outputs), tensorCount, `${where} output`, false),
  };
  const o1 = union(t.builtin_options);
  if (o1) op.builtinOptions = o1;
  const o2 = union(t.builtin_options_2);
  if (o2) op.builtinOptions2 = o2;
  if (t.custom_options instanceof Uint8Array) op.customOptions = t.custom_options;
  if (t.custom_options_format !== undefined) op.customOptionsFormat = num(t, 'custom_options_format');
  if (t.mutating_variable_inputs !== undefined) op.mutatingVariableInputs = nums(t.mutating_variable_inputs).map((x) => x !== 0);
  if (t.intermediates !== undefined) op.intermediates = checkIndices(nums(t.intermediates), tensorCount, `${where} intermediate`, true);
  if (t.debug_metadata_index !== undefined) op.debugMetadataIndex = num(t, 'debug_metadata_index', -1);
  if (num(t, 'large_custom_options_offset') > 1) fail(`${where}: custom options stored outside the FlatBuffer (>2 GB models) are not supported`);
  return op;
}

function readSubgraph(t: FbTable, bufferCount: number, opcodeCount: number, index: number): Subgraph {
  const tensors = tables(t.tensors).map((x) => readTensor(x, bufferCount));
  const where = `subgraph ${index}`;
  const sg: Subgraph = {
    name: str(t, 'name') ?? '',
    tensors,
    inputs: checkIndices(nums(t.inputs), tensors.length, `${where} input`, false),
    outputs: checkIndices(nums(t.outputs), tensors.length, `${where} output`, false),
    operators: tables(t.operators).map((o, i) => readOperator(o, tensors.length, opcodeCount, `${where} operator ${i}`)),
  };
  if (t.debug_metadata_index !== undefined) sg.debugMetadataIndex = num(t, 'debug_metadata_index', -1);
  return sg;
}

function readBuffer(t: FbTable, file: Uint8Array, index: number): ModelBuffer {
  const offset = num(t, 'offset');
  if (offset > 1) {
    // Buffers of >2 GB models live after the FlatBuffer; offsets count from the start of the file.
    const size = num(t, 'size');
    if (offset + size > file.byteLength) fail(`buffer ${index} (offset ${offset}, ${size} bytes) lies past the end of the file`);
    return { data: file.slice(offset, offset + size) };
  }
  return { data: t.data instanceof Uint8Array ? t.data : new Uint8Array(0) };
}

function tensorMap(v: FbValue | undefined): TensorMapEntry[] {
  return tables(v).map((m) => ({ name: str(m, 'name') ?? '', tensorIndex: num(m, 'tensor_index') }));
}

/** Parses .tflite bytes. Throws FormatError (with `file` when given) on any malformed input. */
export function readTflite(bytes: Uint8Array, file?: string): TfliteModel {
  try {
    const root = new SafeFlatReader(bytes, TFLITE_SCHEMA, FORMAT).decodeRoot();
    const operatorCodes = tables(root.operator_codes).map(readOperatorCode);
    const buffers = tables(root.buffers).map((b, i) => readBuffer(b, bytes, i));
    const subgraphs = tables(root.subgraphs).map((s, i) => readSubgraph(s, buffers.length, operatorCodes.length, i));
    if (subgraphs.length === 0) fail('model has no subgraph');
    const metadata: MetadataEntry[] = tables(root.metadata).map((m) => {
      const entry = { name: str(m, 'name') ?? '', buffer: num(m, 'buffer') };
      if (entry.buffer >= buffers.length) fail(`metadata ${entry.name} refers to buffer ${entry.buffer} of ${buffers.length}`);
      return entry;
    });
    const signatureDefs: SignatureDef[] = tables(root.signature_defs).map((s) => {
      const sig = { signatureKey: str(s, 'signature_key') ?? '', subgraphIndex: num(s, 'subgraph_index'), inputs: tensorMap(s.inputs), outputs: tensorMap(s.outputs) };
      if (sig.subgraphIndex >= subgraphs.length) fail(`signature ${sig.signatureKey} refers to subgraph ${sig.subgraphIndex}`);
      return sig;
    });
    const model: TfliteModel = {
      version: num(root, 'version'),
      description: str(root, 'description') ?? '',
      operatorCodes,
      subgraphs,
      buffers,
      metadataBuffer: nums(root.metadata_buffer),
      metadata,
      signatureDefs,
    };
    if (root.external_buffer_groups !== undefined) model.externalBufferGroups = tables(root.external_buffer_groups);
    if (root.external_buffers !== undefined) model.externalBuffers = tables(root.external_buffers);
    return model;
  } catch (err) {
    if (err instanceof FormatError) throw file ? new FormatError(FORMAT, err.message.replace(/^tflite: /, ''), file) : err;
    // Anything else escaping the validated reader is still a malformed file, not a crash.
    throw new FormatError(FORMAT, `malformed model (${err instanceof Error ? err.message : String(err)})`, file);
  }
}

/** The bytes of a metadata entry, or undefined when the model has no entry with that name. */
export function metadataBytes(model: TfliteModel, name: string): Uint8Array | undefined {
  const entry = model.metadata.find((m) => m.name === name);
  return entry ? model.buffers[entry.buffer]?.data : undefined;
}
