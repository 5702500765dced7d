// The R-peak prototype (models/rpeak-proto, trained by training/rpeak_proto.py): our int8 model
// against the TF converter's int8 model on the 200 validation windows, both against float.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { createLiteRtRuntime } from '../../src/models/runtime/litert.js';
import type { ModelRuntime } from '../../src/models/runtime/types.js';
import { calibrationSet } from '../../src/quantize/calibrate/dataset.js';
import { readNpy } from '../../src/quantize/npy.js';
import { quantizeModel } from '../../src/quantize/quantize.js';
import { readTflite } from '../../src/quantize/tflite/read.js';

const DIR = new URL('../../models/rpeak-proto/', import.meta.url).pathname;
const WINDOW = 625;

let runtime: ModelRuntime;
test.before(async () => {
  runtime = await createLiteRtRuntime();
});
test.after(() => runtime.close());

async function outputs(bytes: Uint8Array, inputs: Float32Array, count: number): Promise<Float32Array[]> {
  const m = await runtime.load(bytes);
  try {
    return Array.from({ length: count }, (_, i) => m.run([inputs.subarray(i * WINDOW, (i + 1) * WINDOW)])[0] as Float32Array);
  } finally {
    m.dispose();
  }
}

function diff(a: Float32Array[], b: Float32Array[]): { max: number; mean: number } {
  let max = 0, sum = 0, n = 0;
  a.forEach((x, i) => x.forEach((v, j) => {
    const d = Math.abs(v - b[i][j]);
    max = Math.max(max, d);
    sum += d;
    n++;
  }));
  return { max, mean: sum / n };
}

test('R-peak prototype: our min/max int8 model matches the TF converter int8 model in error vs float', async () => {
  if (!existsSync(`${DIR}float32.tflite`)) return void console.log('SKIP rpeak: models/rpeak-proto not present');
  const floatBytes = new Uint8Array(readFileSync(`${DIR}float32.tflite`));
  const calib = readNpy(new Uint8Array(readFileSync(`${DIR}calib.npy`)));
  const val = readNpy(new Uint8Array(readFileSync(`${DIR}val-inputs.npy`)));
  const result = await quantizeModel({ floatModel: floatBytes, calibration: calibrationSet([calib], [WINDOW]), method: 'minmax', int8Io: false, runtime, reportSamples: 0 });
  // Same calibration windows and the same spec: the input params equal the converter's.
  const tf = readTflite(new Uint8Array(readFileSync(`${DIR}int8io-tfconverter.tflite`)));
  const tfIn = tf.subgraphs[0].tensors[tf.subgraphs[0].inputs[0]].quantization;
  const ours = result.model.subgraphs[0].tensors.find((t) => t.name.endsWith('/int8') && t.name.startsWith('serving_default_ecg'))?.quantization;
  assert.ok(tfIn && ours);
  assert.ok(Math.abs(ours.scale[0] - tfIn.scale[0]) < 1e-6, `${ours.scale[0]} vs ${tfIn.scale[0]}`);
  assert.is(ours.zeroPoint[0], tfIn.zeroPoint[0]);

  const n = val.shape[0];
  const f = await outputs(floatBytes, val.data, n);
  const q = await outputs(result.bytes, val.data, n);
  const t = await outputs(new Uint8Array(readFileSync(`${DIR}int8-tfconverter.tflite`)), val.data, n);
  const dOurs = diff(q, f), dTf = diff(t, f);
  console.log(`rpeak ${n} windows: |int8 - float| ours max ${dOurs.max.toFixed(4)} mean ${dOurs.mean.toExponential(3)}; TF converter max ${dTf.max.toFixed(4)} mean ${dTf.mean.toExponential(3)}`);
  assert.ok(dOurs.mean <= 1.25 * dTf.mean);
  assert.ok(dOurs.max <= 1.5 * dTf.max);
});

test.run();
