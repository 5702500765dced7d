// LiteRT.js (ours, in Node) against Python's LiteRT interpreter (ai-edge-litert), on the same models
// and inputs: the Python outputs were written by training/rpeak_proto.py (models/rpeak-proto/*-py.npy).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createLiteRtRuntime } from '../../../src/models/runtime/litert.js';
import { readNpy } from '../../../src/quantize/npy.js';

const dir = new URL('../../../models/rpeak-proto/', import.meta.url);
const load = (name: string) => new Uint8Array(readFileSync(new URL(name, dir)));

async function maxAbsDifference(modelFile: string, pythonOutputs: string): Promise<{ maxAbs: number; identical: number; total: number }> {
  const runtime = await createLiteRtRuntime();
  try {
    const model = await runtime.load(load(modelFile), { name: modelFile });
    const inputs = readNpy(load('val-inputs.npy'));
    const expected = readNpy(load(pythonOutputs));
    const perInput = model.inputs[0].shape.reduce((a, b) => a * Math.max(1, b), 1);
    const windows = inputs.shape[0];
    const perOutput = expected.data.length / windows;
    let maxAbs = 0;
    let identical = 0;
    for (let w = 0; w < windows; w++) {
      const [out] = model.run([inputs.data.subarray(w * perInput, (w + 1) * perInput)]);
      assert.is(out.length, perOutput);
      for (let i = 0; i < perOutput; i++) {
        const d = Math.abs(Number(out[i]) - expected.data[w * perOutput + i]);
        if (d === 0) identical++;
        maxAbs = Math.max(maxAbs, d);
      }
    }
    return { maxAbs, identical, total: windows * perOutput };
  } finally {
    runtime.close();
  }
}

test('float32 R-peak model: LiteRT.js matches Python LiteRT to float rounding', async () => {
  const r = await maxAbsDifference('float32.tflite', 'val-outputs-float-py.npy');
  assert.ok(r.maxAbs < 1e-5, `max |difference| ${r.maxAbs}`);
});

test('TF-converter int8 R-peak model: LiteRT.js output is identical to Python LiteRT', async () => {
  const r = await maxAbsDifference('int8-tfconverter.tflite', 'val-outputs-int8tf-py.npy');
  assert.is(r.maxAbs, 0, `max |difference| ${r.maxAbs}, ${r.identical}/${r.total} identical`);
});

test.run();
