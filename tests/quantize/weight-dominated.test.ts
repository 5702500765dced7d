// A weight-dominated float model (65k-parameter topomap CNN built with our writer) quantizes to an
// int8 file close to 4x smaller whose probabilities stay near float's. Size and accuracy only:
// latency is measured in bench/quantize.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLiteRtRuntime } from '../../src/models/runtime/litert.js';
import type { ModelRuntime } from '../../src/models/runtime/types.js';
import { calibrationSet } from '../../src/quantize/calibrate/dataset.js';
import { quantizeModel } from '../../src/quantize/quantize.js';
import { TOPOMAP_INPUT_SHAPE, topomapCnnFloat, topomapInputs } from '../../src/quantize/tflite/build.js';
import { readTflite } from '../../src/quantize/tflite/read.js';

let runtime: ModelRuntime;
test.before(async () => {
  runtime = await createLiteRtRuntime();
});
test.after(() => runtime.close());

const ELEMENTS = TOPOMAP_INPUT_SHAPE.reduce((a, d) => a * d, 1);

test('the topomap CNN is deterministic and weight-dominated', () => {
  const bytes = topomapCnnFloat();
  assert.equal(topomapCnnFloat(), bytes);
  const model = readTflite(bytes);
  const params = model.subgraphs[0].tensors.filter((t) => t.buffer > 0 && t.type === 'FLOAT32').reduce((n, t) => n + t.shape.reduce((a, d) => a * d, 1), 0);
  assert.ok(params >= 60_000 && params <= 150_000, `params ${params}`);
  assert.ok(4 * params > 0.95 * bytes.byteLength, `float weights ${4 * params} B of ${bytes.byteLength} B`);
});

test('int8 is >= 3.4x smaller than float and its probabilities stay within 0.15 of float', async () => {
  const floatBytes = topomapCnnFloat();
  const calib = calibrationSet([{ shape: [100, ELEMENTS], data: topomapInputs(100, 11) }], [ELEMENTS]);
  const r = await quantizeModel({ floatModel: floatBytes, calibration: calib, method: 'minmax', int8Io: false, runtime, reportSamples: 0 });
  const ratio = floatBytes.byteLength / r.bytes.byteLength;
  // 3.58x with per-tensor FULLY_CONNECTED weights; per channel (the TF converter's choice, issue 10)
  // adds a float32 scale and an int64 zero point per output unit to the FC weights and biases.
  assert.ok(ratio >= 3.4, `float ${floatBytes.byteLength} B / int8 ${r.bytes.byteLength} B = ${ratio.toFixed(2)}`);

  const f = await runtime.load(floatBytes), q = await runtime.load(r.bytes);
  const heldOut = topomapInputs(10, 99);
  let maxAbs = 0, sumAbs = 0, n = 0, spread = [Infinity, -Infinity];
  try {
    for (let i = 0; i < 10; i++) {
      const x = heldOut.subarray(i * ELEMENTS, (i + 1) * ELEMENTS);
      const a = f.run([x])[0] as Float32Array, b = q.run([x])[0] as Float32Array;
      for (let j = 0; j < a.length; j++) {
        const d = Math.abs(a[j] - b[j]);
        maxAbs = Math.max(maxAbs, d);
        sumAbs += d;
        n++;
      }
      spread = [Math.min(spread[0], a[0]), Math.max(spread[1], a[0])];
    }
  } finally {
    f.dispose();
    q.dispose();
  }
  // The held-out maps must not all give the same (saturated) answer, or the bound proves nothing.
  assert.ok(spread[1] - spread[0] > 0.1, `float p0 spans only [${spread[0]}, ${spread[1]}]`);
  assert.ok(maxAbs < 0.15, `max |int8 - float| ${maxAbs}`);
  assert.ok(sumAbs / n < 0.03, `mean |int8 - float| ${sumAbs / n}`);
});

test.run();
