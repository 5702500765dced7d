// Loading a model variant refuses anything that does not match its manifest: schema, sha256, the
// declared tensors, the golden vectors, the task codec. The committed rpeak-proto model is the subject.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundledModelsDir } from '../../src/models/host.js';
import { ModelManifestError, parseManifest, readManifest } from '../../src/models/manifest.js';
import { rpeakWindowCodec } from '../../src/models/rpeak/codec.js';
import { createLiteRtRuntime } from '../../src/models/runtime/litert.js';
import type { ModelRuntime } from '../../src/models/runtime/types.js';
import { loadStage, verifyGolden } from '../../src/models/stage.js';
import { readNpy } from '../../src/quantize/npy.js';
import { rejects } from '../_support/rejects.js';
import { copyProtoModel } from './_proto-copy.js';

let runtime: ModelRuntime;
test.before(async () => {
  runtime = await createLiteRtRuntime();
});
test.after(() => runtime?.close());

const protoManifest = join(bundledModelsDir, 'rpeak-proto', 'manifest.json');

test('every variant of the committed rpeak-proto loads, and reproduces the Python LiteRT outputs', async () => {
  const doc = readManifest(protoManifest);
  for (const variant of Object.keys(doc.manifest.variants)) {
    const stage = await loadStage(runtime, doc, variant, rpeakWindowCodec);
    const golden = verifyGolden(doc, variant, stage.model);
    assert.ok(golden && golden.vectors === 16, variant);
    // The tolerance is real headroom, not the whole output range: the ports agree to a quantum or better.
    assert.ok(golden!.maxAbsError <= (variant === 'float32' ? 1e-5 : 2 / 256), `${variant} ${golden!.maxAbsError}`);
    assert.is(stage.info.precision, variant === 'float32' ? 'float32' : 'int8');
    assert.is(stage.info.sha256, doc.manifest.variants[variant].sha256);
    // The stage runs the whole task path: a window of real values in, probabilities out.
    const inputs = readNpy(new Uint8Array(readFileSync(join(doc.dir, 'val-inputs.npy'))));
    const p = stage.infer(inputs.data.slice(0, 625));
    assert.is(p.length, 625);
    assert.ok(p.every((x) => x >= 0 && x <= 1));
    stage.dispose();
  }
});

test('schema errors name the field', () => {
  const bad = (text: string, pattern: RegExp) => {
    try {
      parseManifest(text, 'm.json');
      assert.unreachable('accepted');
    } catch (err) {
      assert.instance(err, ModelManifestError);
      assert.match((err as Error).message, pattern);
    }
  };
  const good = JSON.parse(readFileSync(protoManifest, 'utf8'));
  bad('{', /not JSON/);
  bad(JSON.stringify({ ...good, version: 'one' }), /\/version/);
  bad(JSON.stringify({ ...good, defaultVariant: 'int4' }), /defaultVariant 'int4'/);
  bad(JSON.stringify({ ...good, variants: { ...good.variants, float32: { ...good.variants.float32, file: '../../etc/passwd' } } }), /outside the model folder/);
  bad(JSON.stringify({ ...good, variants: { ...good.variants, float32: { ...good.variants.float32, sha256: 'abc' } } }), /sha256/);
});

test('a file that does not hash to the manifest is refused before LiteRT sees it', async () => {
  const copy = copyProtoModel();
  try {
    appendFileSync(join(copy.dir, 'rpeak-proto', 'float32.tflite'), new Uint8Array([0]));
    const doc = readManifest(copy.manifestPath);
    await rejects(() => loadStage(runtime, doc, 'float32', rpeakWindowCodec), /float32.tflite has sha256 [0-9a-f]{64}, the manifest says/);
  } finally {
    copy.remove();
  }
});

test('declared tensors, golden vectors and the task codec are checked', async () => {
  const copy = copyProtoModel();
  try {
    copy.edit((m) => (m.variants.float32.inputs = [{ dtype: 'int8', shape: [1, 1, 625, 1] }]));
    await rejects(() => loadStage(runtime, readManifest(copy.manifestPath), 'float32', rpeakWindowCodec), /inputs are .*float32\[1,1,625,1\], the manifest declares .*int8/);
    // The float model's outputs against the int8 model's goldens: off by more than the float tolerance.
    copy.edit((m) => {
      m.variants.float32.inputs = [{ dtype: 'float32', shape: [1, 1, 625, 1] }];
      m.variants.float32.golden = { inputs: 'val-inputs.npy', outputs: 'val-outputs-int8tf-py.npy', count: 16, absTolerance: 1e-5 };
    });
    await rejects(() => loadStage(runtime, readManifest(copy.manifestPath), 'float32', rpeakWindowCodec), /golden vector \d+ element \d+ is off by/);
    copy.edit((m) => {
      m.variants.float32.golden = { inputs: 'val-inputs.npy', outputs: 'val-outputs-float-py.npy', count: 4, absTolerance: 1e-5 };
      m.params = { sampleRateHz: 250, windowSamples: 500, threshold: 0.5, refractorySamples: 50 };
    });
    await rejects(() => loadStage(runtime, readManifest(copy.manifestPath), 'float32', rpeakWindowCodec), /windowSamples is 500 but the model takes 625/);
  } finally {
    copy.remove();
  }
});

test.run();
