// Builds the int8 model from the float model and the chosen activation params: quantized weights
// and biases, int8 activations, QUANTIZE/DEQUANTIZE at the graph boundary (or int8 I/O), a fresh
// operator-code table with int8 op versions, and only the buffers still in use.
import { QuantizeError } from '../errors.js';
import { quantizeBias, quantizeValue, quantizeWeights, type AffineParams } from '../quant-params.js';
import {
  builtinOperatorCode, opName,
  type ModelBuffer, type Operator, type OperatorCode, type Quantization, type Tensor, type TfliteModel,
} from '../tflite/model.js';
import { dataInputPositions, DEQUANTIZE_VERSION, QUANTIZE_VERSION, type Int8OpRule } from './ops.js';
import { int8Rule } from './params.js';
import { bytesOf, floatData, isConstant } from './tensors.js';

export interface RewriteOptions {
  /** Make the graph inputs/outputs int8 instead of adding QUANTIZE/DEQUANTIZE ops. */
  int8Io: boolean;
  /** Indices of ops (float model) kept float between DEQUANTIZE and QUANTIZE. */
  floatOps?: ReadonlySet<number>;
}

export interface RewriteResult {
  model: TfliteModel;
  /** Float activation tensor index (in the float model) -> its int8 tensor index in the new model. */
  int8Of: Map<number, number>;
  /** New op index -> the float model's op it comes from (conversion ops are absent). */
  sourceOpOf: Map<number, number>;
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

  /** The same operator code as the float model's (float fallbacks keep their op and version). */
  copyOpcode(code: OperatorCode): number {
    let i = this.codes.findIndex((c) => c.builtinCode === code.builtinCode && c.customCode === code.customCode && c.version === code.version);
    if (i < 0) i = this.codes.push({ ...code }) - 1;
    return i;
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

/**
 * Which tensor holds each activation in which type. Every float activation keeps its index; its
 * "home" type there is INT8 (produced by an int8 op, or int8 graph I/O) or FLOAT32 (float graph
 * I/O, or produced by a float-fallback op). When the producer's type differs from the home type
 * (an int8 op writing a float graph output), the producer writes a twin converted right after it;
 * a consumer wanting the other type gets a converted copy made once, before its first consumer.
 */
class Versions {
  private readonly other = new Map<number, number>();
  constructor(
    private readonly b: Builder,
    private readonly homeInt8: (t: number) => boolean,
    private readonly paramsOf: (t: number) => AffineParams,
  ) {}

  /** Index holding activation `t` as int8 (`wantInt8`) or float; converts on first use. */
  get(t: number, wantInt8: boolean): number {
    if (this.homeInt8(t) === wantInt8) return t;
    const known = this.other.get(t);
    if (known !== undefined) return known;
    const twin = this.twin(t, wantInt8);
    this.convert(t, twin, wantInt8);
    return twin;
  }

  /** A tensor for the producer to write when it produces a type other than the home type. */
  producerTwin(t: number, producerInt8: boolean): number {
    return this.twin(t, producerInt8);
  }

  /** Emits the conversion from the producer's twin to the home tensor. */
  convertTwinToHome(t: number): void {
    const twin = this.other.get(t);
    if (twin !== undefined) this.convert(twin, t, this.homeInt8(t));
  }

  int8Index(t: number): number | undefined {
    return this.homeInt8(t) ? t : this.other.get(t);
  }

  private twin(t: number, int8: boolean): number {
    const src = this.b.tensors[t];
    const index = this.b.addTensor(int8
      ? { ...src, name: `${src.name}/int8`, type: 'INT8', buffer: 0, quantization: affine(this.paramsOf(t)) }
      : { ...src, name: `${src.name}/float`, type: 'FLOAT32', buffer: 0, quantization: undefined });
    this.other.set(t, index);
    return index;
  }

  private convert(from: number, to: number, toInt8: boolean): void {
    this.b.operators.push(toInt8
      ? { opcodeIndex: this.b.opcode('QUANTIZE', QUANTIZE_VERSION), inputs: [from], outputs: [to] }
      : { opcodeIndex: this.b.opcode('DEQUANTIZE', DEQUANTIZE_VERSION), inputs: [from], outputs: [to] });
  }
}

export function rewriteInt8(src: TfliteModel, params: Map<number, AffineParams>, options: RewriteOptions): RewriteResult {
  const sg = src.subgraphs[0];
  const b = new Builder(src);
  const floatOps = options.floatOps ?? new Set<number>();
  const paramsOf = (i: number): AffineParams => {
    const p = params.get(i);
    if (!p) throw new QuantizeError('unsupported-graph', `no int8 params for tensor ${sg.tensors[i].name}`);
    return p;
  };
  const activation = (i: number): boolean => i >= 0 && sg.tensors[i].type === 'FLOAT32' && !isConstant(src, sg.tensors[i]);
  const producedInt8 = new Map<number, boolean>(sg.inputs.filter(activation).map((i) => [i, options.int8Io]));
  sg.operators.forEach((op, k) => {
    const int8 = int8Rule(src, k, floatOps) !== undefined;
    for (const o of op.outputs) if (activation(o)) producedInt8.set(o, int8);
  });
  const graphIo = new Set([...sg.inputs, ...sg.outputs]);
  const homeInt8 = (t: number): boolean => (graphIo.has(t) ? options.int8Io : producedInt8.get(t) === true);
  for (const t of producedInt8.keys()) {
    if (homeInt8(t)) b.tensors[t] = { ...b.tensors[t], type: 'INT8', quantization: affine(paramsOf(t)) };
  }
  const versions = new Versions(b, homeInt8, paramsOf);
  const sourceOpOf = new Map<number, number>();
  /** The index an op writes `t` to: `t`, or a twin of the producer's type converted to `t` after the op. */
  const outputIndex = (t: number): number => {
    const p = producedInt8.get(t);
    return p === undefined || p === homeInt8(t) ? t : versions.producerTwin(t, p);
  };

  // Graph inputs are fed in their home type (both follow int8Io); a consumer wanting the other
  // type gets a conversion just before it.
  for (const [opIndex, op] of sg.operators.entries()) {
    const name = opName(src, op);
    const rule = int8Rule(src, opIndex, floatOps);
    const inputs = op.inputs.slice();
    const outputs = op.outputs.map((o) => (activation(o) ? outputIndex(o) : o));
    if (!rule) {
      // Float fallback (or int32-only shape arithmetic): float inputs, constants copied as they are.
      op.inputs.forEach((i, k) => {
        if (i < 0) return;
        if (activation(i)) inputs[k] = versions.get(i, false);
        else if (isConstant(src, sg.tensors[i])) b.copyConstant(i);
      });
      sourceOpOf.set(b.operators.length, opIndex);
      b.operators.push({ ...op, opcodeIndex: b.copyOpcode(src.operatorCodes[op.opcodeIndex]), inputs, outputs });
    } else {
      op.inputs.forEach((i, k) => {
        if (activation(i)) inputs[k] = versions.get(i, true);
      });
      if (rule.kind === 'weighted') quantizeWeighted(src, b, op, opIndex, rule, inputs, paramsOf);
      const data = new Set(rule.kind === 'weighted' ? [0] : dataInputPositions(rule, op.inputs.length));
      op.inputs.forEach((i, k) => {
        if (i < 0 || (rule.kind === 'weighted' && k > 0)) return;
        const t = sg.tensors[i];
        if (!isConstant(src, t)) {
          if (name === 'CONCATENATION' && params.has(i)) inputs[k] = requantized(b, inputs[k], paramsOf(i), paramsOf(op.outputs[0]));
          return;
        }
        if (t.type !== 'FLOAT32' || !data.has(k)) return b.copyConstant(i);
        const p = paramsOf(i);
        const q = Int8Array.from(floatData(src, t), (v) => quantizeValue(v, p));
        inputs[k] = b.addTensor({ ...t, type: 'INT8', buffer: b.buffer(bytesOf(q)), quantization: affine(p) });
      });
      sourceOpOf.set(b.operators.length, opIndex);
      b.operators.push({ ...op, opcodeIndex: b.opcode(name, rule.version), inputs, outputs });
    }
    for (const o of op.outputs) if (activation(o) && outputs[op.outputs.indexOf(o)] !== o) versions.convertTwinToHome(o);
  }
  const int8Of = new Map<number, number>();
  for (const t of producedInt8.keys()) {
    const q = versions.int8Index(t);
    if (q !== undefined) int8Of.set(t, q);
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
  return { ...compact(model, int8Of), sourceOpOf };
}

/** Int8 weights (per channel along the rule's axis) and int32 bias of CONV_2D / DEPTHWISE / FULLY_CONNECTED. */
function quantizeWeighted(
  src: TfliteModel, b: Builder, op: Operator, opIndex: number, rule: Int8OpRule, inputs: number[],
  paramsOf: (i: number) => AffineParams,
): void {
  const sg = src.subgraphs[0];
  const name = opName(src, op);
  const [, wi, bi] = op.inputs;
  const w = sg.tensors[wi];
  if (!w || !isConstant(src, w)) throw new QuantizeError('unsupported-graph', `${name} (op ${opIndex}) has non-constant weights`);
  const qw = quantizeWeights(floatData(src, w), w.shape, rule.weightAxis);
  inputs[1] = b.addTensor({ ...w, type: 'INT8', buffer: b.buffer(bytesOf(qw.values)), quantization: { scale: qw.scales, zeroPoint: qw.scales.map(() => 0), quantizedDimension: rule.weightAxis ?? 0 } });
  if (bi === undefined || bi < 0) return;
  const bt = sg.tensors[bi];
  if (!isConstant(src, bt)) throw new QuantizeError('unsupported-graph', `${name} (op ${opIndex}) has a non-constant bias`);
  const qb = quantizeBias(floatData(src, bt), paramsOf(op.inputs[0]).scale, qw.scales);
  // Rank-1 biases quantize along dimension 0 (dimension 3 here is the person_detect quirk LiteRT refuses).
  inputs[2] = b.addTensor({ ...bt, type: 'INT32', buffer: b.buffer(bytesOf(qb.values)), quantization: { scale: qb.scales, zeroPoint: qb.scales.map(() => 0), quantizedDimension: 0 } });
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
function compact(model: TfliteModel, int8Of: Map<number, number>): Omit<RewriteResult, 'sourceOpOf'> {
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
