// Per-op int8 rules of issue 10 on a graph with every op: tied ops keep their input's params,
// fixed outputs have the spec's params, FULLY_CONNECTED weights are per channel (dimension 0)
// with int32 bias scale = input scale x weight scale, PRELU's alpha is symmetric; the int8 model
// runs in LiteRT.js and every layer stays close to float. Ops without an int8 kernel stay float.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLiteRtRuntime } from '../../src/models/runtime/litert.js';
import type { ModelRuntime } from '../../src/models/runtime/types.js';
import { calibrationSet } from '../../src/quantize/calibrate/dataset.js';
import { floatComputeOps, outputError, runHeldOut } from '../../src/quantize/compare.js';
import { failingNode, quantizeModel, type QuantizeResult } from '../../src/quantize/quantize.js';
import { floatData } from '../../src/quantize/quantizer/tensors.js';
import { chooseActivationParams } from '../../src/quantize/quantizer/params.js';
import { activationTensors } from '../../src/quantize/calibrate/expose.js';
import { opName, type Quantization, type TfliteModel } from '../../src/quantize/tflite/model.js';
import { readTflite } from '../../src/quantize/tflite/read.js';
import { randomArray, rng } from '../../src/quantize/tflite/build.js';
import { cosGraph, fcChainGraph, kerasOpsGraph } from './_op-graphs.js';

let runtime: ModelRuntime;
test.before(async () => {
  runtime = await createLiteRtRuntime();
});
test.after(() => runtime.close());

async function quantize(bytes: Uint8Array, elements: number, keepFloat: string[] = []): Promise<QuantizeResult> {
  const calib = calibrationSet([{ shape: [100, elements], data: randomArray(100 * elements, rng(5), -2, 2) }], [elements]);
  return quantizeModel({ floatModel: bytes, calibration: calib, method: 'minmax', int8Io: false, runtime, reportSamples: 32, keepFloat });
}

function opsNamed(model: TfliteModel, name: string) {
  return model.subgraphs[0].operators.filter((op) => opName(model, op) === name);
}

function q(model: TfliteModel, index: number): Quantization {
  const qz = model.subgraphs[0].tensors[index].quantization;
  assert.ok(qz, `tensor ${model.subgraphs[0].tensors[index].name} has no quantization`);
  return qz;
}

const TIED = ['EXPAND_DIMS', 'SQUEEZE', 'TRANSPOSE', 'STRIDED_SLICE', 'GATHER', 'RESHAPE'];
const INT8_OPS = [...TIED, 'BATCH_MATMUL', 'SUB', 'SQUARED_DIFFERENCE', 'ADD', 'RSQRT', 'MUL', 'HARD_SWISH', 'LEAKY_RELU', 'PRELU', 'FULLY_CONNECTED', 'LOG_SOFTMAX', 'SOFTMAX'];

test('every op of the Keras-ops graph is int8, none falls back, op versions are the TF converter\'s', async () => {
  const r = await quantize(kerasOpsGraph(), 32);
  assert.equal(r.fallbacks, []);
  const m = r.model;
  for (const name of INT8_OPS) {
    const ops = opsNamed(m, name);
    assert.ok(ops.length > 0, `${name} missing`);
    for (const op of ops) assert.is(m.subgraphs[0].tensors[op.outputs[0]].type, 'INT8', `${name} output`);
  }
  assert.equal(floatComputeOps(m), []);
  // Versions the TF 2.20 converter writes for the int8 kernels (models/zoo/*/int8-tfconverter.tflite).
  const versions = Object.fromEntries(m.operatorCodes.map((c) => [c.builtinName, c.version]));
  assert.equal(
    { EXPAND_DIMS: versions.EXPAND_DIMS, TRANSPOSE: versions.TRANSPOSE, STRIDED_SLICE: versions.STRIDED_SLICE, GATHER: versions.GATHER, SUB: versions.SUB, SQUARED_DIFFERENCE: versions.SQUARED_DIFFERENCE, RSQRT: versions.RSQRT, HARD_SWISH: versions.HARD_SWISH, LEAKY_RELU: versions.LEAKY_RELU, PRELU: versions.PRELU, BATCH_MATMUL: versions.BATCH_MATMUL, FULLY_CONNECTED: versions.FULLY_CONNECTED },
    { EXPAND_DIMS: 1, TRANSPOSE: 2, STRIDED_SLICE: 2, GATHER: 2, SUB: 2, SQUARED_DIFFERENCE: 2, RSQRT: 2, HARD_SWISH: 1, LEAKY_RELU: 1, PRELU: 1, BATCH_MATMUL: 2, FULLY_CONNECTED: 4 },
  );
});

test('tied ops (EXPAND_DIMS, SQUEEZE, TRANSPOSE, STRIDED_SLICE, GATHER, RESHAPE) keep the input params; fixed outputs follow the spec', async () => {
  const { model: m } = await quantize(kerasOpsGraph(), 32);
  for (const name of TIED) {
    for (const op of opsNamed(m, name)) {
      const a = q(m, op.inputs[0]), b = q(m, op.outputs[0]);
      assert.equal([b.scale, b.zeroPoint], [a.scale, a.zeroPoint], `${name} input/output params`);
    }
  }
  const ls = q(m, opsNamed(m, 'LOG_SOFTMAX')[0].outputs[0]);
  assert.equal([ls.scale, ls.zeroPoint], [[Math.fround(16 / 256)], [127]]);
  const sm = q(m, opsNamed(m, 'SOFTMAX')[0].outputs[0]);
  assert.equal([sm.scale, sm.zeroPoint], [[Math.fround(1 / 256)], [-128]]);
  // Free ops get their own calibrated params: SUB's output is not its input's.
  const sub = opsNamed(m, 'SUB')[0];
  assert.is.not(q(m, sub.outputs[0]).scale[0], q(m, sub.inputs[0]).scale[0]);
});

test('chooseActivationParams ties the data input and output of every tied op even when their calibrated ranges differ', () => {
  const m = readTflite(kerasOpsGraph());
  const sg = m.subgraphs[0];
  // A different range per tensor, so only a tie can make two tensors' params equal.
  const ranges = new Map(activationTensors(m, 'FLOAT32').map((t, k) => [t, { min: -1 - 0.13 * k, max: 1 + 0.29 * k }]));
  const params = chooseActivationParams(m, ranges);
  const p = (t: number) => params.get(t);
  for (const op of sg.operators) {
    const name = opName(m, op);
    if (TIED.includes(name)) assert.equal(p(op.outputs[0]), p(op.inputs[0]), `${name} output params`);
    else if (['SUB', 'SQUARED_DIFFERENCE', 'RSQRT', 'HARD_SWISH', 'LEAKY_RELU', 'PRELU', 'BATCH_MATMUL', 'MUL', 'ADD'].includes(name)) {
      assert.not.equal(p(op.outputs[0]), p(op.inputs[0]), `${name} is free`);
    }
  }
});

test('FULLY_CONNECTED: per-channel int8 weights on dimension 0, int32 bias scale = input scale x weight scale', async () => {
  const floatModel = readTflite(kerasOpsGraph());
  const fsg = floatModel.subgraphs[0];
  const wFloat = floatData(floatModel, fsg.tensors[fsg.operators.find((op) => opName(floatModel, op) === 'FULLY_CONNECTED')?.inputs[1] ?? -1]);
  const { model: m } = await quantize(kerasOpsGraph(), 32);
  const fc = opsNamed(m, 'FULLY_CONNECTED')[0];
  const wq = q(m, fc.inputs[1]), bq = q(m, fc.inputs[2]), inScale = q(m, fc.inputs[0]).scale[0];
  assert.is(wq.scale.length, 5);
  assert.is(wq.quantizedDimension, 0);
  assert.equal(wq.zeroPoint, [0, 0, 0, 0, 0]);
  for (let c = 0; c < 5; c++) {
    const maxAbs = Math.max(...Array.from(wFloat.subarray(12 * c, 12 * c + 12), Math.abs));
    assert.is(wq.scale[c], Math.fround(maxAbs / 127), `weight scale of channel ${c}`);
    assert.is(bq.scale[c], Math.fround(inScale * wq.scale[c]), `bias scale of channel ${c}`);
  }
  // Row 0 is 100x smaller than the others: per channel it still uses the full int8 range.
  const wt = m.subgraphs[0].tensors[fc.inputs[1]];
  const values = new Int8Array(m.buffers[wt.buffer].data.buffer, m.buffers[wt.buffer].data.byteOffset, 60);
  assert.is(Math.max(...Array.from(values.subarray(0, 12), Math.abs)), 127);
  assert.is(m.subgraphs[0].tensors[fc.inputs[2]].type, 'INT32');
});

test('PRELU alpha is int8 per tensor, symmetric (zero point 0), scale max|alpha| / 127', async () => {
  const floatModel = readTflite(kerasOpsGraph());
  const fsg = floatModel.subgraphs[0];
  const alpha = floatData(floatModel, fsg.tensors[fsg.operators.find((op) => opName(floatModel, op) === 'PRELU')?.inputs[1] ?? -1]);
  const { model: m } = await quantize(kerasOpsGraph(), 32);
  const aq = q(m, opsNamed(m, 'PRELU')[0].inputs[1]);
  assert.equal(aq.zeroPoint, [0]);
  assert.is(aq.scale[0], Math.fround(Math.max(...Array.from(alpha, Math.abs)) / 127));
});

test('the int8 Keras-ops graph runs in LiteRT.js: every layer within 6% relative RMSE of float, outputs close', async () => {
  const bytes = kerasOpsGraph();
  const r = await quantize(bytes, 32);
  for (const l of r.layers) assert.ok(l.rmse <= 0.06 * l.floatRms + 1e-6, `${l.op} ${l.tensor}: rmse ${l.rmse} vs float rms ${l.floatRms}`);
  const held = { inputs: randomArray(50 * 32, rng(99), -2, 2), elements: 32, count: 50 };
  const e = outputError(await runHeldOut(runtime, bytes, held, 'f'), await runHeldOut(runtime, r.bytes, held, 'q'));
  assert.ok(e.maxAbs < 0.25, `log-softmax max |int8 - float| ${e.maxAbs}`);
});

test('an op without an int8 kernel (COS) stays float between DEQUANTIZE and QUANTIZE, listed as a fallback', async () => {
  const bytes = cosGraph();
  const r = await quantize(bytes, 16);
  assert.equal(r.fallbacks.map((f) => [f.op, f.reason]), [['COS', 'no int8 rule']]);
  const m = r.model, sg = m.subgraphs[0];
  const cos = opsNamed(m, 'COS')[0];
  const producer = (t: number) => sg.operators.find((op) => op.outputs.includes(t));
  const consumer = (t: number) => sg.operators.find((op) => op.inputs.includes(t));
  assert.is(sg.tensors[cos.inputs[0]].type, 'FLOAT32');
  assert.is(opName(m, producer(cos.inputs[0]) ?? cos), 'DEQUANTIZE');
  assert.is(opName(m, consumer(cos.outputs[0]) ?? cos), 'QUANTIZE');
  assert.equal(floatComputeOps(m), ['COS']);
  assert.is(opsNamed(m, 'FULLY_CONNECTED').filter((op) => sg.tensors[op.outputs[0]].type === 'INT8').length, 2);
  const held = { inputs: randomArray(50 * 16, rng(98), -2, 2), elements: 16, count: 50 };
  const e = outputError(await runHeldOut(runtime, bytes, held, 'f'), await runHeldOut(runtime, r.bytes, held, 'q'));
  assert.ok(e.maxAbs < 0.1, `max |int8 - float| ${e.maxAbs}`);
});

test('a float fallback with int8 graph I/O: int8 in, DEQUANTIZE -> COS -> QUANTIZE inside, int8 out, runs in LiteRT.js', async () => {
  const bytes = cosGraph();
  const calib = calibrationSet([{ shape: [100, 16], data: randomArray(1600, rng(5), -2, 2) }], [16]);
  const r = await quantizeModel({ floatModel: bytes, calibration: calib, method: 'minmax', int8Io: true, runtime, reportSamples: 0 });
  const sg = r.model.subgraphs[0];
  assert.equal([sg.tensors[sg.inputs[0]].type, sg.tensors[sg.outputs[0]].type], ['INT8', 'INT8']);
  assert.equal(r.model.subgraphs[0].operators.map((op) => opName(r.model, op)), ['FULLY_CONNECTED', 'DEQUANTIZE', 'COS', 'QUANTIZE', 'FULLY_CONNECTED']);
  const held = { inputs: randomArray(50 * 16, rng(98), -2, 2), elements: 16, count: 50 };
  const e = outputError(await runHeldOut(runtime, bytes, held, 'f'), await runHeldOut(runtime, r.bytes, held, 'q'));
  assert.ok(e.maxAbs < 0.1, `max |int8 - float| ${e.maxAbs}`);
});

test('--keep-float: an op with an int8 rule can be kept float on request', async () => {
  const r = await quantize(kerasOpsGraph(), 32, ['HARD_SWISH']);
  assert.equal(r.fallbacks.map((f) => [f.op, f.reason]), [['HARD_SWISH', 'kept float on request']]);
  assert.equal(floatComputeOps(r.model), ['HARD_SWISH']);
});

test('--keep-float-output: the op that writes the graph output stays float (DEQUANTIZE before it), the rest int8; closer to float', async () => {
  const calib = calibrationSet([{ shape: [100, 16], data: randomArray(1600, rng(5), -2, 2) }], [16]);
  const bytes = fcChainGraph();
  const plain = await quantizeModel({ floatModel: bytes, calibration: calib, method: 'minmax', int8Io: false, runtime, reportSamples: 0 });
  const r = await quantizeModel({ floatModel: bytes, calibration: calib, method: 'minmax', int8Io: false, runtime, reportSamples: 0, keepFloatOutput: true });
  const sg = r.model.subgraphs[0];
  const ops = sg.operators.map((op) => opName(r.model, op));
  assert.is(ops[ops.length - 1], 'FULLY_CONNECTED');
  assert.is(ops[ops.length - 2], 'DEQUANTIZE');
  assert.is(sg.tensors[sg.operators[ops.length - 1]!.outputs[0]!].type, 'FLOAT32');
  assert.is(r.fallbacks.at(-1)?.reason, 'kept float on request: it writes a graph output');
  assert.equal(ops, ['QUANTIZE', 'FULLY_CONNECTED', 'DEQUANTIZE', 'FULLY_CONNECTED'], 'the first FULLY_CONNECTED stays int8');
  assert.equal(floatComputeOps(r.model), ['FULLY_CONNECTED']);
  assert.equal(floatComputeOps(plain.model), []);
  const held = { inputs: randomArray(50 * 16, rng(98), -2, 2), elements: 16, count: 50 };
  const float = await runHeldOut(runtime, bytes, held, 'f');
  const eKeep = outputError(float, await runHeldOut(runtime, r.bytes, held, 'q'));
  const ePlain = outputError(float, await runHeldOut(runtime, plain.bytes, held, 'p'));
  assert.ok(eKeep.maxAbs < ePlain.maxAbs, `float output ${eKeep.maxAbs} vs all-int8 ${ePlain.maxAbs}`);
});

test('failingNode reads the op index from LiteRT\'s "Node number N (OP) failed to prepare"', () => {
  assert.is(failingNode('LiteRT could not compile it: Node number 12 (SQUARED_DIFFERENCE) failed to prepare.'), 12);
  assert.is(failingNode('LiteRT could not load it: bad flatbuffer'), undefined);
});

test.run();
