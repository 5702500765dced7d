// NumPy .npy (format 1.0-3.0) reader and writer for calibration data: little-endian float32 or
// float64, C order. Anything else is a FormatError naming the problem.
import { FormatError } from '../common/errors.js';

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function readNpy(bytes: Uint8Array, file?: string): NpyArray {
  const fail = (msg: string): never => {
    throw new FormatError('npy', msg, file);
  };
  if (bytes.byteLength < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file (bad magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : bytes.byteLength >= 12 ? view.getUint32(8, true) : fail('truncated header');
  const headerStart = major === 1 ? 10 : 12;
  if (major < 1 || major > 3) fail(`unsupported .npy version ${major}`);
  if (headerStart + headerLen > bytes.byteLength) fail('truncated header');
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) fail(`unreadable header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') fail('Fortran-order arrays are not supported (save with C order)');
  const shape = (shapeText ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`bad shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLen;
  const itemBytes = descr === '<f4' ? 4 : descr === '<f8' ? 8 : fail(`dtype ${descr} is not supported (use float32 '<f4' or float64 '<f8')`);
  if (start + count * itemBytes > bytes.byteLength) fail(`truncated data: ${count} values need ${count * itemBytes} bytes`);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = itemBytes === 4 ? view.getFloat32(start + 4 * i, true) : view.getFloat64(start + 8 * i, true);
  return { shape, data };
}

export function writeNpy(array: NpyArray): Uint8Array {
  const shapeText = array.shape.length === 1 ? `${array.shape[0]},` : array.shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shapeText}), }`;
  // Pad so that the data starts on a 64-byte boundary, with a trailing newline (format 1.0).
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + array.data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, total);
  array.data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return out;
}
