// Signed model bundles: what a gateway accepts, what it refuses and why, and that an accepted
// bundle installs as a model folder the model host loads, verifies (golden vectors) and can
// activate in a running slot. The model inside is the committed rpeak-proto float model.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BundleError, signBundle, verifyBundle, type BundleManifest } from '../../src/fleet/bundle.js';
import { installBundle } from '../../src/fleet/install.js';
import { generateFleetKey, signingKeyFromPem, TrustStore } from '../../src/fleet/keys.js';
import { bundledModelsDir, ModelHost } from '../../src/models/host.js';
import { rpeakWindowCodec } from '../../src/models/rpeak/codec.js';
import { readNpy } from '../../src/quantize/npy.js';
import { rejects } from '../_support/rejects.js';

const proto = join(bundledModelsDir, 'rpeak-proto');
const model = new Uint8Array(readFileSync(join(proto, 'float32.tflite')));
const rows = (file: string, n: number): number[][] => {
  const a = readNpy(new Uint8Array(readFileSync(join(proto, file))));
  const size = a.data.length / a.shape[0];
  return Array.from({ length: n }, (_v, k) => Array.from(a.data.subarray(k * size, (k + 1) * size)));
};
const operator = generateFleetKey();
const other = generateFleetKey();
const key = signingKeyFromPem(operator.privateKeyPem);

function manifest(version = '0.2.0', change: Partial<BundleManifest> = {}): Omit<BundleManifest, 'sha256' | 'sizeBytes' | 'keyId' | 'format'> {
  return {
    task: 'rpeak',
    name: 'rpeak-proto',
    version,
    description: 'test bundle',
    trainedOn: 'MIT-BIH DS1 (16 records)',
    precision: 'float32',
    inputs: [{ dtype: 'float32', shape: [1, 1, 625, 1] }],
    outputs: [{ dtype: 'float32', shape: [1, 1, 625, 1] }],
    params: { sampleRateHz: 250, windowSamples: 625, threshold: 0.5, refractorySamples: 50 },
    golden: { inputs: rows('val-inputs.npy', 3), outputs: rows('val-outputs-float-py.npy', 3), absTolerance: 1e-5 },
    minGatewayVersion: '0.1.0',
    createdAt: '2026-12-01T16:00:00Z',
    ...change,
  };
}

const ctx = (extra: Partial<Parameters<typeof verifyBundle>[1]> = {}) => ({ trust: new TrustStore([operator.publicKey]), gatewayVersion: '0.1.0', activeVersion: '0.1.0', ...extra });

function refused(bytes: Uint8Array, code: BundleError['code'], pattern: RegExp, context = ctx()): void {
  try {
    verifyBundle(bytes, context);
    assert.unreachable('accepted');
  } catch (err) {
    assert.instance(err, BundleError, String(err));
    assert.is((err as BundleError).code, code, (err as Error).message);
    assert.match((err as Error).message, pattern);
  }
}

test('a signed bundle verifies, installs, loads with its golden vectors and activates in the slot', async () => {
  const bytes = signBundle(manifest(), model, key);
  const bundle = verifyBundle(bytes, ctx());
  assert.is(bundle.manifest.keyId, operator.keyId);
  const store = mkdtempSync(join(tmpdir(), 'wg-store-'));
  const host = new ModelHost();
  try {
    const doc = installBundle(store, bundle, bytes);
    const slot = await host.slot('rpeak-proto', rpeakWindowCodec);
    const stage = await host.candidate<Float32Array, Float32Array>(doc);
    slot.activate(stage);
    assert.is(host.infos()[0].version, '0.2.0');
    assert.is(host.infos()[0].variant, 'bundle');
    assert.is(slot.infer(Float32Array.from(rows('val-inputs.npy', 1)[0])).length, 625);
    // A bundle whose golden outputs do not match what the model computes never becomes a stage.
    const lying = signBundle(manifest('0.3.0', { golden: { inputs: rows('val-inputs.npy', 2), outputs: rows('val-outputs-int8tf-py.npy', 2), absTolerance: 1e-5 } }), model, key);
    const doc2 = installBundle(store, verifyBundle(lying, ctx({ activeVersion: '0.2.0' })), lying);
    await rejects(() => host.candidate(doc2), /golden vector \d+ element \d+ is off by/);
    assert.is(host.infos()[0].version, '0.2.0');
  } finally {
    await host.close();
    rmSync(store, { recursive: true, force: true });
  }
});

test('tampering, keys and versions are refused with a reason', () => {
  const bytes = signBundle(manifest(), model, key);
  const flip = (at: number): Buffer => {
    const copy = Buffer.from(bytes);
    copy[at] ^= 0x01;
    return copy;
  };
  refused(flip(bytes.length - 100), 'hash', /model sha256 [0-9a-f]{64} differs from the signed/);
  refused(flip(40), 'signature', /bad signature/);
  refused(bytes.subarray(0, bytes.length - 1), 'format', /truncated in the model/);
  refused(bytes.subarray(0, 30), 'format', /truncated/);
  refused(Buffer.concat([bytes, Buffer.from([0])]), 'format', /1 unexpected bytes/);
  refused(Buffer.from('not a bundle at all'), 'format', /bad magic/);
  refused(signBundle(manifest(), model, signingKeyFromPem(other.privateKeyPem)), 'signature', new RegExp(`key ${other.keyId} is not trusted`));
  refused(bytes, 'signature', new RegExp(`key ${operator.keyId} is revoked`), ctx({ trust: new TrustStore([operator.publicKey], [operator.keyId]) }));
  // Rotation: the new key is trusted beside the old one.
  verifyBundle(signBundle(manifest(), model, signingKeyFromPem(other.privateKeyPem)), ctx({ trust: new TrustStore([operator.publicKey, other.publicKey]) }));
  refused(signBundle(manifest('0.1.0'), model, key), 'version', /0\.1\.0 is not newer than the running 0\.1\.0/);
  refused(signBundle(manifest('0.0.9'), model, key), 'version', /downgrade needs a signed rollback/);
  verifyBundle(signBundle(manifest('0.0.9'), model, key), ctx({ allowVersion: '0.0.9' }));
  refused(signBundle(manifest('0.2.0', { minGatewayVersion: '9.0.0' }), model, key), 'gateway-version', /needs gateway 9\.0\.0; this is 0\.1\.0/);
});

test('a manifest outside the schema cannot even be signed', () => {
  assert.throws(() => signBundle(manifest('0.2.0', { version: 'latest' }), model, key), /\/version/);
  assert.throws(() => signBundle(manifest('0.2.0', { golden: { inputs: [[1]], outputs: [], absTolerance: 1 } }), model, key), /golden/);
});

test.run();
