// Calibration data: one .npy file per model input (float32/float64, shape [N, ...input shape
// without its batch dimension] or [N, ...full input shape]). `--calib` names a .npy file (models
// with one input) or a directory whose .npy files, sorted by name, feed the inputs in order.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readBoundedFile } from '../../common/bounded-read.js';
import { QuantizeError } from '../errors.js';
import { readNpy, type NpyArray } from '../npy.js';

export interface CalibrationSet {
  /** Number of samples. */
  count: number;
  /** The sample `i`: one flat Float32Array per model input. */
  sample(i: number): Float32Array[];
}

/** Builds a calibration set from one array per input; each sample has `elementsPerInput[k]` values. */
export function calibrationSet(arrays: NpyArray[], elementsPerInput: number[]): CalibrationSet {
  if (arrays.length !== elementsPerInput.length) {
    throw new QuantizeError('calibration', `the model has ${elementsPerInput.length} input(s) but ${arrays.length} calibration array(s) were given`);
  }
  const counts = arrays.map((a) => a.shape[0] ?? 0);
  arrays.forEach((a, k) => {
    const per = a.shape.slice(1).reduce((x, y) => x * y, 1);
    if (a.shape.length < 1 || per !== elementsPerInput[k]) {
      throw new QuantizeError('calibration', `calibration array ${k} has shape [${a.shape.join(',')}]: each of its N samples must hold ${elementsPerInput[k]} values for input ${k}`);
    }
  });
  if (new Set(counts).size > 1) throw new QuantizeError('calibration', `calibration arrays have different sample counts (${counts.join(', ')})`);
  const count = counts[0] ?? 0;
  if (count === 0) throw new QuantizeError('calibration', 'calibration data holds no sample');
  return {
    count,
    sample: (i) => arrays.map((a, k) => a.data.subarray(i * elementsPerInput[k], (i + 1) * elementsPerInput[k])),
  };
}

/** Per .npy file: 512 MiB of float32 is 134 M values, more calibration data than a Pi can hold twice. */
export const MAX_CALIBRATION_FILE_BYTES = 512 * 1024 * 1024;

export async function loadCalibrationArrays(path: string): Promise<NpyArray[]> {
  const info = await stat(path);
  const files = info.isDirectory()
    ? (await readdir(path)).filter((f) => f.endsWith('.npy')).sort().map((f) => join(path, f))
    : [path];
  if (files.length === 0) throw new QuantizeError('calibration', `no .npy file in ${path}`);
  const read = (f: string) => readBoundedFile(f, { maxBytes: MAX_CALIBRATION_FILE_BYTES, what: 'calibration data' });
  return Promise.all(files.map(async (f) => readNpy(await read(f), f)));
}
