// models/similarity/manifest.json: what the gateway and the eval need to know about the committed
// similarity models (layout, threshold, files with their sha256, folds with their held-out persons).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PRE_R_SAMPLES, SEGMENT_SAMPLES, SIMILARITY_RATE_HZ } from './preprocess.js';

export type SimilarityVariant = 'float32' | 'int8' | 'int8-tfconverter';
export const SIMILARITY_VARIANTS: readonly SimilarityVariant[] = ['float32', 'int8', 'int8-tfconverter'];

export interface ModelFile {
  file: string;
  sha256: string;
  bytes: number;
}

export interface SimilarityFold {
  /** `fold-0` ... or `final` (trained on every identity). */
  name: string;
  /** ECG-ID persons this model never saw (empty for `final`). */
  heldOut: string[];
  files: Partial<Record<SimilarityVariant, ModelFile>>;
}

export interface SimilarityManifest {
  name: string;
  version: string;
  rateHz: number;
  segment: { samples: number; preRSamples: number; normalisation: string; detector: string };
  embeddingSize: number;
  /** Cosine threshold at the cross-validated EER point (trial = mean of a record's segments). */
  eerThreshold: number;
  cv: string;
  /** ECG-ID persons any model was trained on (a person outside it is evaluated with `final`). */
  trainingPersons: string[];
  folds: SimilarityFold[];
  /** Absolute folder of the manifest (not in the file). */
  dir: string;
}

export const DEFAULT_SIMILARITY_DIR = join(new URL('../../..', import.meta.url).pathname, 'models', 'similarity');

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function fail(path: string, msg: string): never {
  throw new Error(`${path}: ${msg}`);
}

/** Reads and checks a manifest: the layout must be the one this code pre-processes for. */
export function loadSimilarityManifest(path = join(DEFAULT_SIMILARITY_DIR, 'manifest.json')): SimilarityManifest {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as Omit<SimilarityManifest, 'dir'>;
  if (typeof doc.name !== 'string' || typeof doc.version !== 'string') fail(path, 'name and version are required');
  if (doc.rateHz !== SIMILARITY_RATE_HZ || doc.segment?.samples !== SEGMENT_SAMPLES || doc.segment?.preRSamples !== PRE_R_SAMPLES) {
    fail(path, `segment layout ${doc.rateHz} Hz / ${doc.segment?.samples} / ${doc.segment?.preRSamples} is not this gateway's (${SIMILARITY_RATE_HZ} / ${SEGMENT_SAMPLES} / ${PRE_R_SAMPLES})`);
  }
  if (!(typeof doc.eerThreshold === 'number' && doc.eerThreshold > -1 && doc.eerThreshold < 1)) fail(path, 'eerThreshold must be a cosine in (-1, 1)');
  if (!Array.isArray(doc.folds) || !doc.folds.some((f) => f.name === 'final')) fail(path, "folds must include 'final'");
  return { ...doc, dir: dirname(path) };
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
