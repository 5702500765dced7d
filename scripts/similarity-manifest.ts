// Writes models/similarity/manifest.json from training/similarity.py's train-report.json and the
// model files next to it (sha256, bytes). Run after training and `weargate model quantize`
// (docs/models/similarity.md, "Reproduce").
// Usage: npx tsx scripts/similarity-manifest.ts [--dir models/similarity] [--version 1.0.0]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SIMILARITY_DIR, sha256Hex, SIMILARITY_VARIANTS, type ModelFile, type SimilarityFold, type SimilarityVariant } from '../src/models/similarity/manifest.js';
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
  pooled: { record: { threshold: number; eer: number }; segment: { threshold: number; eer: number } };
  trainingPersons?: string[];
  embeddingSize?: number;
}
const report = JSON.parse(readFileSync(join(dir, 'train-report.json'), 'utf8')) as TrainReport;
interface EvalJson {
  results: { variant: string; record: { threshold: number }; segment: { threshold: number } }[];
}
const evalFloat = opts.eval ? (JSON.parse(readFileSync(opts.eval, 'utf8')) as EvalJson).results.find((r) => r.variant === 'float32') : undefined;
if (opts.eval && !evalFloat) throw new Error(`${opts.eval} has no float32 results`);
const suffix: Record<SimilarityVariant, string> = { float32: 'float32', int8: 'int8', 'int8-tfconverter': 'int8-tfconverter' };

const folds: SimilarityFold[] = report.folds.map((f) => {
  const files: Partial<Record<SimilarityVariant, ModelFile>> = {};
  for (const v of SIMILARITY_VARIANTS) {
    const file = `${f.name}-${suffix[v]}.tflite`;
    if (!existsSync(join(dir, file))) continue;
    const bytes = new Uint8Array(readFileSync(join(dir, file)));
    files[v] = { file, sha256: sha256Hex(bytes), bytes: bytes.byteLength };
  }
  return { name: f.name, heldOut: f.heldOut, files };
});

const manifest = {
  name: 'ecg-similarity',
  version: opts.version,
  rateHz: SIMILARITY_RATE_HZ,
  segment: {
    samples: SEGMENT_SAMPLES,
    preRSamples: PRE_R_SAMPLES,
    normalisation: 'z-score per segment after a zero-phase 0.5-40 Hz band-pass (src/models/similarity/preprocess.ts)',
    detector: DEFAULT_SIMILARITY_DETECTOR,
  },
  input: { name: 'ecg', shape: [1, 1, SEGMENT_SAMPLES, 1], dtype: 'float32' },
  embeddingSize: report.embeddingSize ?? 32,
  similarity: 'cosine of L2-normalised embeddings; template = normalised mean of normalised embeddings',
  eerThreshold: evalFloat?.record.threshold ?? report.pooled.record.threshold,
  eerThresholdSegment: evalFloat?.segment.threshold ?? report.pooled.segment.threshold,
  thresholdSource: evalFloat ? 'weargate eval similarity, float32, pooled CV' : 'training/similarity.py, Keras float, pooled CV',
  cv: `${report.folds.filter((f) => f.heldOut.length > 0).length}-fold cross-validation over ECG-ID persons (persons shuffled with seed ${report.seed}); MIT-BIH DS1 identities always in training; threshold at the pooled float32 EER point (middle of the score gap), trial = mean embedding of a 10-s record`,
  // every ECG-ID person of the training data is held out by exactly one fold
  trainingPersons: report.trainingPersons ?? report.folds.flatMap((f) => f.heldOut).sort(),
  folds,
};
writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`wrote ${join(dir, 'manifest.json')}: ${folds.length} models, ${folds.reduce((n, f) => n + Object.keys(f.files).length, 0)} files`);
