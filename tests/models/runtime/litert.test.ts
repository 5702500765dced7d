import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModelRuntimeError } from '../../../src/models/runtime/errors.js';
import { createLiteRtRuntime } from '../../../src/models/runtime/litert.js';
import { dequantize, quantize } from '../../../src/models/runtime/quantization.js';
import type { ModelRuntime, TensorData } from '../../../src/models/runtime/types.js';
import { haveReferenceModels, referenceModel } from './_reference.js';

const it = haveReferenceModels('LiteRT runtime tests') ? test : test.skip;
let runtime: ModelRuntime;
const values = (data: TensorData): number[] => Array.from(data, Number);

test.before(async () => {
  runtime = await createLiteRtRuntime();
});
test.after(() => runtime?.close());

function rejectsWith(error: unknown, code: string, pattern: RegExp): void {
  assert.instance(error, ModelRuntimeError);
  assert.is((error as ModelRuntimeError).code, code);
  assert.match((error as Error).message, pattern);
}

async function loadError(bytes: Uint8Array, name: string): Promise<unknown> {
  try {
    await runtime.load(bytes, { name });
  } catch (error) {
    return error;
  }
  throw new Error(`${name} loaded but should have been refused`);
}

// tflite-micro hello_world_test.cc: float model at x = 0, 1, 3, 5 within 0.05 of sin(x).
it('hello_world float32 predicts sin(x) within 0.05 at the tflite-micro test points', async () => {
  const model = await runtime.load(referenceModel('hello_world_float'), { name: 'hello_world_float' });
  assert.equal(model.inputs.map((s) => [s.dtype, s.shape]), [['float32', [-1, 1]]]);
  assert.equal(model.outputs.map((s) => [s.dtype, s.shape]), [['float32', [-1, 1]]]);
  for (const x of [0, 1, 3, 5]) {
    const [y] = model.run([new Float32Array([x])]);
    assert.instance(y, Float32Array);
    assert.is(y.length, 1);
    const error = Math.abs(Math.sin(x) - Number(y[0]));
    assert.ok(error <= 0.05, `x=${x}: |sin(x) - ${y[0]}| = ${error} > 0.05`);
  }
  model.dispose();
});

// The int8 test feeds the quantized goldens -96, -63, -34, 0 (x = 0.77, 1.57, 2.3, 3.14) and
// dequantizes the output with the tensor's scale and zero point.
it('hello_world int8 matches sin(x) through the I/O quantization parameters', async () => {
  const model = await runtime.load(referenceModel('hello_world_int8'), { name: 'hello_world_int8' });
  const [input] = model.inputs;
  const [output] = model.outputs;
  assert.is(input.dtype, 'int8');
  assert.is(output.dtype, 'int8');
  assert.ok(input.quantization && output.quantization, 'quantization parameters are reported');
  const xs = [0.77, 1.57, 2.3, 3.14];
  // The test's goldens truncate x / scale + zeroPoint toward zero; quantize() rounds, so within 1.
  const quantized = Int8Array.from([-96, -63, -34, 0]);
  const rounded = quantize(xs, input.quantization, 'int8');
  quantized.forEach((q, i) => assert.ok(Math.abs(q - rounded[i]) <= 1, `quantize(${xs[i]}) = ${rounded[i]}`));
  for (let i = 0; i < xs.length; i++) {
    const [y] = model.run([quantized.subarray(i, i + 1)]);
    assert.instance(y, Int8Array);
    const real = dequantize(y, output.quantization)[0];
    assert.ok(Math.abs(Math.sin(xs[i]) - real) <= 0.05, `x=${xs[i]}: ${real} vs ${Math.sin(xs[i])}`);
  }
  model.dispose();
});

it('micro_speech runs on int8 features and returns four int8 scores', async () => {
  const model = await runtime.load(referenceModel('micro_speech_quantized'), { name: 'micro_speech' });
  assert.equal(model.inputs.map((s) => [s.dtype, s.shape]), [['int8', [1, 1960]]]);
  assert.equal(model.outputs.map((s) => [s.dtype, s.shape]), [['int8', [1, 4]]]);
  // Softmax output: scale 1/256, zero point -128 (TFLite's fixed int8 softmax quantization).
  assert.equal(model.outputs[0].quantization, { scale: 0.00390625, zeroPoint: -128 });
  assert.is(model.inputs[0].quantization?.zeroPoint, -128);
  const silence = new Int8Array(1960).fill(-128);
  const [scores] = model.run([silence]);
  assert.instance(scores, Int8Array);
  assert.is(scores.length, 4);
  // The softmax output dequantizes to probabilities that sum to ~1.
  const q = model.outputs[0].quantization;
  assert.ok(q);
  const total = dequantize(scores, q).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - 1) < 0.02, `softmax sums to ${total}`);
  // Same input, same output: no state carried between runs.
  assert.equal(values(model.run([silence])[0]), values(scores));
  model.dispose();
});

it('person_detect is refused with LiteRT reason, not a bare failure', async () => {
  const error = await loadError(referenceModel('person_detect'), 'person_detect');
  rejectsWith(error, 'rejected', /person_detect.*quantized_dimension must be in range/);
});

it('models with variable tensors (LSTM, SVDF) are refused with the reason', async () => {
  for (const name of ['trained_lstm_int8', 'keyword_scrambled_8bit']) {
    const error = await loadError(referenceModel(name), name);
    rejectsWith(error, 'rejected', /Variable tensors not yet supported/);
  }
});

it('bytes that are not a .tflite model are refused', async () => {
  const error = await loadError(new TextEncoder().encode('this is not a flatbuffer at all'), 'junk');
  rejectsWith(error, 'rejected', /junk: LiteRT could not load it/);
});

it('wrong input count, dtype or length throws a clear input error', async () => {
  const model = await runtime.load(referenceModel('hello_world_int8'), { name: 'hw8' });
  const attempts: [unknown[], RegExp][] = [
    [[], /expected 1 input\(s\), got 0/],
    [[new Float32Array([1])], /input 0 \(dense_input\) expects int8 \(Int8Array\), got Float32Array\(1\)/],
    [[new Int8Array(2)], /shape \[1,1\] needs 1 elements, got 2/],
  ];
  for (const [inputs, pattern] of attempts) {
    try {
      model.run(inputs as Int8Array[]);
      assert.unreachable(`accepted ${pattern}`);
    } catch (error) {
      rejectsWith(error, 'input', pattern);
    }
  }
  try {
    model.runBatch([[new Int8Array(1)], [new Int8Array(3)]]);
    assert.unreachable('runBatch accepted a bad sample');
  } catch (error) {
    rejectsWith(error, 'input', /sample 1: input 0/);
  }
  model.dispose();
});

it('runBatch returns one output list per sample, equal to single runs', async () => {
  const model = await runtime.load(referenceModel('hello_world_float'));
  const xs = [0.5, 1.5, 2.5, 4];
  const batch = model.runBatch(xs.map((x) => [new Float32Array([x])]));
  assert.is(batch.length, xs.length);
  xs.forEach((x, i) => assert.equal(values(batch[i][0]), values(model.run([new Float32Array([x])])[0])));
  model.dispose();
});

it('a disposed model refuses to run, and dispose is idempotent', async () => {
  const model = await runtime.load(referenceModel('hello_world_float'), { name: 'gone' });
  model.dispose();
  model.dispose();
  try {
    model.run([new Float32Array([1])]);
    assert.unreachable('ran after dispose');
  } catch (error) {
    rejectsWith(error, 'disposed', /gone: the model was disposed/);
  }
});

it('a closed runtime disposes its models and refuses new loads', async () => {
  const own = await createLiteRtRuntime();
  const model = await own.load(referenceModel('hello_world_float'), { name: 'owned' });
  own.close();
  own.close();
  assert.throws(() => model.run([new Float32Array([1])]), (e: unknown) => (e as ModelRuntimeError).code === 'disposed');
  const error = await own.load(referenceModel('hello_world_float')).then(
    () => undefined,
    (e: unknown) => e,
  );
  rejectsWith(error, 'closed', /closed/);
});

it('closing the runtime while a load is in flight refuses that load', async () => {
  const own = await createLiteRtRuntime();
  const pending = own.load(referenceModel('micro_speech_quantized'), { name: 'late' });
  own.close();
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  rejectsWith(error, 'closed', /late: the model runtime was closed during the load/);
});

test.run();
