// The model slot swaps stages atomically under a running stream, keeps the replaced one for a
// rollback, and the host shares one slot per model and reports what runs (bridge/info.models).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundledModelsDir, ModelHost } from '../../src/models/host.js';
import { readManifest } from '../../src/models/manifest.js';
import { rpeakWindowCodec } from '../../src/models/rpeak/codec.js';
import type { SlotChange } from '../../src/models/slot.js';
import { ModelOutputError, ModelStage } from '../../src/models/stage.js';
import { readNpy } from '../../src/quantize/npy.js';
import { rejects } from '../_support/rejects.js';
import { copyProtoModel } from './_proto-copy.js';

const protoDir = join(bundledModelsDir, 'rpeak-proto');
const inputs = readNpy(new Uint8Array(readFileSync(join(protoDir, 'val-inputs.npy'))));
const window = (k: number): Float32Array => inputs.data.slice(k * 625, (k + 1) * 625);
const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

test('activate swaps between two inferences; rollback restores the previous stage; commit frees it', async () => {
  const host = new ModelHost();
  try {
    const changes: SlotChange['kind'][] = [];
    host.onChange((_name, change) => changes.push(change.kind));
    const slot = await host.slot('rpeak-proto', rpeakWindowCodec);
    assert.equal(changes, ['activated']);
    const int8 = slot.stage;
    assert.is(int8.info.variant, 'int8-tfconverter');
    const float = await host.candidate<Float32Array, Float32Array>(readManifest(join(protoDir, 'manifest.json')), 'float32');
    // The reference answers of each stage, computed directly.
    const expectInt8 = [0, 1, 2, 3].map((k) => int8.infer(window(k)));
    const expectFloat = [0, 1, 2, 3].map((k) => float.infer(window(k)));
    assert.ok(maxDiff(expectInt8[0], expectFloat[0]) > 1e-4, 'the two variants must differ for this test to mean anything');
    // A stream: every window goes through the slot; the swap lands between window 1 and window 2.
    const seen: Float32Array[] = [];
    for (let k = 0; k < 4; k++) {
      if (k === 2) slot.activate(float);
      seen.push(slot.infer(window(k)));
    }
    assert.is(maxDiff(seen[0], expectInt8[0]), 0);
    assert.is(maxDiff(seen[1], expectInt8[1]), 0);
    assert.is(maxDiff(seen[2], expectFloat[2]), 0);
    assert.is(maxDiff(seen[3], expectFloat[3]), 0);
    assert.is(slot.previous?.variant, 'int8-tfconverter');
    assert.is(host.infos()[0].variant, 'float32');

    slot.rollback('golden vectors failed on live data');
    assert.is(slot.stage, int8);
    assert.is(maxDiff(slot.infer(window(3)), expectInt8[3]), 0);
    assert.throws(() => float.infer(window(0)), /disposed/);
    assert.throws(() => slot.rollback('again'), /no previous model/);

    const again = await host.candidate<Float32Array, Float32Array>(readManifest(join(protoDir, 'manifest.json')), 'float32');
    slot.activate(again);
    slot.commit();
    assert.is(slot.previous, undefined);
    assert.throws(() => int8.infer(window(0)), /disposed/);
    assert.equal(changes, ['activated', 'activated', 'rolled-back', 'activated', 'committed']);
    assert.ok(slot.generation === 4);
  } finally {
    await host.close();
  }
});

test('one slot per model, shared; infos say what runs; closing frees everything', async () => {
  const host = new ModelHost({ variants: { 'rpeak-proto': 'int8-aiedge' } });
  const [a, b] = await Promise.all([host.slot('rpeak-proto', rpeakWindowCodec), host.slot('rpeak-proto', rpeakWindowCodec)]);
  assert.is(a, b);
  const [info] = host.infos();
  const manifest = JSON.parse(readFileSync(join(protoDir, 'manifest.json'), 'utf8'));
  assert.equal(
    { name: info.name, version: info.version, variant: info.variant, precision: info.precision, sha256: info.sha256 },
    { name: 'rpeak-proto', version: manifest.version, variant: 'int8-aiedge', precision: 'int8', sha256: manifest.variants['int8-aiedge'].sha256 },
  );
  assert.ok((await host.heapBytes()) > 0);
  await host.close();
  assert.throws(() => a.infer(window(0)), /disposed/);
  await rejects(() => host.slot('rpeak-proto', rpeakWindowCodec), /closed/);
});

test('a model that fails to load is not cached: fixed on disk, the next request loads it', async () => {
  const copy = copyProtoModel();
  const host = new ModelHost({ dir: copy.dir });
  try {
    const good = JSON.parse(readFileSync(copy.manifestPath, 'utf8'));
    copy.edit((m) => (m.variants['int8-tfconverter'].sha256 = '0'.repeat(64)));
    await rejects(() => host.slot('rpeak-proto', rpeakWindowCodec), /has sha256 [0-9a-f]{64}, the manifest says 0{64}/);
    assert.equal(host.infos(), []);
    await rejects(() => host.slot('no-such-model', rpeakWindowCodec), /no-such-model\/manifest.json: cannot read \(ENOENT\)/);
    copy.edit((m) => Object.assign(m, good));
    const slot = await host.slot('rpeak-proto', rpeakWindowCodec);
    assert.is(slot.stage.info.variant, 'int8-tfconverter');
    // A bundle for a model this gateway does not run has no slot to go into.
    const doc = readManifest(copy.manifestPath);
    await rejects(() => host.candidate({ ...doc, manifest: { ...doc.manifest, name: 'other' } }), /'other' is not loaded/);
  } finally {
    await host.close();
    copy.remove();
  }
});

test('a new stage that fails on an input: the standby answers it, nothing is lost, the slot says so', async () => {
  const host = new ModelHost();
  try {
    const slot = await host.slot('rpeak-proto', rpeakWindowCodec);
    const good = slot.stage;
    const expected = good.infer(window(0));
    // The float variant whose outputs come out NaN (XNNPACK's ReLU turns NaN inputs into 0, so the
    // fault is injected after the interpreter): a model that "outputs NaN".
    const float = await host.candidate<Float32Array, Float32Array>(readManifest(join(protoDir, 'manifest.json')), 'float32');
    const poisoned = new ModelStage(float.info, float.manifest, float.model, {
      ...rpeakWindowCodec,
      postprocess: (outputs, w, model, manifest) => rpeakWindowCodec.postprocess(outputs, w, model, manifest).map(() => Number.NaN),
    });
    assert.throws(() => poisoned.infer(window(0)), (err: Error) => err instanceof ModelOutputError && /probability NaN at sample 0/.test(err.message));
    const failures: string[] = [];
    slot.onChange((c) => c.kind === 'failed-over' && failures.push(c.reason));
    slot.activate(poisoned);
    const out = slot.infer(window(0));
    assert.is(maxDiff(out, expected), 0, 'the standby answered');
    assert.is(failures.length, 1);
    assert.match(failures[0], /rpeak-proto@0\.1\.0\/float32: R-peak probability NaN/);
    assert.ok(poisoned.stats.errors >= 1);
    // Once committed there is no standby: the failure reaches the caller.
    slot.rollback(failures[0]);
    assert.is(slot.stage, good);
    assert.is(maxDiff(slot.infer(window(0)), expected), 0);
  } finally {
    await host.close();
  }
});

test.run();
