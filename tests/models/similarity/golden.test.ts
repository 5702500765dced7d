// The committed similarity models against Python: TypeScript pre-processing of a committed ECG-ID
// record must give the segments training/similarity.py was trained on (models/similarity/golden.json,
// written by training/similarity_golden.py from scripts/similarity-segments.ts' output), and LiteRT.js
// must give Python LiteRT's embeddings for the float32 and TF-converter int8 files; our int8 must
// stay close to float. Also: manifest hashes, ops, sizes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLiteRtRuntime } from '../../../src/models/runtime/litert.js';
import type { ModelRuntime } from '../../../src/models/runtime/types.js';
import { loadEcgChannel } from '../../../src/models/similarity/ecgid.js';
import { SimilarityEncoder } from '../../../src/models/similarity/encoder.js';
import { finalFold, loadSimilarityManifest, readModelFile, SIMILARITY_VARIANTS } from '../../../src/models/similarity/manifest.js';
import { cosine } from '../../../src/models/similarity/metrics.js';
import { similaritySegments } from '../../../src/models/similarity/preprocess.js';
import { readTflite } from '../../../src/quantize/tflite/read.js';

const here = new URL('.', import.meta.url).pathname;
const manifest = loadSimilarityManifest();
interface Golden {
  person: string;
  record: string;
  rIndex: number[];
  segments: number[][];
  embeddings: Record<string, number[][]>;
}
const golden = JSON.parse(readFileSync(join(manifest.dir, 'golden.json'), 'utf8')) as Golden;
let runtime: ModelRuntime;

test.before(async () => {
  runtime = await createLiteRtRuntime();
});
test.after(() => runtime.close());

test('TS pre-processing reproduces the training segments of the committed record', async () => {
  const sig = await loadEcgChannel(join(here, 'fixtures', 'ecgid-mini', golden.person, golden.record));
  const segs = similaritySegments(sig.microvolts, sig.sampleRateHz).slice(0, golden.segments.length);
  assert.equal(segs.map((s) => s.rIndex), golden.rIndex);
  for (let k = 0; k < segs.length; k++) {
    let maxErr = 0;
    for (let i = 0; i < segs[k].values.length; i++) maxErr = Math.max(maxErr, Math.abs(segs[k].values[i] - golden.segments[k][i]));
    assert.ok(maxErr < 1e-5, `segment ${k}: max |TS - training| ${maxErr}`);
  }
});

test('LiteRT.js float32 and TF-converter int8 embeddings equal Python LiteRT; our int8 is close to float', async () => {
  const segments = golden.segments.map((s) => Float32Array.from(s));
  const fold = finalFold(manifest);
  const raw = async (variant: (typeof SIMILARITY_VARIANTS)[number]) => {
    const enc = await SimilarityEncoder.load(runtime, manifest, fold, variant);
    const out = enc.embedRaw(segments);
    enc.dispose();
    return out;
  };
  const float = await raw('float32');
  const tf = await raw('int8-tfconverter');
  const ours = await raw('int8');
  const maxDiff = (a: Float32Array[], b: number[][]) => Math.max(...a.flatMap((e, k) => Array.from(e, (v, i) => Math.abs(v - b[k][i]))));
  assert.ok(maxDiff(float, golden.embeddings['final-float32.tflite']) < 1e-5, `float ${maxDiff(float, golden.embeddings['final-float32.tflite'])}`);
  // at most one output step (scale ~0.011): XNNPACK and the reference kernels may round differently
  const tfStep = 0.012;
  assert.ok(maxDiff(tf, golden.embeddings['final-int8-tfconverter.tflite']) <= tfStep, `tf int8 ${maxDiff(tf, golden.embeddings['final-int8-tfconverter.tflite'])}`);
  for (let k = 0; k < segments.length; k++) assert.ok(cosine(ours[k], float[k]) > 0.99, `ours vs float cosine ${cosine(ours[k], float[k])}`);
});

test('manifest: every file matches its sha256, ops are the quantizable set, int8 files are int8', () => {
  assert.ok(manifest.folds.length >= 2);
  let total = 0;
  for (const fold of manifest.folds) {
    for (const variant of SIMILARITY_VARIANTS) {
      const { bytes } = readModelFile(manifest, fold, variant);
      total += bytes.byteLength;
      const model = readTflite(bytes);
      const ops = new Set(model.operatorCodes.map((c) => c.builtinCode));
      assert.ok(ops.size > 0);
      if (variant !== 'float32') {
        const types = new Set(model.subgraphs[0].tensors.map((t) => t.type));
        assert.ok(types.has('INT8'), `${fold.name}/${variant} has int8 tensors`);
      }
    }
  }
  assert.ok(total < 2_000_000, `${total} bytes of models`);
});

test.run();
