// Proof that our int8 models compute what the TFLite integer spec says: each op's int8 output,
// as LiteRT computes it, equals (or is within 1 LSB of) our integer reference fed with the same
// int8 inputs. Tiny float graphs are built with our writer, quantized, and run in LiteRT.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLiteRtRuntime } from '../../src/models/runtime/litert.js';
import type { ModelRuntime } from '../../src/models/runtime/types.js';
import { calibrationSet } from '../../src/quantize/calibrate/dataset.js';
import { activationTensors, exposeTensors } from '../../src/quantize/calibrate/expose.js';
import { quantizeModel, inputElementCounts } from '../../src/quantize/quantize.js';
import { quantizeActivations } from '../../src/quantize/quant-params.js';
import { opName } from '../../src/quantize/tflite/model.js';
import { readTflite } from '../../src/quantize/tflite/read.js';
import { convNetGraph, fcReluGraph, mixedOpsGraph, randomArray, rng } from './_graphs.js';
import { referenceOp } from './_int8-reference.js';

let runtime: ModelRuntime;
test.before(async () => {
  runtime = await createLiteRtRuntime();
});
test.after(() => runtime.close());

/** Max |LiteRT - reference| per op name, over `samples` random inputs. */
async function compareWithReference(floatBytes: Uint8Array, samples: number, seed: number): Promise<Map<string, number>> {
  const floatModel = readTflite(floatBytes);
  const [elements] = inputElementCounts(floatModel);
  const r = rng(seed);
  const calib = calibrationSet([{ shape: [128, elements], data: randomArray(128 * elements, r) }], [elements]);
  const result = await quantizeModel({ floatModel: floatBytes, calibration: calib, method: 'minmax', int8Io: true, runtime, reportSamples: 0 });
  const model = readTflite(result.bytes);
  const sg = model.subgraphs[0];
  for (const op of sg.operators) assert.ok(opName(model, op) !== 'DEQUANTIZE' && !(opName(model, op) === 'QUANTIZE' && sg.inputs.includes(op.inputs[0])), 'int8 I/O has no boundary ops');
  const exposed = activationTensors(model, 'INT8').filter((i) => !sg.inputs.includes(i));
  const loaded = await runtime.load(exposeTensors(model, exposed));
  const worst = new Map<string, number>();
  try {
    const inQ = sg.tensors[sg.inputs[0]].quantization;
    assert.ok(inQ);
    for (let s = 0; s < samples; s++) {
      const xq = quantizeActivations(randomArray(elements, r), { scale: inQ.scale[0], zeroPoint: inQ.zeroPoint[0] });
      const outs = loaded.run([xq]);
      const values = new Map<number, Int8Array>([[sg.inputs[0], xq]]);
      exposed.forEach((t, k) => {
        const o = outs[k];
        assert.instance(o, Int8Array);
        values.set(t, o as Int8Array);
      });
      for (const op of sg.operators) {
        const expected = referenceOp(model, op, values);
        const got = values.get(op.outputs[0]);
        assert.ok(got);
        let diff = 0;
        for (let i = 0; i < expected.length; i++) diff = Math.max(diff, Math.abs(expected[i] - got[i]));
        const name = opName(model, op);
        worst.set(name, Math.max(worst.get(name) ?? 0, diff));
      }
    }
  } finally {
    loaded.dispose();
  }
  return worst;
}

test('FULLY_CONNECTED + RELU: LiteRT matches the integer reference within 1 LSB', async () => {
  const worst = await compareWithReference(fcReluGraph(), 50, 11);
  console.log('fc+relu max |LiteRT - reference| in LSB:', Object.fromEntries(worst));
  assert.ok((worst.get('FULLY_CONNECTED') ?? 99) <= 1);
});

test('conv1d-as-conv2d + depthwise + add + max pool + mean + FC + softmax: each op within 1 LSB', async () => {
  const worst = await compareWithReference(convNetGraph(), 30, 12);
  console.log('conv net max |LiteRT - reference| in LSB:', Object.fromEntries(worst));
  for (const op of ['CONV_2D', 'DEPTHWISE_CONV_2D', 'ADD', 'MAX_POOL_2D', 'MEAN', 'FULLY_CONNECTED', 'SOFTMAX']) {
    assert.ok(worst.has(op), op);
    assert.ok((worst.get(op) ?? 99) <= 1, `${op} differs by ${worst.get(op)} LSB`);
  }
});

test('pad + conv (RELU6) + avg pool + logistic + mul + concat (with a requantized input) + reshape + tanh: each op within 1 LSB', async () => {
  const worst = await compareWithReference(mixedOpsGraph(), 30, 13);
  console.log('mixed ops max |LiteRT - reference| in LSB:', Object.fromEntries(worst));
  for (const op of ['PAD', 'CONV_2D', 'AVERAGE_POOL_2D', 'LOGISTIC', 'MUL', 'QUANTIZE', 'CONCATENATION', 'RESHAPE', 'FULLY_CONNECTED', 'TANH']) {
    assert.ok(worst.has(op), op);
    assert.ok((worst.get(op) ?? 99) <= 1, `${op} differs by ${worst.get(op)} LSB`);
  }
});

test('CONCATENATION inputs share the output params; the fixed LOGISTIC input is requantized, not shared', async () => {
  const floatBytes = mixedOpsGraph();
  const calib = calibrationSet([{ shape: [64, 32], data: randomArray(64 * 32, rng(5)) }], [32]);
  const { model } = await quantizeModel({ floatModel: floatBytes, calibration: calib, method: 'minmax', int8Io: false, runtime, reportSamples: 0 });
  const sg = model.subgraphs[0];
  const concat = sg.operators.find((op) => opName(model, op) === 'CONCATENATION');
  assert.ok(concat);
  const params = (i: number) => sg.tensors[i].quantization;
  for (const i of concat.inputs) assert.equal(params(i), params(concat.outputs[0]), sg.tensors[i].name);
  assert.ok(sg.tensors[concat.inputs[2]].name.endsWith('/requantized'));
  const logistic = sg.operators.find((op) => opName(model, op) === 'LOGISTIC');
  assert.equal(params(logistic?.outputs[0] ?? -1)?.scale, [Math.fround(1 / 256)]);
  // The shared group keeps the conv/pool range (ReLU6: up to 6), not the logistic's [0, 1).
  assert.ok((params(concat.outputs[0])?.scale[0] ?? 0) > 2 / 256);
});

test.run();
