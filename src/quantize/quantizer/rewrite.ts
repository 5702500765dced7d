// Builds the int8 model from the float model and the chosen activation params: quantized weights
// and biases, int8 activations, QUANTIZE/DEQUANTIZE at the graph boundary (or int8 I/O), a fresh
// operator-code table with int8 op versions, and only the buffers still in use.
import { QuantizeError } from '../errors.js';
import { quantizeBias, quantizeValue, quantizeWeights, type AffineParams } from '../quant-params.js';
import {
  builtinOperatorCode, opName,
  type ModelBuffer, type Operator, type OperatorCode, type Quantization, type Tensor, type TfliteModel,
} from '../tflite/model.js';
import { DEQUANTIZE_VERSION, INT8_RULES, QUANTIZE_VERSION } from './ops.js';
import { bytesOf, floatData, isConstant } from './tensors.js';

export interface RewriteOptions {
  /** Make the graph inputs/outputs int8 instead of adding QUANTIZE/DEQUANTIZE ops. */
  int8Io: boolean;
}

export interface RewriteResult {
  model: TfliteModel;
  /** Float activation tensor index (in the float model) -> its int8 tensor index in the new model. */
  int8Of: Map<number, number>;
}

function affine(p: AffineParams): Quantization {
  return { scale: [p.scale], zeroPoint: [p.zeroPoint], quantizedDimension: 0 };
}

class Builder {
  readonly buffers: ModelBuffer[] = [{ data: new Uint8Array(0) }];
  readonly codes: OperatorCode[] = [];
  readonly tensors: Tensor[];
  readonly operators: Operator[] = [];

  constructor(private readonly src: TfliteModel) {
    // Same indices as the float model; each tensor is replaced below or copied as it is.
    this.tensors = src.subgraphs[0].tensors.map((t) => ({ ...t, buffer: 0 }));
  }

  buffer(data: Uint8Array): number {
    if (data.byteLength === 0) return 0;
    this.buffers.push({ data });
    return this.buffers.length - 1;
  }

  opcode(name: string, version: number): number {
    const code = builtinOperatorCode(name);
    let i = this.codes.findIndex((c) => c.builtinCode === code && c.version === version);
    if (i < 0) i = this.codes.push({ builtinCode: code, builtinName: name, version }) - 1;
    return i;
  }

  addTensor(t: Tensor): number {
    return this.tensors.push(t) - 1;
  }

  /** Keeps a non-float constant (int32 shapes, axes, paddings) as it is. */
  copyConstant(index: number): void {
    const t = this.src.subgraphs[0].tensors[index];
    this.tensors[index].buffer = this.buffer(this.src.buffers[t.buffer].data);
  }
}

export function rewriteInt8(src: TfliteModel, params: Map<number, AffineParams>, options: RewriteOptions): RewriteResult {
  const sg = src.subgraphs[0];
  const b = new Builder(src);
  const int8Of = new Map<number, number>();
  const paramsOf = (i: number): AffineParams => {
    const p = params.get(i);
    if (!p) throw new QuantizeError('unsupported-graph', `no int8 params for tensor ${sg.tensors[i].name}`);
    return p;
  };
  const quantized = new Set<number>();
  // Float activations become int8 in place, except float graph I/O which keeps its tensor and
  // gets an int8 twin linked by QUANTIZE/DEQUANTIZE.
  const boundary = new Set(options.int8Io ? [] : [...sg.inputs, ...sg.outputs]);
  for (const [i, p] of params) {
    const t = sg.tensors[i];
    if (isConstant(src, t)) continue;
    if (boundary.has(i)) {
      int8Of.set(i, b.addTensor({ ...t, name: `${t.name}/int8`, type: 'INT8', buffer: 0, quantization: affine(p) }));
    } else {
      b.tensors[i] = { ...b.tensors[i], type: 'INT8', quantization: affine(p) };
      int8Of.set(i, i);
    }
    quantized.add(i);
  }
  const mapped = (i: number): number => (i >= 0 ? int8Of.get(i) ?? i : i);

  for (const i of sg.inputs) {
    if (boundary.has(i) && quantized.has(i)) {
      b.operators.push({ opcodeIndex: b.opcode('QUANTIZE', QUANTIZE_VERSION), inputs: [i], outputs: [mapped(i)] });
    }
  }
  for (const [opIndex, op] of sg.operators.entries()) {
    const name = opName(src, op);
    const rule = INT8_RULES[name];
    if (!rule) throw new QuantizeError('unsupported-op', `cannot quantize op ${name}`);
    const inputs = op.inputs.map(mapped);
    if (rule.kind === 'weighted') {
      const [, wi, bi] = op.inputs;
      const w = sg.tensors[wi];
      if (!w || !isConstant(src, w)) throw new QuantizeError('unsupported-graph', `${name} (op ${opIndex}) has non-constant weights`);
      const qw = quantizeWeights(floatData(src, w), w.shape, rule.weightAxis);
      const wIndex = b.addTensor({ ...w, type: 'INT8', buffer: b.buffer(bytesOf(qw.values)), quantization: { scale: qw.scales, zeroPoint: qw.scales.map(() => 0), quantizedDimension: rule.weightAxis ?? 0 } });
      inputs[1] = wIndex;
      if (bi !== undefined && bi >= 0) {
        const bt = sg.tensors[bi];
        if (!isConstant(src, bt)) throw new QuantizeError('unsupported-graph', `${name} (op ${opIndex}) has a non-constant bias`);
        const qb = quantizeBias(floatData(src, bt), paramsOf(op.inputs[0]).scale, qw.scales);
        // Rank-1 biases quantize along dimension 0 (dimension 3 here is the person_detect quirk LiteRT refuses).
        inputs[2] = b.addTensor({ ...bt, type: 'INT32', buffer: b.buffer(bytesOf(qb.values)), quantization: { scale: qb.scales, zeroPoint: qb.scales.map(() => 0), quantizedDimension: 0 } });
      }
    } else {
      op.inputs.forEach((i, k) => {
        if (i < 0) return;
        const t = sg.tensors[i];
        if (!isConstant(src, t)) {
          if (name === 'CONCATENATION' && params.has(i)) inputs[k] = requantized(b, inputs[k], paramsOf(i), paramsOf(op.outputs[0]));
          return;
        }
        if (t.type !== 'FLOAT32') return b.copyConstant(i);
        const p = paramsOf(i);
        const q = Int8Array.from(floatData(src, t), (v) => quantizeValue(v, p));
        inputs[k] = b.addTensor({ ...t, type: 'INT8', buffer: b.buffer(bytesOf(q)), quantization: affine(p) });
      });
    }
    b.operators.push({ ...op, opcodeIndex: b.opcode(name, rule.version), inputs, outputs: op.outputs.map(mapped) });
  }
  for (const i of sg.outputs) {
    if (boundary.has(i) && quantized.has(i)) {
      b.operators.push({ opcodeIndex: b.opcode('DEQUANTIZE', DEQUANTIZE_VERSION), inputs: [mapped(i)], outputs: [i] });
    }
  }
  // Metadata entries keep their bytes in new buffers.
  const metadata = src.metadata.map((m) => ({ name: m.name, buffer: b.buffer(src.buffers[m.buffer].data) }));
  const model: TfliteModel = {
    version: src.version || 3,
    description: src.description,
    operatorCodes: b.codes,
    subgraphs: [{ ...sg, tensors: b.tensors, operators: b.operators }],
    buffers: b.buffers,
    metadataBuffer: [],
    metadata,
    signatureDefs: src.signatureDefs,
  };
  return compact(model, int8Of);
}

/**
 * Int8 CONCATENATION requires every input to have the output's params; an input that cannot
 * share them (fixed params) goes through an int8 -> int8 QUANTIZE (the kernel's requantize path).
 */
function requantized(b: Builder, index: number, from: AffineParams, to: AffineParams): number {
  if (from.scale === to.scale && from.zeroPoint === to.zeroPoint) return index;
  const t = b.tensors[index];
  const out = b.addTensor({ ...t, name: `${t.name}/requantized`, buffer: 0, quantization: affine(to) });
  b.operators.push({ opcodeIndex: b.opcode('QUANTIZE', QUANTIZE_VERSION), inputs: [index], outputs: [out] });
  return out;
}

/** Drops tensors no op or graph boundary uses any more (the float weights and biases). */
function compact(model: TfliteModel, int8Of: Map<number, number>): RewriteResult {
  const sg = model.subgraphs[0];
  const used = new Set<number>([...sg.inputs, ...sg.outputs]);
  for (const op of sg.operators) for (const i of [...op.inputs, ...op.outputs]) if (i >= 0) used.add(i);
  const remap = new Map<number, number>();
  const tensors: Tensor[] = [];
  sg.tensors.forEach((t, i) => {
    if (used.has(i)) remap.set(i, tensors.push(t) - 1);
  });
  const r = (i: number): number => (i >= 0 ? remap.get(i) ?? -1 : i);
  model.subgraphs[0] = {
    ...sg,
    tensors,
    inputs: sg.inputs.map(r),
    outputs: sg.outputs.map(r),
    operators: sg.operators.map((op) => ({ ...op, inputs: op.inputs.map(r), outputs: op.outputs.map(r) })),
  };
  model.signatureDefs = model.signatureDefs.map((s) => ({
    ...s,
    inputs: s.inputs.map((m) => ({ ...m, tensorIndex: r(m.tensorIndex) })),
    outputs: s.outputs.map((m) => ({ ...m, tensorIndex: r(m.tensorIndex) })),
  }));
  return { model, int8Of: new Map([...int8Of].map(([f, q]) => [f, r(q)])) };
}
