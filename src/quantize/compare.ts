// Compares int8 variants of a model with its float original on held-out data, all run in LiteRT:
// accuracy against labels (argmax of output 0), max / p99 / mean |int8 - float| of output 0, and
// which ops of a model compute in float. Used by `npm run bench -- quantize-zoo` and the zoo tests.
import type { ModelRuntime, TensorData } from '../models/runtime/types.js';
import { quantizeActivations } from './quant-params.js';
import { opName, type TfliteModel } from './tflite/model.js';

export interface HeldOutSet {
  /** [count x elements] flat inputs of the model's single input. */
  inputs: Float32Array;
  elements: number;
  count: number;
  /** Class per sample, when the task has labels. */
  labels?: Float32Array;
}

export interface OutputError {
  maxAbs: number;
  p99Abs: number;
  meanAbs: number;
}

function toFloat(data: TensorData, scale: number, zeroPoint: number): Float32Array {
  if (data instanceof Float32Array) return data.slice();
  return Float32Array.from(data as ArrayLike<number>, (v) => scale * (Number(v) - zeroPoint));
}

/** Output 0 of `bytes` for every held-out sample (int8 I/O is quantized / dequantized with the tensor params). */
export async function runHeldOut(runtime: ModelRuntime, bytes: Uint8Array, set: HeldOutSet, name: string): Promise<Float32Array[]> {
  const model = await runtime.load(bytes, { name });
  try {
    const input = model.inputs[0];
    const output = model.outputs[0];
    const out: Float32Array[] = [];
    for (let i = 0; i < set.count; i++) {
      const x = set.inputs.subarray(i * set.elements, (i + 1) * set.elements);
      const feed = input.dtype === 'int8' && input.quantization ? quantizeActivations(x, input.quantization) : x;
      const [y] = model.run([feed]);
      out.push(toFloat(y, output.quantization?.scale ?? 1, output.quantization?.zeroPoint ?? 0));
    }
    return out;
  } finally {
    model.dispose();
  }
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/** Share of samples whose argmax equals the label. */
export function accuracy(outputs: readonly Float32Array[], labels: Float32Array): number {
  let hits = 0;
  outputs.forEach((o, i) => (hits += argmax(o) === labels[i] ? 1 : 0));
  return hits / outputs.length;
}

/** |got - ref| over every output element of every sample: max, 99th percentile (nearest rank), mean. */
export function outputError(ref: readonly Float32Array[], got: readonly Float32Array[]): OutputError {
  const errs: number[] = [];
  ref.forEach((r, i) => r.forEach((v, k) => errs.push(Math.abs(got[i][k] - v))));
  errs.sort((a, b) => a - b);
  const p99 = errs[Math.min(errs.length - 1, Math.ceil(0.99 * errs.length) - 1)] ?? 0;
  return { maxAbs: errs[errs.length - 1] ?? 0, p99Abs: p99, meanAbs: errs.reduce((a, b) => a + b, 0) / Math.max(errs.length, 1) };
}

/** Ops of a quantized model that compute in float: a float32 output, other than DEQUANTIZE. */
export function floatComputeOps(model: TfliteModel): string[] {
  const sg = model.subgraphs[0];
  const counts = new Map<string, number>();
  for (const op of sg.operators) {
    const name = opName(model, op);
    if (name === 'DEQUANTIZE' || name === 'QUANTIZE') continue;
    if (op.outputs.some((o) => sg.tensors[o]?.type === 'FLOAT32')) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([n, c]) => (c > 1 ? `${n} x${c}` : n));
}
