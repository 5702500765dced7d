// Reads the quantization (scale, zero point) of a model's input and output tensors.
//
// LiteRT.js does not report quantization parameters, and callers need them to feed an int8 model
// real values. This reads just those few fields from the flatbuffer (TFLite `schema.fbs`); the full
// `.tflite` reader lives in `src/quantize/`. Field numbers below are the schema's field order
// (a union takes two slots).
import { ByteBuffer } from 'flatbuffers';
import type { TensorQuantization } from './types.js';

const MODEL_SUBGRAPHS = 2;
const MODEL_SIGNATURE_DEFS = 7;
const SUBGRAPH_TENSORS = 0;
const SUBGRAPH_INPUTS = 1;
const SUBGRAPH_OUTPUTS = 2;
const TENSOR_NAME = 3;
const TENSOR_QUANTIZATION = 4;
const QUANT_SCALE = 2;
const QUANT_ZERO_POINT = 3;
const SIGNATURE_INPUTS = 0;
const SIGNATURE_OUTPUTS = 1;
const SIGNATURE_SUBGRAPH_INDEX = 4;
const TENSOR_MAP_NAME = 0;
const TENSOR_MAP_TENSOR_INDEX = 1;

/** Input/output quantization keyed by the names LiteRT reports (signature names, else tensor names). */
export interface IoQuantization {
  inputs: Map<string, TensorQuantization>;
  outputs: Map<string, TensorQuantization>;
}

const fieldPos = (bb: ByteBuffer, table: number, field: number): number => bb.__offset(table, 4 + 2 * field);

function tableField(bb: ByteBuffer, table: number, field: number): number | undefined {
  const at = fieldPos(bb, table, field);
  return at === 0 ? undefined : bb.__indirect(table + at);
}

/** Positions of the elements of a vector field; for tables, the element table positions. */
function vectorField(bb: ByteBuffer, table: number, field: number, elementBytes: number, ofTables: boolean): number[] {
  const at = fieldPos(bb, table, field);
  if (at === 0) return [];
  const start = bb.__vector(table + at);
  const length = bb.__vector_len(table + at);
  if (start + length * elementBytes > bb.capacity()) throw new RangeError('vector past end of buffer');
  const positions: number[] = [];
  for (let i = 0; i < length; i++) {
    const pos = start + i * elementBytes;
    positions.push(ofTables ? bb.__indirect(pos) : pos);
  }
  return positions;
}

function stringField(bb: ByteBuffer, table: number, field: number): string {
  const at = fieldPos(bb, table, field);
  return at === 0 ? '' : String(bb.__string(table + at));
}

function uintField(bb: ByteBuffer, table: number, field: number): number {
  const at = fieldPos(bb, table, field);
  return at === 0 ? 0 : bb.readUint32(table + at);
}

function tensorQuantization(bb: ByteBuffer, tensor: number): TensorQuantization | undefined {
  const quant = tableField(bb, tensor, TENSOR_QUANTIZATION);
  if (quant === undefined) return undefined;
  const scales = vectorField(bb, quant, QUANT_SCALE, 4, false).map((p) => bb.readFloat32(p));
  const zeroPoints = vectorField(bb, quant, QUANT_ZERO_POINT, 8, false).map((p) => Number(bb.readInt64(p)));
  // Only per-tensor parameters describe how to feed or read an I/O tensor.
  if (scales.length !== 1) return undefined;
  return { scale: scales[0], zeroPoint: zeroPoints[0] ?? 0 };
}

/** Returns undefined when the bytes are not a readable TFLite flatbuffer (LiteRT will say why). */
export function readIoQuantization(bytes: Uint8Array): IoQuantization | undefined {
  try {
    const bb = new ByteBuffer(bytes);
    const model = bb.readInt32(bb.position()) + bb.position();
    const subgraphs = vectorField(bb, model, MODEL_SUBGRAPHS, 4, true);
    const result: IoQuantization = { inputs: new Map(), outputs: new Map() };
    const tensorsOf = (subgraphIndex: number): number[] => {
      const subgraph = subgraphs[subgraphIndex];
      return subgraph === undefined ? [] : vectorField(bb, subgraph, SUBGRAPH_TENSORS, 4, true);
    };
    const add = (into: Map<string, TensorQuantization>, name: string, tensor: number | undefined): void => {
      if (tensor === undefined) return;
      const quantization = tensorQuantization(bb, tensor);
      if (quantization !== undefined && !into.has(name)) into.set(name, quantization);
    };
    // Models from the TF converter name I/O by their signature; others by tensor name.
    for (const signature of vectorField(bb, model, MODEL_SIGNATURE_DEFS, 4, true)) {
      const tensors = tensorsOf(uintField(bb, signature, SIGNATURE_SUBGRAPH_INDEX));
      for (const [field, into] of [[SIGNATURE_INPUTS, result.inputs], [SIGNATURE_OUTPUTS, result.outputs]] as const) {
        for (const map of vectorField(bb, signature, field, 4, true)) {
          add(into, stringField(bb, map, TENSOR_MAP_NAME), tensors[uintField(bb, map, TENSOR_MAP_TENSOR_INDEX)]);
        }
      }
    }
    const main = subgraphs[0];
    if (main !== undefined) {
      const tensors = tensorsOf(0);
      for (const [field, into] of [[SUBGRAPH_INPUTS, result.inputs], [SUBGRAPH_OUTPUTS, result.outputs]] as const) {
        for (const pos of vectorField(bb, main, field, 4, false)) {
          const tensor = tensors[bb.readInt32(pos)];
          if (tensor !== undefined) add(into, stringField(bb, tensor, TENSOR_NAME), tensor);
        }
      }
    }
    return result;
  } catch {
    return undefined;
  }
}
