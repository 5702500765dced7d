// models/similarity/manifest.json, read through the model slot's schema (src/models/manifest.ts):
// `variants` and `params` are the shipped model's; the extra `folds` list every CV model with the
// ECG-ID persons it never saw, which `weargate eval similarity` needs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../../common/package-root.js';
import { readManifest, sha256Hex, type ManifestDocument, type ModelManifest } from '../manifest.js';
import { PRE_R_SAMPLES, SEGMENT_SAMPLES, SIMILARITY_RATE_HZ } from './preprocess.js';

export { sha256Hex };
export type SimilarityVariant = 'float32' | 'int8' | 'int8-tfconverter';
export const SIMILARITY_VARIANTS: readonly SimilarityVariant[] = ['float32', 'int8', 'int8-tfconverter'];

export interface ModelFile {
  file: string;
  sha256: string;
  bytes: number;
}

export interface SimilarityFold {
  /** `fold-0` ... or `final` (trained on every identity, the shipped model). */
  name: string;
  /** ECG-ID persons this model never saw (empty for `final`). */
  heldOut: string[];
  files: Partial<Record<SimilarityVariant, ModelFile>>;
}

export interface SimilarityManifest {
  name: string;
  version: string;
  rateHz: number;
  embeddingSize: number;
  /** Cosine threshold at the cross-validated EER point (trial = mean of a record's segments). */
  eerThreshold: number;
  cv: string;
  /** ECG-ID persons any model was trained on (a person outside it is evaluated with `final`). */
  trainingPersons: string[];
  folds: SimilarityFold[];
  /** Absolute folder of the manifest. */
  dir: string;
  doc: ManifestDocument;
}

export const DEFAULT_SIMILARITY_DIR = packagePath('models', 'similarity');

export interface SimilarityParams {
  sampleRateHz: number;
  segmentSamples: number;
  preRSamples: number;
  embeddingSize: number;
  eerThreshold: number;
}

/** The task parameters, refused unless they are the layout this code pre-processes for. */
export function similarityParams(manifest: ModelManifest, where: string): SimilarityParams {
  const p = manifest.params as Partial<SimilarityParams>;
  const fail = (msg: string): never => {
    throw new Error(`${where}: ${msg}`);
  };
  if (p.sampleRateHz !== SIMILARITY_RATE_HZ || p.segmentSamples !== SEGMENT_SAMPLES || p.preRSamples !== PRE_R_SAMPLES) {
    fail(`segment layout ${p.sampleRateHz} Hz / ${p.segmentSamples} / ${p.preRSamples} is not this gateway's (${SIMILARITY_RATE_HZ} / ${SEGMENT_SAMPLES} / ${PRE_R_SAMPLES})`);
  }
  if (!(typeof p.eerThreshold === 'number' && p.eerThreshold > -1 && p.eerThreshold < 1)) fail('params.eerThreshold must be a cosine in (-1, 1)');
  if (!(Number.isInteger(p.embeddingSize) && (p.embeddingSize ?? 0) > 0)) fail('params.embeddingSize must be a positive integer');
  return p as SimilarityParams;
}

export function loadSimilarityManifest(path = join(DEFAULT_SIMILARITY_DIR, 'manifest.json')): SimilarityManifest {
  const doc = readManifest(path);
  if (doc.manifest.task !== 'similarity') throw new Error(`${path}: task '${doc.manifest.task}', not similarity`);
  const params = similarityParams(doc.manifest, path);
  const extra = doc.manifest as unknown as { cv?: string; trainingPersons?: string[]; folds?: SimilarityFold[] };
  if (!Array.isArray(extra.folds) || !extra.folds.some((f) => f.name === 'final')) throw new Error(`${path}: folds must include 'final'`);
  return {
    name: doc.manifest.name,
    version: doc.manifest.version,
    rateHz: params.sampleRateHz,
    embeddingSize: params.embeddingSize,
    eerThreshold: params.eerThreshold,
    cv: extra.cv ?? '',
    trainingPersons: extra.trainingPersons ?? [],
    folds: extra.folds,
    dir: doc.dir,
    doc,
  };
}

/** The bytes of one model file, checked against the manifest's sha256. */
export function readModelFile(manifest: SimilarityManifest, fold: SimilarityFold, variant: SimilarityVariant): { bytes: Uint8Array; sha256: string } {
  const entry = fold.files[variant];
  if (!entry) throw new Error(`similarity model ${fold.name} has no ${variant} file`);
  const bytes = new Uint8Array(readFileSync(join(manifest.dir, entry.file)));
  const sha256 = sha256Hex(bytes);
  if (sha256 !== entry.sha256) throw new Error(`${entry.file}: sha256 ${sha256} does not match the manifest (${entry.sha256})`);
  return { bytes, sha256 };
}

export function finalFold(manifest: SimilarityManifest): SimilarityFold {
  return manifest.folds.find((f) => f.name === 'final') as SimilarityFold;
}
