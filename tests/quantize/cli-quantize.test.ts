import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../src/quantize/npy.js';
import { inspectBytes } from '../../src/quantize/inspect.js';
import { REFERENCE_DIR } from './_models.js';
import { cosGraph, fcChainGraph } from './_op-graphs.js';

const dir = mkdtempSync(join(tmpdir(), 'wg-quantize-'));
const calib = join(dir, 'x.npy');
const N = 200;
writeFileSync(calib, writeNpy({ shape: [N, 1], data: Float32Array.from({ length: N }, (_, i) => (2 * Math.PI * i) / (N - 1)) }));

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/gateway/cli.ts', 'model', ...args], { encoding: 'utf8' });
}

test('model quantize writes an int8 model, metadata and a per-layer report', () => {
  const out = join(dir, 'hello_int8.tflite');
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ inputSemantics: ['x, radians'], preprocessing: { none: true } }));
  const r = cli('quantize', join(REFERENCE_DIR, 'hello_world_float.tflite'), '--calib', calib, '--out', out, '--method', 'percentile', '--name', 'hello', '--model-version', '0.1.0', '--metadata', join(dir, 'meta.json'), '--quiet');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*hello_int8\.tflite: \d+ bytes \(float 3164 bytes\), method percentile, 200 calibration samples/);
  assert.match(r.stdout, /FULLY_CONNECTED/);
  const report = inspectBytes(new Uint8Array(readFileSync(out)));
  assert.equal(report.weargate?.quantizer?.method, 'percentile');
  assert.equal(report.weargate?.name, 'hello');
  assert.equal(report.weargate?.inputSemantics, ['x, radians']);
});

test('model quantize refuses a model that is not float, and bad options, exit code non-zero', () => {
  const r = cli('quantize', join(REFERENCE_DIR, 'trained_lstm_int8.tflite'), '--calib', calib, '--out', join(dir, 'x.tflite'), '--quiet');
  assert.is(r.status, 1);
  assert.match(r.stderr, /the model is not a float model: tensor serving_default_fixed_input:0 is INT8/);
  const bad = cli('quantize', join(REFERENCE_DIR, 'hello_world_float.tflite'), '--calib', calib, '--out', join(dir, 'x.tflite'), '--method', 'kl');
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--method must be one of minmax, percentile, mse/);
});

test('model quantize leaves an op without an int8 kernel in float and warns, naming it', () => {
  const floatPath = join(dir, 'cos.tflite');
  writeFileSync(floatPath, cosGraph());
  const cosCalib = join(dir, 'cos.npy');
  writeFileSync(cosCalib, writeNpy({ shape: [50, 16], data: Float32Array.from({ length: 800 }, (_, i) => Math.sin(i * 0.37) * 2) }));
  const out = join(dir, 'cos_int8.tflite');
  const r = cli('quantize', floatPath, '--calib', cosCalib, '--out', out, '--quiet', '--report-samples', '0');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: 1 op\(s\) left in float between DEQUANTIZE\/QUANTIZE: COS/);
  assert.match(r.stderr, /op 1 COS: no int8 rule/);
  assert.match(r.stdout, /ops left in float: COS/);
  assert.equal(inspectBytes(new Uint8Array(readFileSync(out))).weargate?.quantizer?.floatOps, ['COS']);
  const ops = inspectBytes(new Uint8Array(readFileSync(out))).opCounts;
  assert.equal([ops.COS, ops.DEQUANTIZE, ops.QUANTIZE, ops.FULLY_CONNECTED], [1, 2, 2, 2]);
});

test('model quantize --keep-float-output keeps the last FULLY_CONNECTED float and records it in the metadata', () => {
  const floatPath = join(dir, 'fc.tflite');
  writeFileSync(floatPath, fcChainGraph());
  const fcCalib = join(dir, 'fc.npy');
  writeFileSync(fcCalib, writeNpy({ shape: [50, 16], data: Float32Array.from({ length: 800 }, (_, i) => Math.sin(i * 0.37) * 2) }));
  const out = join(dir, 'fc_int8.tflite');
  const r = cli('quantize', floatPath, '--calib', fcCalib, '--out', out, '--quiet', '--report-samples', '0', '--keep-float-output');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /ops left in float: FULLY_CONNECTED/);
  const ops = inspectBytes(new Uint8Array(readFileSync(out))).opCounts;
  assert.equal([ops.FULLY_CONNECTED, ops.QUANTIZE, ops.DEQUANTIZE], [2, 1, 1]);
  assert.equal(inspectBytes(new Uint8Array(readFileSync(out))).weargate?.quantizer?.floatOps, ['FULLY_CONNECTED']);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
