// Models rewritten by our writer (read -> write) still load in LiteRT and give the same outputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLiteRtRuntime } from '../../src/models/runtime/litert.js';
import type { ModelRuntime, TensorData, TensorSpec } from '../../src/models/runtime/types.js';
import { readTflite } from '../../src/quantize/tflite/read.js';
import { writeTflite } from '../../src/quantize/tflite/write.js';
import { rng } from './_graphs.js';
import { referenceModel } from './_models.js';

let runtime: ModelRuntime;
test.before(async () => {
  runtime = await createLiteRtRuntime();
});
test.after(() => runtime.close());

function randomInput(spec: TensorSpec, random: () => number): TensorData {
  const n = spec.shape.reduce((a, d) => a * Math.max(d, 1), 1);
  switch (spec.dtype) {
    case 'float32': return Float32Array.from({ length: n }, () => 2 * random());
    case 'int8': return Int8Array.from({ length: n }, () => Math.floor(256 * random()) - 128);
    case 'int16': return Int16Array.from({ length: n }, () => Math.floor(65536 * random()) - 32768);
    case 'uint8': return Uint8Array.from({ length: n }, () => Math.floor(256 * random()));
    default: throw new Error(`no generator for ${spec.dtype}`);
  }
}

for (const name of ['hello_world_float.tflite', 'hello_world_int8.tflite', 'micro_speech_quantized.tflite', 'conv0.tflite', 'add0.tflite', 'simple_add_model.tflite']) {
  test(`${name}: rewritten model runs with identical outputs`, async () => {
    const original = referenceModel(name);
    const rewritten = writeTflite(readTflite(original));
    const a = await runtime.load(original), b = await runtime.load(rewritten);
    try {
      assert.equal(b.inputs, a.inputs);
      assert.equal(b.outputs, a.outputs);
      const random = rng(21);
      for (let s = 0; s < 20; s++) {
        const inputs = a.inputs.map((spec) => randomInput(spec, random));
        assert.equal(b.run(inputs), a.run(inputs));
      }
    } finally {
      a.dispose();
      b.dispose();
    }
  });
}

test.run();
