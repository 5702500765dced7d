import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectBytes } from '../../src/quantize/inspect.js';
import { formatInspectReport } from '../../src/quantize/inspect-format.js';
import { referenceModels, referenceModel, REFERENCE_DIR } from './_models.js';

test('every reference model inspects, with text and JSON output', () => {
  for (const { name, bytes } of referenceModels()) {
    const r = inspectBytes(bytes, name);
    assert.ok(r.ops.length > 0, name);
    assert.ok(r.tensors.length >= r.inputs.length + r.outputs.length, name);
    assert.ok(formatInspectReport(r, name).includes('runtime compatibility'), name);
    assert.ok(JSON.parse(JSON.stringify(r)), name);
  }
});

test('hello_world: MACs per FC layer and parameter count', () => {
  const r = inspectBytes(referenceModel('hello_world_float.tflite'));
  assert.equal(r.ops.map((o) => o.macs), [16, 256, 16]);
  assert.is(r.totalMacs, 288);
  // 1x16 + 16 + 16x16 + 16 + 16x1 + 1 weights and biases
  assert.is(r.parameterCount, 16 + 16 + 256 + 16 + 16 + 1);
  assert.equal(r.opCounts, { FULLY_CONNECTED: 3 });
  assert.equal(r.compatibility.filter((c) => c.severity === 'error'), []);
});

test('person_detect: the out-of-range quantized_dimension on rank-1 biases is reported precisely', () => {
  const r = inspectBytes(referenceModel('person_detect.tflite'));
  const errors = r.compatibility.filter((c) => c.severity === 'error');
  assert.is(errors.length, 14);
  for (const e of errors) assert.match(e.message, /quantized_dimension 3 is out of range \[0, 1\)/);
  assert.match(errors[0].message, /Conv2d_0\/Conv2D_bias/);
  // conv 3x3x1->8 at stride 2 on 96x96: 48*48*8 outputs x 9 taps
  assert.is(r.ops[0].macs, 48 * 48 * 8 * 9);
});

test('trained_lstm: stateful variable tensors are refused', () => {
  const r = inspectBytes(referenceModel('trained_lstm_int8.tflite'));
  assert.ok(r.compatibility.some((c) => c.severity === 'error' && /variable tensor/.test(c.message)));
  const hello = inspectBytes(referenceModel('hello_world_int8.tflite'));
  assert.equal(hello.compatibility.filter((c) => c.severity === 'error'), []);
});

test('cli: inspect prints a report; a truncated file exits non-zero with a clear message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wg-inspect-'));
  try {
    const ok = spawnSync(process.execPath, ['--import', 'tsx', 'src/gateway/cli.ts', 'model', 'inspect', '--json', join(REFERENCE_DIR, 'hello_world_int8.tflite')], { encoding: 'utf8' });
    assert.is(ok.status, 0, ok.stderr);
    assert.is((JSON.parse(ok.stdout) as { totalMacs: number }).totalMacs, 288);
    const truncated = join(dir, 'cut.tflite');
    writeFileSync(truncated, referenceModel('hello_world_float.tflite').subarray(0, 1500));
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'src/gateway/cli.ts', 'model', 'inspect', truncated], { encoding: 'utf8' });
    assert.is(bad.status, 1);
    assert.match(bad.stderr, /tflite .*cut\.tflite: .*outside the 1500-byte file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
