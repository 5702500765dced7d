// The committed MDD models: every variant loads through its manifest (sha256, tensors, golden vectors
// from Python LiteRT), the codec runs a real map stack, and the CV fold models' files match the
// sha256 the manifest lists.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundledModelsDir } from '../../../src/models/host.js';
import { readManifest, sha256Hex } from '../../../src/models/manifest.js';
import { mddMapCodec, mddParams } from '../../../src/models/mdd/codec.js';
import { createLiteRtRuntime } from '../../../src/models/runtime/litert.js';
import type { ModelRuntime } from '../../../src/models/runtime/types.js';
import { loadStage, verifyGolden } from '../../../src/models/stage.js';
import { readNpy } from '../../../src/quantize/npy.js';

let runtime: ModelRuntime;
test.before(async () => {
  runtime = await createLiteRtRuntime();
});
test.after(() => runtime?.close());

for (const name of ['mdd-cnn', 'mdd-cnn-cyton8']) {
  test(`${name}: every variant loads and reproduces its golden vectors; fold files match their sha256`, async () => {
    const doc = readManifest(join(bundledModelsDir, name, 'manifest.json'));
    const params = mddParams(doc.manifest);
    assert.is(params.features.electrodes.length, name === 'mdd-cnn' ? 19 : 8);
    const golden = readNpy(new Uint8Array(readFileSync(join(doc.dir, 'golden-inputs.npy'))));
    for (const variant of Object.keys(doc.manifest.variants)) {
      const stage = await loadStage(runtime, doc, variant, mddMapCodec);
      const g = verifyGolden(doc, variant, stage.model);
      assert.ok(g && g.vectors === 8, variant);
      assert.ok(g!.maxAbsError <= (variant === 'float32' ? 1e-5 : 1 / 256 + 1e-6), `${variant} ${g!.maxAbsError}`);
      // the codec takes band-major [5, 32, 32] maps: transpose the NHWC golden input back
      const hwc = golden.data.subarray(0, 32 * 32 * 5);
      const chw = new Float32Array(hwc.length);
      for (let i = 0; i < 1024; i++) for (let b = 0; b < 5; b++) chw[b * 1024 + i] = hwc[i * 5 + b]!;
      const p = stage.infer(chw);
      const expected = readNpy(new Uint8Array(readFileSync(join(doc.dir, doc.manifest.variants[variant]!.golden!.outputs)))).data[0]!;
      assert.ok(Math.abs(p - expected) <= (variant === 'float32' ? 1e-5 : 1 / 256 + 1e-6), `${variant}: ${p} vs ${expected}`);
      stage.dispose();
    }
    const cv = params.cv!;
    assert.is(cv.folds.length, 6);
    assert.is(new Set(cv.folds.flat()).size, 36);
    for (const entry of [...cv.models.int8!, ...cv.models.float32!]) {
      const [file, sha] = entry.split('#');
      assert.is(sha256Hex(new Uint8Array(readFileSync(join(doc.dir, file!)))), sha, file);
    }
  });
}

test.run();
