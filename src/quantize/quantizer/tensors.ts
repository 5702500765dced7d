// Small helpers on model tensors and their buffers.
import { QuantizeError } from '../errors.js';
import type { Tensor, TfliteModel } from '../tflite/model.js';

export function isConstant(model: TfliteModel, t: Tensor): boolean {
  return (model.buffers[t.buffer]?.data.byteLength ?? 0) > 0;
}

/** A float32 constant's values (copied, so alignment of the file buffer does not matter). */
export function floatData(model: TfliteModel, t: Tensor): Float32Array {
  const bytes = model.buffers[t.buffer]?.data ?? new Uint8Array(0);
  if (t.type !== 'FLOAT32' || bytes.byteLength % 4 !== 0) throw new QuantizeError('unsupported-graph', `tensor ${t.name} is not a float32 constant`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

export function bytesOf(values: Int8Array | Int32Array | Float32Array): Uint8Array {
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  if (values instanceof Int8Array) out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  else if (values instanceof Int32Array) values.forEach((v, i) => view.setInt32(4 * i, v, true));
  else values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return out;
}
