// The shipped similarity model through the gateway's model slot (src/models/host.ts): every variant
// loads from models/similarity/manifest.json with its sha256, tensors and golden vectors checked,
// and the slot's embeddings equal the direct encoder's; a wrong layout is refused by the codec.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelHost } from '../../../src/models/host.js';
import { similarityCodec } from '../../../src/models/similarity/codec.js';
import { loadSimilarityManifest, SIMILARITY_VARIANTS } from '../../../src/models/similarity/manifest.js';
import { cosine } from '../../../src/models/similarity/metrics.js';

const manifest = loadSimilarityManifest();
const golden = JSON.parse(readFileSync(join(manifest.dir, 'golden.json'), 'utf8')) as { segments: number[][]; embeddings: Record<string, number[][]> };

test('every variant loads into the slot and embeds like Python LiteRT', async () => {
  for (const variant of SIMILARITY_VARIANTS) {
    const host = new ModelHost({ variants: { similarity: variant } });
    try {
      const slot = await host.slot('similarity', similarityCodec);
      const [info] = host.infos();
      assert.is(info.variant, variant);
      assert.is(info.task, 'similarity');
      assert.is(info.precision, variant === 'float32' ? 'float32' : 'int8');
      const e = slot.infer(Float32Array.from(golden.segments[0]));
      assert.ok(Math.abs(Math.hypot(...e) - 1) < 1e-5);
      assert.ok(cosine(e, golden.embeddings[`final-${variant}.tflite`][0]) > 0.9999, variant);
    } finally {
      await host.close();
    }
  }
});

test('the codec refuses a segment of the wrong length', async () => {
  const host = new ModelHost();
  try {
    const slot = await host.slot('similarity', similarityCodec);
    assert.throws(() => slot.infer(new Float32Array(100)), /not 512/);
  } finally {
    await host.close();
  }
});

test.run();
