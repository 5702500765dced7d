// hello_world (sine regression, tflite-micro): our int8 model against the TF converter's int8
// model, both measured against the float model on the same inputs in LiteRT.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLiteRtRuntime } from '../../src/models/runtime/litert.js';
import type { ModelRuntime, LoadedModel } from '../../src/models/runtime/types.js';
import { calibrationSet } from '../../src/quantize/calibrate/dataset.js';
import { QUANTIZER_VERSION, quantizeModel } from '../../src/quantize/quantize.js';
import { dequantize, quantizeActivations } from '../../src/quantize/quant-params.js';
import { readWeargateMetadata } from '../../src/quantize/metadata.js';
import { readTflite } from '../../src/quantize/tflite/read.js';
import { inspectBytes } from '../../src/quantize/inspect.js';
import { referenceModel } from './_models.js';

let runtime: ModelRuntime;
test.before(async () => {
  runtime = await createLiteRtRuntime();
});
test.after(() => runtime.close());

const N = 1000;
const xs = Float32Array.from({ length: N }, (_, i) => (2 * Math.PI * i) / (N - 1));
// Test inputs between the calibration points.
const testXs = Float32Array.from({ length: 500 }, (_, i) => (2 * Math.PI * (i + 0.37)) / 500);

function runAll(m: LoadedModel): Float32Array {
  const out = new Float32Array(testXs.length);
  const inQ = m.inputs[0].quantization, outQ = m.outputs[0].quantization;
  testXs.forEach((x, i) => {
    const input = inQ ? quantizeActivations(Float32Array.of(x), inQ) : Float32Array.of(x);
    const [y] = m.run([input]);
    out[i] = outQ ? dequantize(y as Int8Array, outQ)[0] : (y as Float32Array)[0];
  });
  return out;
}

function rmse(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}

interface Errors { ours: number; converter: number; floatVsSin: number; oursVsSin: number; converterVsSin: number }

// The converter's hello_world_int8.tflite was not converted from this hello_world_float.tflite
// (its dequantized weights differ), so besides "vs float" both are also measured against sin(x).
async function compare(method: 'minmax' | 'percentile' | 'mse', int8Io: boolean): Promise<Errors> {
  const floatBytes = referenceModel('hello_world_float.tflite');
  const result = await quantizeModel({ floatModel: floatBytes, calibration: calibrationSet([{ shape: [N, 1], data: xs }], [1]), method, int8Io, runtime, reportSamples: 100, metadata: { name: 'hello_world', version: '1.0.0' } });
  const fm = await runtime.load(floatBytes), om = await runtime.load(result.bytes), cm = await runtime.load(referenceModel('hello_world_int8.tflite'));
  try {
    const ref = runAll(fm), ours = runAll(om), conv = runAll(cm);
    const sin = testXs.map(Math.sin);
    return { ours: rmse(ours, ref), converter: rmse(conv, ref), floatVsSin: rmse(ref, sin), oursVsSin: rmse(ours, sin), converterVsSin: rmse(conv, sin) };
  } finally {
    fm.dispose(), om.dispose(), cm.dispose();
  }
}

test('hello_world: our int8 error vs float is on par with the TF converter int8 model', async () => {
  for (const method of ['minmax', 'percentile', 'mse'] as const) {
    const e = await compare(method, false);
    console.log(`hello_world ${method}: RMSE vs float ours=${e.ours.toFixed(5)} converter=${e.converter.toFixed(5)}; vs sin(x) float=${e.floatVsSin.toFixed(5)} ours=${e.oursVsSin.toFixed(5)} converter=${e.converterVsSin.toFixed(5)}`);
    assert.ok(e.ours < 0.05, `${method}: ${e.ours}`);
    // Quantizing must not cost more than the converter's int8 model loses against the truth.
    assert.ok(e.oursVsSin <= e.floatVsSin + 0.02, `${method}: ${e.oursVsSin} vs float ${e.floatVsSin}`);
    assert.ok(e.oursVsSin <= 1.5 * e.converterVsSin, `${method}: ${e.oursVsSin} vs converter ${e.converterVsSin}`);
  }
});

test('hello_world with --int8-io: int8 graph I/O, no QUANTIZE/DEQUANTIZE, same accuracy', async () => {
  const e = await compare('minmax', true);
  console.log(`hello_world int8-io minmax: RMSE vs float ours=${e.ours.toFixed(5)}; vs sin(x) ours=${e.oursVsSin.toFixed(5)} converter=${e.converterVsSin.toFixed(5)}`);
  assert.ok(e.ours < 0.05);
});

test('quantized model carries metadata and passes the inspector with no LiteRT refusal', async () => {
  const result = await quantizeModel({ floatModel: referenceModel('hello_world_float.tflite'), calibration: calibrationSet([{ shape: [N, 1], data: xs }], [1]), method: 'mse', int8Io: false, runtime, reportSamples: 50, metadata: { name: 'hello_world', version: '1.2.0', inputSemantics: ['x in radians'], outputSemantics: ['sin(x)'], preprocessing: { scale: 1 } } });
  const meta = readWeargateMetadata(readTflite(result.bytes));
  assert.equal(meta?.quantizer, { version: QUANTIZER_VERSION, method: 'mse', calibrationSamples: N, int8Io: false });
  assert.is(meta?.name, 'hello_world');
  assert.equal(meta?.preprocessing, { scale: 1 });
  const report = inspectBytes(result.bytes);
  assert.equal(report.compatibility.filter((c) => c.severity === 'error'), []);
  assert.equal(report.opCounts, { QUANTIZE: 1, FULLY_CONNECTED: 3, DEQUANTIZE: 1 });
  assert.is(report.weargate?.name, 'hello_world');
  // Per-layer report: one row per activation, errors small against the float values.
  assert.is(result.layers.length, 4);
  for (const row of result.layers) assert.ok(row.rmse <= 0.1 * Math.max(row.floatRms, 0.1), JSON.stringify(row));
});

test.run();
