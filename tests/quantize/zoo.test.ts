// The committed Keras zoo (training/quant_zoo.py -> models/zoo): every model quantizes with ours,
// loads and runs in LiteRT.js, and on the held-out samples its probabilities stay within 0.15 of
// float (max |int8 - float|; measured up to 0.10) and 0.10 at p99, with accuracy within 1 point.
// Ops left in float: only NEG (no int8 rule; the TF converter leaves it float too).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLiteRtRuntime } from '../../src/models/runtime/litert.js';
import type { ModelRuntime } from '../../src/models/runtime/types.js';
import { calibrationSet } from '../../src/quantize/calibrate/dataset.js';
import { accuracy, floatComputeOps, outputError, runHeldOut } from '../../src/quantize/compare.js';
import { readNpy } from '../../src/quantize/npy.js';
import { inputElementCounts, quantizeModel } from '../../src/quantize/quantize.js';
import { opName, type TfliteModel } from '../../src/quantize/tflite/model.js';
import { readTflite } from '../../src/quantize/tflite/read.js';

const ZOO = 'models/zoo';
const index = JSON.parse(readFileSync(join(ZOO, 'zoo.json'), 'utf8')) as { models: Record<string, { task: string }> };
const npy = (f: string) => readNpy(new Uint8Array(readFileSync(join(ZOO, 'data', f))));

let runtime: ModelRuntime;
test.before(async () => {
  runtime = await createLiteRtRuntime();
});
test.after(() => runtime.close());

/** Op names whose output is int8 in a quantized model. */
function int8Ops(m: TfliteModel): Set<string> {
  const sg = m.subgraphs[0];
  return new Set(sg.operators.filter((op) => sg.tensors[op.outputs[0]]?.type === 'INT8').map((op) => opName(m, op)));
}

const seenInt8 = new Set<string>();
const perChannelFc: boolean[] = [];

for (const [name, { task }] of Object.entries(index.models)) {
  test(`zoo ${name}: ours (minmax) runs in LiteRT.js, held-out probabilities within tolerance of float`, async () => {
    const floatBytes = new Uint8Array(readFileSync(join(ZOO, name, 'float32.tflite')));
    const [elements] = inputElementCounts(readTflite(floatBytes));
    const r = await quantizeModel({ floatModel: floatBytes, calibration: calibrationSet([npy(`${task}-calib.npy`)], [elements]), method: 'minmax', int8Io: false, runtime, reportSamples: 0 });
    assert.ok(r.fallbacks.every((f) => f.op === 'NEG'), `fallbacks ${JSON.stringify(r.fallbacks)}`);
    assert.equal(floatComputeOps(r.model).filter((o) => !o.startsWith('NEG')), []);
    const held = npy(`${task}-heldout.npy`);
    const set = { inputs: held.data, elements, count: held.shape[0], labels: npy(`${task}-heldout-labels.npy`).data };
    const ref = await runHeldOut(runtime, floatBytes, set, `${name}-float`);
    const got = await runHeldOut(runtime, r.bytes, set, `${name}-int8`);
    const e = outputError(ref, got);
    assert.ok(e.maxAbs <= 0.15, `max |int8 - float| ${e.maxAbs}`);
    assert.ok(e.p99Abs <= 0.1, `p99 |int8 - float| ${e.p99Abs}`);
    assert.ok(accuracy(got, set.labels) >= accuracy(ref, set.labels) - 0.01, 'accuracy');
    // Same op versions as the TF converter's int8 file, for every op both quantize.
    const tf = readTflite(new Uint8Array(readFileSync(join(ZOO, name, 'int8-tfconverter.tflite'))));
    const tfVersions = new Map(tf.subgraphs[0].operators.filter((op) => tf.subgraphs[0].tensors[op.outputs[0]]?.type === 'INT8').map((op) => [opName(tf, op), tf.operatorCodes[op.opcodeIndex].version]));
    const m = r.model;
    for (const op of m.subgraphs[0].operators) {
      const n = opName(m, op);
      if (m.subgraphs[0].tensors[op.outputs[0]]?.type !== 'INT8' || !tfVersions.has(n)) continue;
      assert.is(m.operatorCodes[op.opcodeIndex].version, tfVersions.get(n), `${n} version`);
    }
    for (const n of int8Ops(m)) seenInt8.add(n);
    for (const op of m.subgraphs[0].operators) {
      if (opName(m, op) === 'FULLY_CONNECTED') perChannelFc.push((m.subgraphs[0].tensors[op.inputs[1]].quantization?.scale.length ?? 0) > 1);
    }
  });
}

test('the zoo exercises the ops of issue 10 in int8, with per-channel FULLY_CONNECTED weights', () => {
  for (const op of ['EXPAND_DIMS', 'TRANSPOSE', 'STRIDED_SLICE', 'GATHER', 'SUB', 'SQUARED_DIFFERENCE', 'RSQRT', 'HARD_SWISH', 'LEAKY_RELU', 'PRELU', 'BATCH_MATMUL', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'MAX_POOL_2D', 'AVERAGE_POOL_2D', 'REDUCE_MAX', 'MEAN', 'CONCATENATION', 'SOFTMAX', 'FULLY_CONNECTED']) {
    assert.ok(seenInt8.has(op), `${op} is not int8 in any zoo model`);
  }
  assert.ok(perChannelFc.length > 0 && perChannelFc.every(Boolean), 'every FULLY_CONNECTED is per channel');
});

test.run();
