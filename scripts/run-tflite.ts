// Runs a .tflite model with LiteRT.js on inputs from .npy files and writes the outputs as .npy, so
// Python (ai-edge-litert, training/crosscheck.py) can compare its outputs with ours.
//
// Usage:
//   npx tsx scripts/run-tflite.ts --model m.tflite --in x.npy [--in x2.npy] --out y.npy [--out y2.npy]
//        [--quantize] [--dequantize]
// An input holding k times the model's element count is k samples (leading axis): each is run
// and the outputs are stacked to shape [k, ...]. --quantize converts float .npy inputs with the
// input tensor's scale/zero point; --dequantize writes float32 outputs. A JSON summary (specs,
// quantization, samples) goes to stdout.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createLiteRtRuntime } from '../src/models/runtime/litert.js';
import { dequantize, quantize } from '../src/models/runtime/quantization.js';
import type { TensorData, TensorDType, TensorSpec } from '../src/models/runtime/types.js';

export interface NpyTensor {
  descr: string;
  shape: number[];
  data: TensorData | Float64Array;
}

const DESCR_OF: Record<TensorDType, string> = {
  float32: '<f4', int8: '|i1', uint8: '|u1', int16: '<i2', int32: '<i4', int64: '<i8', bool: '|b1',
};

function arrayFor(descr: string, buffer: ArrayBuffer, count: number): TensorData | Float64Array {
  switch (descr) {
    case '<f4': return new Float32Array(buffer, 0, count);
    case '<f8': return new Float64Array(buffer, 0, count);
    case '|i1': return new Int8Array(buffer, 0, count);
    case '|u1': case '|b1': return new Uint8Array(buffer, 0, count);
    case '<i2': return new Int16Array(buffer, 0, count);
    case '<i4': return new Int32Array(buffer, 0, count);
    case '<i8': return new BigInt64Array(buffer, 0, count);
    default: throw new Error(`.npy dtype ${descr} is not supported (little-endian f4/f8/i1/u1/b1/i2/i4/i8 only)`);
  }
}

export function readNpy(path: string): NpyTensor {
  const bytes = new Uint8Array(readFileSync(path));
  if (bytes.byteLength < 10 || bytes[0] !== 0x93 || new TextDecoder().decode(bytes.subarray(1, 6)) !== 'NUMPY') {
    throw new Error(`${path}: not a .npy file`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerStart = bytes[6] === 1 ? 10 : 12;
  const headerLength = bytes[6] === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || shapeText === undefined) throw new Error(`${path}: unreadable .npy header ${header.trim()}`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: Fortran-order arrays are not supported`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((n, d) => n * d, 1);
  const start = headerStart + headerLength;
  // Copy into a fresh buffer so every dtype is aligned.
  const body = bytes.slice(start);
  const data = arrayFor(descr, body.buffer, count);
  if (data.byteLength > body.byteLength) throw new Error(`${path}: truncated data`);
  return { descr, shape, data };
}

export function writeNpy(path: string, descr: string, shape: number[], data: TensorData): void {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Version 1.0: magic(6) + version(2) + length(2) + header, padded with spaces to 64 bytes, ending in \n.
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const headerBytes = new TextEncoder().encode(header);
  const out = new Uint8Array(10 + headerBytes.length + data.byteLength);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0]);
  new DataView(out.buffer).setUint16(8, headerBytes.length, true);
  out.set(headerBytes, 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + headerBytes.length);
  writeFileSync(path, out);
}

/** Converts one sample of an .npy input to the model's input dtype. */
function toInput(values: TensorData | Float64Array, spec: TensorSpec, quantizeFloats: boolean): TensorData {
  const isFloat = values instanceof Float32Array || values instanceof Float64Array;
  if (spec.dtype === 'float32') {
    if (!isFloat) throw new Error(`input ${spec.name} is float32 but the .npy holds integers`);
    return Float32Array.from(values);
  }
  if (isFloat) {
    const q = spec.quantization;
    if (!quantizeFloats || q === undefined || (spec.dtype !== 'int8' && spec.dtype !== 'uint8' && spec.dtype !== 'int16')) {
      throw new Error(`input ${spec.name} is ${spec.dtype}; the .npy holds floats (pass --quantize for a quantized input)`);
    }
    return quantize(values, q, spec.dtype);
  }
  const expected = spec.dtype === 'bool' ? '|u1' : DESCR_OF[spec.dtype];
  if (expected !== descrOf(values)) throw new Error(`input ${spec.name} is ${spec.dtype}; the .npy dtype differs`);
  return values;
}

function descrOf(values: TensorData | Float64Array): string {
  if (values instanceof Float64Array) return '<f8';
  if (values instanceof Float32Array) return '<f4';
  if (values instanceof Int8Array) return '|i1';
  if (values instanceof Uint8Array) return '|u1';
  if (values instanceof Int16Array) return '<i2';
  if (values instanceof Int32Array) return '<i4';
  return '<i8';
}

const runShapeOf = (spec: TensorSpec): number[] => spec.shape.map((d) => (d < 0 ? 1 : d));

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      model: { type: 'string' },
      in: { type: 'string', multiple: true },
      out: { type: 'string', multiple: true },
      quantize: { type: 'boolean', default: false },
      dequantize: { type: 'boolean', default: false },
    },
  });
  const inputsPaths = args.in ?? [];
  const outputPaths = args.out ?? [];
  if (args.model === undefined || inputsPaths.length === 0 || outputPaths.length === 0) {
    throw new Error('usage: run-tflite.ts --model m.tflite --in x.npy [--in ...] --out y.npy [--out ...] [--quantize] [--dequantize]');
  }
  const runtime = await createLiteRtRuntime();
  try {
    const model = await runtime.load(new Uint8Array(readFileSync(args.model)), { name: args.model });
    if (inputsPaths.length !== model.inputs.length) throw new Error(`the model has ${model.inputs.length} input(s), got ${inputsPaths.length} --in`);
    if (outputPaths.length > model.outputs.length) throw new Error(`the model has ${model.outputs.length} output(s), got ${outputPaths.length} --out`);
    const arrays = inputsPaths.map(readNpy);
    const perSample = model.inputs.map((spec) => runShapeOf(spec).reduce((n, d) => n * d, 1));
    const samples = arrays[0].data.length / perSample[0];
    arrays.forEach((a, i) => {
      if (!Number.isInteger(a.data.length / perSample[i]) || a.data.length / perSample[i] !== samples || samples < 1) {
        throw new Error(`${inputsPaths[i]}: ${a.data.length} values is not ${samples} sample(s) of ${perSample[i]} for input ${model.inputs[i].name}`);
      }
    });
    const batch = Array.from({ length: samples }, (_, s) =>
      model.inputs.map((spec, i) => toInput(arrays[i].data.subarray(s * perSample[i], (s + 1) * perSample[i]), spec, args.quantize)),
    );
    const results = model.runBatch(batch);
    outputPaths.forEach((path, o) => {
      const spec = model.outputs[o];
      const q = spec.quantization;
      const parts = results.map((outputs) => (args.dequantize && q !== undefined ? dequantize(outputs[o], q) : outputs[o]));
      const joined = new (parts[0].constructor as new (length: number) => TensorData)(parts.reduce((n, p) => n + p.length, 0));
      parts.forEach((p, s) => (joined as Float32Array).set(p as Float32Array, s * p.length));
      const shape = runShapeOf(spec);
      const stacked = samples === 1 ? shape : [samples, ...(shape[0] === 1 ? shape.slice(1) : shape)];
      writeNpy(path, args.dequantize && q !== undefined ? '<f4' : DESCR_OF[spec.dtype], stacked, joined);
    });
    console.log(JSON.stringify({ model: args.model, samples, inputs: model.inputs, outputs: model.outputs, written: outputPaths }));
  } finally {
    runtime.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
