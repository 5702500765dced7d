// The quantization (scale, zero point) of a model's input and output tensors.
//
// LiteRT.js does not report quantization parameters, yet callers need them to feed an int8 model
// real values, so they come from our `.tflite` reader (src/quantize) and are keyed by the names
// LiteRT reports: signature names when the model has a signature, tensor names otherwise.
import { readTflite } from '../../quantize/tflite/read.js';
import type { TfliteModel } from '../../quantize/tflite/model.js';
import type { TensorQuantization } from './types.js';

export interface IoQuantization {
  inputs: Map<string, TensorQuantization>;
  outputs: Map<string, TensorQuantization>;
}

function perTensor(model: TfliteModel, subgraphIndex: number, tensorIndex: number): TensorQuantization | undefined {
  const q = model.subgraphs[subgraphIndex]?.tensors[tensorIndex]?.quantization;
  // Only per-tensor parameters describe how to feed or read an I/O tensor.
  if (q === undefined || q.scale.length !== 1) return undefined;
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 };
}

/** Undefined when our reader cannot parse the bytes (LiteRT then decides whether the model loads). */
export function readIoQuantization(bytes: Uint8Array): IoQuantization | undefined {
  let model: TfliteModel;
  try {
    model = readTflite(bytes);
  } catch {
    return undefined;
  }
  const result: IoQuantization = { inputs: new Map(), outputs: new Map() };
  const add = (into: Map<string, TensorQuantization>, name: string, q: TensorQuantization | undefined): void => {
    if (q !== undefined && !into.has(name)) into.set(name, q);
  };
  for (const signature of model.signatureDefs) {
    for (const m of signature.inputs) add(result.inputs, m.name, perTensor(model, signature.subgraphIndex, m.tensorIndex));
    for (const m of signature.outputs) add(result.outputs, m.name, perTensor(model, signature.subgraphIndex, m.tensorIndex));
  }
  const main = model.subgraphs[0];
  for (const i of main.inputs) add(result.inputs, main.tensors[i]?.name ?? '', perTensor(model, 0, i));
  for (const i of main.outputs) add(result.outputs, main.tensors[i]?.name ?? '', perTensor(model, 0, i));
  return result;
}
