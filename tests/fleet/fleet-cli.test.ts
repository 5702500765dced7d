// The operator commands through the real CLI: keygen, sign, verify; a tampered bundle and a
// bundle from an untrusted key fail with exit code 1 and the reason.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundledModelsDir } from '../../src/models/host.js';

const bin = fileURLToPath(new URL('../../bin/weargate.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });

test('keygen, sign, verify; tampered and untrusted bundles are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wg-fleet-cli-'));
  try {
    const key = run('fleet', 'keygen', '--out', join(dir, 'op'));
    assert.is(key.status, 0, key.stderr);
    assert.match(key.stdout, /key id [0-9a-f]{16}/);
    assert.is(statSync(join(dir, 'op.key')).mode & 0o777, 0o600);
    assert.is(run('fleet', 'keygen', '--out', join(dir, 'op')).status, 1, 'never overwrites a key');
    assert.is(run('fleet', 'keygen', '--out', join(dir, 'other')).status, 0);
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        task: 'rpeak', name: 'rpeak-proto', version: '0.2.0', description: 'cli test', trainedOn: 'MIT-BIH DS1', precision: 'float32',
        inputs: [{ dtype: 'float32', shape: [1, 1, 625, 1] }], outputs: [{ dtype: 'float32', shape: [1, 1, 625, 1] }],
        params: { sampleRateHz: 250, windowSamples: 625, threshold: 0.5, refractorySamples: 50 },
        golden: { inputs: [new Array(625).fill(0)], outputs: [new Array(625).fill(0)], absTolerance: 1 },
        minGatewayVersion: '0.1.0', createdAt: '2026-12-01T16:00:00Z',
      }),
    );
    const model = join(bundledModelsDir, 'rpeak-proto', 'float32.tflite');
    const signed = run('fleet', 'sign', model, '--manifest', join(dir, 'manifest.json'), '--key', join(dir, 'op.key'), '--out', join(dir, 'b.wgb'));
    assert.is(signed.status, 0, signed.stderr);
    const ok = run('fleet', 'verify', join(dir, 'b.wgb'), '--trust', join(dir, 'op.pub'));
    assert.is(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^ok: rpeak-proto 0\.2\.0 \(rpeak, float32\)/);
    const untrusted = run('fleet', 'verify', join(dir, 'b.wgb'), '--trust', join(dir, 'other.pub'));
    assert.is(untrusted.status, 1);
    assert.match(untrusted.stderr, /is not trusted by this gateway/);
    const older = run('fleet', 'verify', join(dir, 'b.wgb'), '--trust', join(dir, 'op.pub'), '--active-version', '0.3.0');
    assert.match(older.stderr, /not newer than the running 0\.3\.0/);
    const bytes = readFileSync(join(dir, 'b.wgb'));
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(join(dir, 'bad.wgb'), bytes);
    const bad = run('fleet', 'verify', join(dir, 'bad.wgb'), '--trust', join(dir, 'op.pub'));
    assert.is(bad.status, 1);
    assert.match(bad.stderr, /differs from the signed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
