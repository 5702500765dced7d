// scripts/run-tflite.ts: the .npy bridge used to compare LiteRT.js with Python's ai-edge-litert.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readNpy, writeNpy } from '../../../scripts/run-tflite.js';
import { haveReferenceModels, referenceDir, referenceInt16Csv } from './_reference.js';

const it = haveReferenceModels('run-tflite script tests') ? test : test.skip;
const dir = mkdtempSync(join(tmpdir(), 'wg-run-tflite-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function runScript(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/run-tflite.ts', ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

it('.npy files round-trip through writeNpy/readNpy', () => {
  const path = join(dir, 'roundtrip.npy');
  writeNpy(path, '<i2', [2, 3], Int16Array.from([1, -2, 3, -4, 5, -32768]));
  const back = readNpy(path);
  assert.is(back.descr, '<i2');
  assert.equal(back.shape, [2, 3]);
  assert.equal(Array.from(back.data, Number), [1, -2, 3, -4, 5, -32768]);
});

it('hello_world float: 4 samples in, 4 stacked outputs out, sin(x) within 0.05', () => {
  const xs = [0, 1, 3, 5];
  writeNpy(join(dir, 'x.npy'), '<f4', [4, 1], Float32Array.from(xs));
  const r = runScript('--model', `${referenceDir}hello_world_float.tflite`, '--in', join(dir, 'x.npy'), '--out', join(dir, 'y.npy'));
  assert.is(r.status, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).samples, 4);
  const y = readNpy(join(dir, 'y.npy'));
  assert.is(y.descr, '<f4');
  assert.equal(y.shape, [4, 1]);
  xs.forEach((x, i) => assert.ok(Math.abs(Number(y.data[i]) - Math.sin(x)) <= 0.05, `x=${x}: ${y.data[i]}`));
});

it('hello_world int8 with --quantize --dequantize takes and returns real values', () => {
  const xs = [0.77, 1.57, 2.3, 3.14];
  writeNpy(join(dir, 'xq.npy'), '<f4', [4, 1], Float32Array.from(xs));
  const model = `${referenceDir}hello_world_int8.tflite`;
  const r = runScript('--model', model, '--in', join(dir, 'xq.npy'), '--out', join(dir, 'yq.npy'), '--quantize', '--dequantize');
  assert.is(r.status, 0, r.stderr);
  const y = readNpy(join(dir, 'yq.npy'));
  assert.is(y.descr, '<f4');
  xs.forEach((x, i) => assert.ok(Math.abs(Number(y.data[i]) - Math.sin(x)) <= 0.05, `x=${x}: ${y.data[i]}`));
  const refused = runScript('--model', model, '--in', join(dir, 'xq.npy'), '--out', join(dir, 'no.npy'));
  assert.is(refused.status, 1);
  assert.match(refused.stderr, /pass --quantize/);
});

it('seanet conv0 raw int16 .npy in gives the golden int16 output', () => {
  writeNpy(join(dir, 'conv0_in.npy'), '<i2', [1, 8, 166, 2], referenceInt16Csv('conv0_input0_int16'));
  const r = runScript('--model', `${referenceDir}conv0.tflite`, '--in', join(dir, 'conv0_in.npy'), '--out', join(dir, 'conv0_out.npy'));
  assert.is(r.status, 0, r.stderr);
  const out = readNpy(join(dir, 'conv0_out.npy'));
  assert.is(out.descr, '<i2');
  assert.equal(out.shape, [1, 2, 160, 8]);
  assert.equal(Array.from(out.data, Number), Array.from(referenceInt16Csv('conv0_golden_int16')));
});

test.run();
