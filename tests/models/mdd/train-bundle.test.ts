// The fleet bundle `weargate model train mdd --sign-key` writes (bundleModel), made here from the
// committed mdd-cnn folder (the format mdd_export.py writes for a clinic's model too): it verifies
// with the operator's key, installs, and the model host loads it as a candidate of the mdd-cnn slot
// (sha256, tensors, golden vectors in LiteRT, the MDD codec's params). Without the CV fold files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verifyBundle } from '../../../src/fleet/bundle.js';
import { installBundle } from '../../../src/fleet/install.js';
import { generateFleetKey, signingKeyFromPem, TrustStore } from '../../../src/fleet/keys.js';
import { bundledModelsDir, ModelHost } from '../../../src/models/host.js';
import { readManifest } from '../../../src/models/manifest.js';
import { mddMapCodec, mddParams } from '../../../src/models/mdd/codec.js';
import { bundleModel } from '../../../src/models/mdd/train-pipeline.js';

const manifestPath = join(bundledModelsDir, 'mdd-cnn', 'manifest.json');

test('bundleModel: signed int8 bundle of an exported MDD model folder, loadable by the model host', async () => {
  const operator = generateFleetKey();
  const { bytes, manifest } = bundleModel(manifestPath, 'int8', signingKeyFromPem(operator.privateKeyPem), '0.1.0', '2026-12-01T21:00:00Z');
  const shipped = readManifest(manifestPath).manifest;
  assert.is(manifest.task, 'mdd');
  assert.is(manifest.precision, 'int8');
  assert.is(manifest.golden.inputs.length, 8);
  assert.is(manifest.golden.inputs[0]!.length, 32 * 32 * 5);
  assert.is(manifest.golden.absTolerance, shipped.variants.int8!.golden!.absTolerance);
  assert.is(manifest.params.cv, undefined, 'the CV fold files are not in the bundle');
  assert.equal(manifest.params.electrodes, shipped.params.electrodes);
  const bundle = verifyBundle(bytes, { trust: new TrustStore([operator.publicKey]), gatewayVersion: '0.1.0' });
  assert.is(bundle.manifest.sha256, shipped.variants.int8!.sha256);
  assert.is(bundle.manifest.keyId, operator.keyId);
  const store = mkdtempSync(join(tmpdir(), 'wg-mdd-bundle-'));
  const host = new ModelHost();
  try {
    const doc = installBundle(store, bundle, bytes);
    assert.is(mddParams(doc.manifest).features.sampleRateHz, 256);
    await host.slot('mdd-cnn', mddMapCodec);
    const stage = await host.candidate(doc); // golden vectors checked in LiteRT
    assert.ok(stage);
  } finally {
    await host.close();
    rmSync(store, { recursive: true, force: true });
  }
});

test('bundleModel: an unknown variant is refused, naming the manifest', () => {
  const key = signingKeyFromPem(generateFleetKey().privateKeyPem);
  assert.throws(() => bundleModel(manifestPath, 'int4', key, '0.1.0', '2026-12-01T21:00:00Z'), /manifest\.json: no variant 'int4'/);
});

test.run();
