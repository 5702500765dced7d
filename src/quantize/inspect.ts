// Model inspection: ops, tensors, parameter and MAC counts, our metadata, and what LiteRT will
// refuse to load (checked with the same rules as TFLite's InterpreterBuilder).
import { readTflite } from './tflite/read.js';
import { elementCount, opName, type Operator, type Subgraph, type Tensor, type TfliteModel } from './tflite/model.js';
import { optionNumber, window2D, fusedActivation } from './tflite/options.js';
import { WEARGATE_METADATA_NAME, readWeargateMetadata, type WeargateMetadata } from './metadata.js';

export interface TensorReport {
  index: number;
  name: string;
  shape: number[];
  shapeSignature?: number[];
  type: string;
  constant: boolean;
  bytes: number;
  scale?: number[];
  zeroPoint?: number[];
  quantizedDimension?: number;
  variable: boolean;
}

export interface OpReport {
  index: number;
  op: string;
  inputs: number[];
  outputs: number[];
  activation?: string;
  macs: number;
}

export interface CompatibilityIssue {
  severity: 'error' | 'warning';
  message: string;
}

export interface InspectReport {
  fileBytes: number;
  schemaVersion: number;
  description: string;
  subgraphCount: number;
  opCounts: Record<string, number>;
  ops: OpReport[];
  tensors: TensorReport[];
  inputs: TensorReport[];
  outputs: TensorReport[];
  parameterCount: number;
  parameterBytes: number;
  totalMacs: number;
  metadataNames: string[];
  weargate?: WeargateMetadata;
  signatures: { key: string; inputs: string[]; outputs: string[] }[];
  compatibility: CompatibilityIssue[];
}

function shapeOf(sg: Subgraph, index: number): number[] {
  return index >= 0 ? sg.tensors[index]?.shape ?? [] : [];
}

/** Multiply-accumulates of one op (elementwise ops count one per output element). */
export function opMacs(model: TfliteModel, sg: Subgraph, op: Operator): number {
  const name = opName(model, op);
  const out = elementCount(shapeOf(sg, op.outputs[0] ?? -1));
  const w = shapeOf(sg, op.inputs[1] ?? -1);
  switch (name) {
    case 'CONV_2D': return out * (w[1] ?? 1) * (w[2] ?? 1) * (w[3] ?? 1);
    case 'DEPTHWISE_CONV_2D': return out * (w[1] ?? 1) * (w[2] ?? 1);
    case 'FULLY_CONNECTED': return out * (w[w.length - 1] ?? 1);
    case 'AVERAGE_POOL_2D': case 'MAX_POOL_2D': { const win = window2D(op); return out * win.filterW * win.filterH; }
    case 'MEAN': case 'SUM': return elementCount(shapeOf(sg, op.inputs[0] ?? -1));
    case 'ADD': case 'SUB': case 'MUL': case 'DIV': case 'SQUARED_DIFFERENCE':
    case 'LOGISTIC': case 'TANH': case 'SOFTMAX': case 'RELU': case 'RELU6': case 'QUANTIZE': case 'DEQUANTIZE':
      return out;
    default: return 0;
  }
}

function tensorReport(model: TfliteModel, t: Tensor, index: number): TensorReport {
  const bytes = model.buffers[t.buffer]?.data.byteLength ?? 0;
  const r: TensorReport = { index, name: t.name, shape: t.shape, type: t.type, constant: bytes > 0, bytes, variable: t.isVariable };
  if (t.shapeSignature) r.shapeSignature = t.shapeSignature;
  const q = t.quantization;
  if (q && q.scale.length > 0) {
    r.scale = q.scale;
    r.zeroPoint = q.zeroPoint;
    r.quantizedDimension = q.quantizedDimension;
  }
  return r;
}

/** What TFLite/LiteRT refuses at load time, with the same checks as InterpreterBuilder::ParseQuantization. */
export function compatibilityIssues(model: TfliteModel): CompatibilityIssue[] {
  const issues: CompatibilityIssue[] = [];
  model.subgraphs.forEach((sg, s) => {
    const where = model.subgraphs.length > 1 ? `subgraph ${s}: ` : '';
    const variables = sg.tensors.filter((t) => t.isVariable);
    if (variables.length > 0) {
      issues.push({ severity: 'error', message: `${where}${variables.length} stateful variable tensor(s) (${variables.map((t) => t.name).slice(0, 3).join(', ')}${variables.length > 3 ? ', ...' : ''}): LiteRT does not support variable tensors (LSTM/SVDF state)` });
    }
    for (const t of sg.tensors) {
      const q = t.quantization;
      if (!q || q.scale.length === 0) continue;
      const rank = t.shape.length;
      if (q.zeroPoint.length > 0 && q.zeroPoint.length !== q.scale.length) {
        issues.push({ severity: 'error', message: `${where}tensor ${t.name}: ${q.zeroPoint.length} zero points for ${q.scale.length} scales` });
      } else if (q.quantizedDimension < 0 || (rank > 0 && q.quantizedDimension >= rank)) {
        issues.push({ severity: 'error', message: `${where}tensor ${t.name} (shape [${t.shape.join(',')}]): quantized_dimension ${q.quantizedDimension} is out of range [0, ${rank}); LiteRT refuses it ("quantized_dimension must be in range [0, ${rank})")` });
      } else if (q.scale.length !== 1 && rank > 0 && q.scale.length !== t.shape[q.quantizedDimension]) {
        issues.push({ severity: 'error', message: `${where}tensor ${t.name}: ${q.scale.length} scales but dimension ${q.quantizedDimension} has ${t.shape[q.quantizedDimension]} entries` });
      }
    }
    const dynamic = sg.inputs.filter((i) => (sg.tensors[i].shapeSignature ?? []).some((d) => d < 0));
    if (dynamic.length > 0) issues.push({ severity: 'warning', message: `${where}input(s) ${dynamic.map((i) => sg.tensors[i].name).join(', ')} have a dynamic (-1) dimension: use LiteRT's low-level API` });
    const int8Io = [...sg.inputs, ...sg.outputs].filter((i) => sg.tensors[i].type === 'INT8' || sg.tensors[i].type === 'INT16');
    if (int8Io.length > 0) issues.push({ severity: 'warning', message: `${where}int8/int16 input/output tensors: LiteRT's Tensor API takes float32/int32/uint8 only; use the low-level API` });
  });
  const customs = model.operatorCodes.filter((c) => c.builtinName === 'CUSTOM').map((c) => c.customCode ?? '?');
  if (customs.length > 0) issues.push({ severity: 'error', message: `custom ops need registered kernels: ${customs.join(', ')}` });
  return issues;
}

export function inspectModel(model: TfliteModel, fileBytes: number): InspectReport {
  const sg = model.subgraphs[0];
  const ops = sg.operators.map((op, index): OpReport => {
    const r: OpReport = { index, op: opName(model, op), inputs: op.inputs, outputs: op.outputs, macs: opMacs(model, sg, op) };
    if (op.builtinOptions && optionNumber(op, 'fused_activation_function') !== 0) r.activation = fusedActivation(op);
    return r;
  });
  const opCounts: Record<string, number> = {};
  for (const op of ops) opCounts[op.op] = (opCounts[op.op] ?? 0) + 1;
  const tensors = sg.tensors.map((t, i) => tensorReport(model, t, i));
  const constants = tensors.filter((t) => t.constant);
  const report: InspectReport = {
    fileBytes,
    schemaVersion: model.version,
    description: model.description,
    subgraphCount: model.subgraphs.length,
    opCounts,
    ops,
    tensors,
    inputs: sg.inputs.map((i) => tensors[i]),
    outputs: sg.outputs.map((i) => tensors[i]),
    parameterCount: constants.reduce((a, t) => a + elementCount(t.shape), 0),
    parameterBytes: constants.reduce((a, t) => a + t.bytes, 0),
    totalMacs: ops.reduce((a, o) => a + o.macs, 0),
    metadataNames: model.metadata.map((m) => m.name),
    signatures: model.signatureDefs.map((s) => ({ key: s.signatureKey, inputs: s.inputs.map((m) => m.name), outputs: s.outputs.map((m) => m.name) })),
    compatibility: compatibilityIssues(model),
  };
  if (report.metadataNames.includes(WEARGATE_METADATA_NAME)) report.weargate = readWeargateMetadata(model);
  return report;
}

export function inspectBytes(bytes: Uint8Array, file?: string): InspectReport {
  return inspectModel(readTflite(bytes, file), bytes.byteLength);
}
