// Serializes the plain model back to .tflite bytes (the inverse of read.ts). Buffers are always
// written inline (models over 2 GB, which need offset/size buffers, are out of scope here).
import type { FbTable, FbValue } from '../flatbuf/descriptor.js';
import { FlatWriter } from '../flatbuf/write.js';
import { TFLITE_SCHEMA } from '../schema/tflite-schema.js';
import { tensorTypeCode, type Operator, type Quantization, type Subgraph, type Tensor, type TfliteModel } from './model.js';

/** BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES: codes above it only fit the int32 field. */
const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

function set(t: FbTable, field: string, value: FbValue | undefined): void {
  if (value !== undefined) t[field] = value;
}

function quantizationTable(q: Quantization): FbTable {
  const t: FbTable = {
    scale: q.scale,
    zero_point: q.zeroPoint.map((z) => BigInt(z)),
    quantized_dimension: q.quantizedDimension,
  };
  set(t, 'min', q.min);
  set(t, 'max', q.max);
  set(t, 'details', q.details);
  return t;
}

function tensorTable(x: Tensor): FbTable {
  const t: FbTable = { shape: x.shape, type: tensorTypeCode(x.type), buffer: x.buffer, name: x.name, is_variable: x.isVariable, has_rank: x.hasRank };
  set(t, 'shape_signature', x.shapeSignature);
  if (x.quantization) t.quantization = quantizationTable(x.quantization);
  set(t, 'sparsity', x.sparsity);
  set(t, 'variant_tensors', x.variantTensors);
  set(t, 'external_buffer', x.externalBuffer);
  return t;
}

function operatorTable(op: Operator): FbTable {
  const t: FbTable = { opcode_index: op.opcodeIndex, inputs: op.inputs, outputs: op.outputs };
  set(t, 'builtin_options', op.builtinOptions);
  set(t, 'builtin_options_2', op.builtinOptions2);
  set(t, 'custom_options', op.customOptions);
  set(t, 'custom_options_format', op.customOptionsFormat);
  set(t, 'mutating_variable_inputs', op.mutatingVariableInputs);
  set(t, 'intermediates', op.intermediates);
  set(t, 'debug_metadata_index', op.debugMetadataIndex);
  return t;
}

function subgraphTable(sg: Subgraph): FbTable {
  const t: FbTable = {
    tensors: sg.tensors.map(tensorTable),
    inputs: sg.inputs,
    outputs: sg.outputs,
    operators: sg.operators.map(operatorTable),
    name: sg.name,
  };
  set(t, 'debug_metadata_index', sg.debugMetadataIndex);
  return t;
}

export function writeTflite(model: TfliteModel): Uint8Array {
  const root: FbTable = {
    version: model.version,
    operator_codes: model.operatorCodes.map((c) => {
      const t: FbTable = {
        deprecated_builtin_code: Math.min(c.builtinCode, PLACEHOLDER_FOR_GREATER_OP_CODES),
        builtin_code: c.builtinCode,
        version: c.version,
      };
      set(t, 'custom_code', c.customCode);
      return t;
    }),
    subgraphs: model.subgraphs.map(subgraphTable),
    description: model.description,
    buffers: model.buffers.map((b) => (b.data.byteLength > 0 ? { data: b.data } : {})),
  };
  // Empty optional lists are left out, as the TF converter does.
  if (model.metadata.length > 0) root.metadata = model.metadata.map((m) => ({ name: m.name, buffer: m.buffer }));
  if (model.signatureDefs.length > 0) {
    root.signature_defs = model.signatureDefs.map((s) => ({
      inputs: s.inputs.map((m) => ({ name: m.name, tensor_index: m.tensorIndex })),
      outputs: s.outputs.map((m) => ({ name: m.name, tensor_index: m.tensorIndex })),
      signature_key: s.signatureKey,
      subgraph_index: s.subgraphIndex,
    }));
  }
  if (model.metadataBuffer.length > 0) root.metadata_buffer = model.metadataBuffer;
  set(root, 'external_buffer_groups', model.externalBufferGroups);
  set(root, 'external_buffers', model.externalBuffers);
  return new FlatWriter(TFLITE_SCHEMA).finish(root);
}
