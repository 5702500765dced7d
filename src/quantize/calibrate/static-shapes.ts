// Keras models exported with a dynamic batch compute some RESHAPE shapes at run time (Flatten,
// Dense on 3-D input: SHAPE -> STRIDED_SLICE / GATHER / REDUCE_PROD / CONCATENATION -> PACK).
// Their outputs, and everything computed from them, are dynamic tensors, which LiteRT.js cannot
// hand back as graph outputs. For a batch-1 run those shapes are known: this folds the int32
// shape arithmetic and gives each such RESHAPE a constant shape, so every activation is static.
// Used for the calibration and report graphs only; the quantized model keeps the original graph.
import { opName, type Operator, type Tensor, type TfliteModel } from '../tflite/model.js';
import { optionNumber } from '../tflite/options.js';

interface IntValue {
  shape: number[];
  data: number[];
}

function readInt32(model: TfliteModel, t: Tensor): IntValue | undefined {
  const bytes = model.buffers[t.buffer]?.data;
  if (t.type !== 'INT32' || !bytes || bytes.byteLength === 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { shape: t.shape, data: Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getInt32(4 * i, true)) };
}

/** 1-D STRIDED_SLICE with begin/end masks and shrink_axis_mask, as the shape chains use it. */
function stridedSlice1d(op: Operator, v: IntValue, begin: number, end: number, stride: number): IntValue {
  const n = v.data.length;
  const norm = (x: number): number => (x < 0 ? x + n : x);
  let b = optionNumber(op, 'begin_mask') & 1 ? (stride > 0 ? 0 : n - 1) : norm(begin);
  const e = optionNumber(op, 'end_mask') & 1 ? (stride > 0 ? n : -1) : norm(end);
  if (optionNumber(op, 'shrink_axis_mask') & 1) return { shape: [], data: [v.data[b]] };
  const data: number[] = [];
  for (; stride > 0 ? b < e : b > e; b += stride) data.push(v.data[b]);
  return { shape: [data.length], data };
}

function evaluate(model: TfliteModel, op: Operator, value: (i: number) => IntValue | undefined): IntValue | undefined {
  const sg = model.subgraphs[0];
  const name = opName(model, op);
  if (name === 'SHAPE') {
    const shape = sg.tensors[op.inputs[0]].shape.map((d) => Math.max(d, 1));
    return { shape: [shape.length], data: shape };
  }
  const ins = op.inputs.map((i) => (i >= 0 ? value(i) : undefined));
  if (ins.some((v) => v === undefined) || ins.some((v) => (v?.shape.length ?? 0) > 1)) return undefined;
  const vals = ins as IntValue[];
  switch (name) {
    case 'STRIDED_SLICE':
      return stridedSlice1d(op, vals[0], vals[1].data[0], vals[2].data[0], vals[3]?.data[0] ?? 1);
    case 'GATHER': {
      const data = vals[1].data.map((k) => vals[0].data[k]);
      return { shape: vals[1].shape.length === 0 ? [] : [data.length], data };
    }
    case 'REDUCE_PROD':
      return { shape: optionNumber(op, 'keep_dims') ? [1] : [], data: [vals[0].data.reduce((a, b) => a * b, 1)] };
    case 'CONCATENATION':
    case 'PACK': {
      const data = vals.flatMap((v) => v.data);
      return { shape: [data.length], data };
    }
    default:
      return undefined;
  }
}

function int32Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setInt32(4 * i, v, true));
  return out;
}

/** A copy of `model` whose RESHAPEs with computed shapes read a folded constant instead. */
export function withStaticReshapes(model: TfliteModel): TfliteModel {
  const sg = model.subgraphs[0];
  const known = new Map<number, IntValue>();
  const value = (i: number): IntValue | undefined => known.get(i) ?? readInt32(model, sg.tensors[i]);
  const buffers = model.buffers.slice();
  const tensors = sg.tensors.slice();
  let changed = false;
  const operators = sg.operators.map((op) => {
    const shapeIn = op.inputs[1];
    if (opName(model, op) === 'RESHAPE' && shapeIn !== undefined && shapeIn >= 0 && !readInt32(model, sg.tensors[shapeIn])) {
      const shape = known.get(shapeIn);
      if (!shape) return op;
      buffers.push({ data: int32Bytes(shape.data) });
      const index = tensors.push({ name: `${sg.tensors[shapeIn].name}/folded`, shape: [shape.data.length], type: 'INT32', buffer: buffers.length - 1, isVariable: false, hasRank: true }) - 1;
      // The output's stored shape is a placeholder ([-1, -1] signature): store the real one.
      const elements = sg.tensors[op.inputs[0]].shape.reduce((a, d) => a * Math.max(d, 1), 1);
      const fixed = shape.data.reduce((a, d) => (d >= 0 ? a * d : a), 1);
      const outShape = shape.data.map((d) => (d >= 0 ? d : elements / fixed));
      const out = op.outputs[0];
      tensors[out] = { ...tensors[out], shape: outShape, shapeSignature: outShape };
      changed = true;
      return { ...op, inputs: [op.inputs[0], index, ...op.inputs.slice(2)] };
    }
    if (op.outputs.length === 1 && sg.tensors[op.outputs[0]].type === 'INT32') {
      const v = evaluate(model, op, value);
      if (v) known.set(op.outputs[0], v);
    }
    return op;
  });
  return changed ? { ...model, buffers, subgraphs: [{ ...sg, tensors, operators }, ...model.subgraphs.slice(1)] } : model;
}
