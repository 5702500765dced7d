// Writes models/similarity/manifest.json (the model slot's schema, src/models/manifest.ts, plus the
// CV folds) from training/similarity.py's train-report.json and the model files next to it.
// `variants` are the shipped (final) model's; `folds` lists every model with its held-out persons.
// Run after training and `weargate model quantize` (docs/models/similarity.md, "Reproduce").
// Usage: npx tsx scripts/similarity-manifest.ts [--dir models/similarity] [--version 1.0.0] [--eval eval-cv.json]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseManifest } from '../src/models/manifest.js';
import { DEFAULT_SIMILARITY_DIR, sha256Hex, SIMILARITY_VARIANTS, type ModelFile, type SimilarityVariant } from '../src/models/similarity/manifest.js';
import { DEFAULT_SIMILARITY_DETECTOR, PRE_R_SAMPLES, SEGMENT_SAMPLES, SIMILARITY_RATE_HZ } from '../src/models/similarity/preprocess.js';

const { values: opts } = parseArgs({
  options: {
    dir: { type: 'string', default: DEFAULT_SIMILARITY_DIR },
    version: { type: 'string', default: '1.0.0' },
    // `weargate eval similarity --json-out` of the CV: its float32 pooled thresholds replace training's
    eval: { type: 'string' },
  },
});
const dir = opts.dir;

interface TrainReport {
  seed: number;
  folds: { name: string; heldOut: string[] }[];
  pooled: { record: { threshold: number }; segment: { threshold: number } };
  trainingPersons?: string[];
  embeddingSize?: number;
  versions: { tensorflow: string };
}
interface EvalJson {
  results: { variant: string; record: { threshold: number }; segment: { threshold: number } }[];
}
const report = JSON.parse(readFileSync(join(dir, 'train-report.json'), 'utf8')) as TrainReport;
const evalFloat = opts.eval ? (JSON.parse(readFileSync(opts.eval, 'utf8')) as EvalJson).results.find((r) => r.variant === 'float32') : undefined;
if (opts.eval && !evalFloat) throw new Error(`${opts.eval} has no float32 results`);
const embeddingSize = report.embeddingSize ?? 32;

const folds = report.folds.map((f) => {
  const files: Partial<Record<SimilarityVariant, ModelFile>> = {};
  for (const v of SIMILARITY_VARIANTS) {
    const file = `${f.name}-${v}.tflite`;
    if (!existsSync(join(dir, file))) continue;
    const bytes = new Uint8Array(readFileSync(join(dir, file)));
    files[v] = { file, sha256: sha256Hex(bytes), bytes: bytes.byteLength };
  }
  return { name: f.name, heldOut: f.heldOut, files };
});
const final = folds.find((f) => f.name === 'final');
if (!final) throw new Error('train-report.json has no final model');

const quantizers: Record<SimilarityVariant, string | undefined> = {
  float32: undefined,
  int8: 'weargate-quantize minmax (weargate model quantize), 200 training segments',
  'int8-tfconverter': `tf-converter ${report.versions.tensorflow} full-integer PTQ, 200 training segments`,
};
const tolerance: Record<SimilarityVariant, number> = { float32: 1e-5, int8: 0.012, 'int8-tfconverter': 0.012 };
const variants = Object.fromEntries(
  SIMILARITY_VARIANTS.filter((v) => final.files[v]).map((v) => {
    const f = final.files[v] as ModelFile;
    return [v, {
      file: f.file,
      sha256: f.sha256,
      precision: v === 'float32' ? 'float32' : 'int8',
      ...(quantizers[v] ? { quantizer: quantizers[v] } : {}),
      inputs: [{ dtype: 'float32', shape: [1, 1, SEGMENT_SAMPLES, 1] }],
      outputs: [{ dtype: 'float32', shape: [1, embeddingSize] }],
      // one output step of the int8 embedding (scale ~0.011): XNNPACK may round differently
      golden: { inputs: 'golden-inputs.npy', outputs: `golden-outputs-${v}.npy`, absTolerance: tolerance[v] },
    }];
  }),
);

const manifest = {
  name: 'similarity',
  version: opts.version,
  task: 'similarity',
  description: `ECG similarity encoder (Siamese: one shared encoder, cosine of two embeddings): a ${SEGMENT_SAMPLES}-sample beat-aligned single-lead segment at ${SIMILARITY_RATE_HZ} Hz -> ${embeddingSize}-value embedding. Research screening signal, not an identity proof.`,
  trainedOn: 'ECG-ID Database 1.0.0 (45 persons, lead I raw, first 10 s of rec_1 and rec_2) and MIT-BIH Arrhythmia Database 1.0.0 DS1 (22 records as further identities, MLII, 12 x 10 s each)',
  card: 'docs/models/similarity.md',
  defaultVariant: 'int8',
  variants,
  params: {
    sampleRateHz: SIMILARITY_RATE_HZ,
    segmentSamples: SEGMENT_SAMPLES,
    preRSamples: PRE_R_SAMPLES,
    embeddingSize,
    detector: DEFAULT_SIMILARITY_DETECTOR,
    normalisation: 'z-score per segment after a zero-phase 0.5-40 Hz band-pass (src/models/similarity/preprocess.ts)',
    similarity: 'cosine of L2-normalised embeddings; template = normalised mean of normalised embeddings',
    eerThreshold: evalFloat?.record.threshold ?? report.pooled.record.threshold,
    eerThresholdSegment: evalFloat?.segment.threshold ?? report.pooled.segment.threshold,
    thresholdSource: evalFloat ? 'weargate eval similarity, float32, pooled CV' : 'training/similarity.py, Keras float, pooled CV',
  },
  cv: `${folds.filter((f) => f.heldOut.length > 0).length}-fold cross-validation over ECG-ID persons (persons shuffled with seed ${report.seed}); MIT-BIH DS1 identities always in training; threshold at the pooled float32 EER point (middle of the score gap), trial = mean embedding of a 10-s record`,
  // every ECG-ID person of the training data is held out by exactly one fold
  trainingPersons: report.trainingPersons ?? report.folds.flatMap((f) => f.heldOut).sort(),
  folds,
};
const text = `${JSON.stringify(manifest, null, 2)}\n`;
parseManifest(text, join(dir, 'manifest.json')); // the model slot must accept it
writeFileSync(join(dir, 'manifest.json'), text);
console.log(`wrote ${join(dir, 'manifest.json')}: ${folds.length} models, ${folds.reduce((n, f) => n + Object.keys(f.files).length, 0)} files`);
