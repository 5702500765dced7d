// The R-peak CNN's manifest (models/rpeak-cnn/manifest.json, the schema of src/models/manifest.ts):
// the detector's parameters come from `params` (rate, window, hop, trusted centre, normalisation,
// threshold, refractory); the cross-validation folds from `folds` (held-out records and the
// variants of each fold's model, with sha256). Parsing is strict: a malformed value is refused
// with its field, never half-used.
import { join } from 'node:path';
import { packagePath } from '../../common/package-root.js';
import type { SearchBackRule, TWaveRule } from './cnn-stream.js';
import { type ManifestDocument, type ModelManifest, type ModelVariant, ModelManifestError, readManifest } from '../manifest.js';

export const RPEAK_CNN_DIR = packagePath('models', 'rpeak-cnn') + '/';

/** Variants that can exist for one set of weights. `int8` is ours (weargate model quantize). */
export const RPEAK_CNN_VARIANTS = ['int8', 'float32', 'int8-tfconverter', 'int8-aiedge'] as const;
export type RPeakCnnVariant = (typeof RPEAK_CNN_VARIANTS)[number];

export interface RPeakCnnConfig {
  readonly name: string;
  readonly version: string;
  /** Rate the model runs at; the detector resamples any device rate to it. */
  readonly sampleRateHz: number;
  readonly windowSamples: number;
  readonly hopSamples: number;
  /** First sample of a window's trusted centre, which is [trustedStartSamples, trustedStartSamples + hopSamples). */
  readonly trustedStartSamples: number;
  /** Per window: c = x - mean, z = clip(c / max(rms, normFloorMv), -normClip, normClip); x in mV. */
  readonly normFloorMv: number;
  readonly normClip: number;
  readonly threshold: number;
  /** Two peaks are never closer than this (model-rate samples). */
  readonly refractorySamples: number;
  /**
   * Optional T-wave rule (params `tWaveWindowSamples` + `tWaveThreshold`, false = off, chosen per model
   * on its training records; `tWaveSlopeFraction` optional).
   */
  readonly tWave?: TWaveRule;
  /** Optional Pan-Tompkins search-back (params `searchBack`: src/models/rpeak/cnn-stream.ts, SearchBackRule). */
  readonly searchBack?: SearchBackRule;
}

export interface RPeakCnnFold {
  readonly name: string;
  readonly heldOut: readonly string[];
  /** The fold's model as a manifest document of its own (same folder, the fold's variants). */
  readonly doc: ManifestDocument;
}

function positive(params: Record<string, unknown>, key: string, path: string, integer: boolean, prefix = 'params'): number {
  const v = params[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v)))
    throw new ModelManifestError(path, `${prefix}.${key} must be a positive ${integer ? 'integer' : 'number'} (is ${JSON.stringify(v)})`);
  return v;
}

export function rpeakCnnConfig(manifest: ModelManifest, path = 'manifest'): RPeakCnnConfig {
  const p = manifest.params;
  const config: RPeakCnnConfig = {
    name: manifest.name,
    version: manifest.version,
    sampleRateHz: positive(p, 'sampleRateHz', path, false),
    windowSamples: positive(p, 'windowSamples', path, true),
    hopSamples: positive(p, 'hopSamples', path, true),
    trustedStartSamples: positive(p, 'trustedStartSamples', path, true),
    normFloorMv: positive(p, 'normFloorMv', path, false),
    normClip: positive(p, 'normClip', path, false),
    threshold: positive(p, 'threshold', path, false),
    refractorySamples: positive(p, 'refractorySamples', path, true),
  };
  if (config.trustedStartSamples + config.hopSamples > config.windowSamples)
    throw new ModelManifestError(path, 'params: the trusted centre (trustedStartSamples + hopSamples) does not fit in the window');
  if (config.threshold >= 1) throw new ModelManifestError(path, 'params.threshold must be below 1');
  let out: RPeakCnnConfig = config;
  // tWaveThreshold false: no rule (a fold whose training records chose none, over the model's own).
  if (p.tWaveThreshold !== false && (p.tWaveWindowSamples !== undefined || p.tWaveThreshold !== undefined)) {
    const base = { windowSamples: positive(p, 'tWaveWindowSamples', path, true), threshold: positive(p, 'tWaveThreshold', path, false) };
    if (base.threshold > 1) throw new ModelManifestError(path, 'params.tWaveThreshold must be at most 1');
    const tWave: TWaveRule = p.tWaveSlopeFraction === undefined ? base : { ...base, slopeFraction: positive(p, 'tWaveSlopeFraction', path, false) };
    out = { ...out, tWave };
  }
  const searchBack = parseSearchBack(p.searchBack, config.threshold, path);
  return searchBack ? { ...out, searchBack } : out;
}

/** params.searchBack: absent or false (off), or every field of SearchBackRule. */
function parseSearchBack(raw: unknown, threshold: number, path: string): SearchBackRule | undefined {
  if (raw === undefined || raw === false) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ModelManifestError(path, 'params.searchBack must be an object or false');
  const o = raw as Record<string, unknown>;
  const rule: SearchBackRule = {
    factor: positive(o, 'factor', path, false, 'params.searchBack'),
    threshold: positive(o, 'threshold', path, false, 'params.searchBack'),
    rrMinSamples: positive(o, 'rrMinSamples', path, true, 'params.searchBack'),
    rrMaxSamples: positive(o, 'rrMaxSamples', path, true, 'params.searchBack'),
    rrHistory: positive(o, 'rrHistory', path, true, 'params.searchBack'),
    initialRrSamples: positive(o, 'initialRrSamples', path, true, 'params.searchBack'),
  };
  if (rule.factor <= 1) throw new ModelManifestError(path, 'params.searchBack.factor must be above 1');
  if (rule.threshold > threshold) throw new ModelManifestError(path, 'params.searchBack.threshold must not exceed params.threshold');
  if (rule.rrMinSamples > rule.rrMaxSamples) throw new ModelManifestError(path, 'params.searchBack.rrMinSamples must not exceed rrMaxSamples');
  return rule;
}

/** The `folds` of an R-peak CNN manifest; each fold's variants checked like the manifest's own. */
export function rpeakCnnFolds(doc: ManifestDocument): RPeakCnnFold[] {
  const raw = (doc.manifest as ModelManifest & { folds?: unknown }).folds;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new ModelManifestError(doc.path, 'folds must be an array');
  return raw.map((f: unknown, i): RPeakCnnFold => {
    const o = (typeof f === 'object' && f !== null ? f : {}) as { name?: unknown; heldOut?: unknown; variants?: unknown; params?: unknown };
    if (typeof o.name !== 'string' || !/^[a-z0-9-]+$/.test(o.name)) throw new ModelManifestError(doc.path, `folds[${i}].name must be a name`);
    if (!Array.isArray(o.heldOut) || !o.heldOut.every((r) => typeof r === 'string')) throw new ModelManifestError(doc.path, `folds[${i}].heldOut must be record names`);
    if (typeof o.variants !== 'object' || o.variants === null) throw new ModelManifestError(doc.path, `folds[${i}].variants must be an object`);
    for (const [key, v] of Object.entries(o.variants as Record<string, unknown>)) {
      const variant = v as Partial<ModelVariant>;
      if (typeof variant.file !== 'string' || typeof variant.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(variant.sha256) || variant.file.includes('..'))
        throw new ModelManifestError(doc.path, `folds[${i}].variants.${key} needs a file inside the folder and a sha256`);
    }
    const variants = o.variants as Record<string, ModelVariant>;
    const first = Object.keys(variants)[0];
    if (o.params !== undefined && (typeof o.params !== 'object' || o.params === null || Array.isArray(o.params)))
      throw new ModelManifestError(doc.path, `folds[${i}].params must be an object`);
    // A fold's own parameters (post-processing chosen on ITS training records) override the shipped model's.
    const params = { ...doc.manifest.params, ...((o.params as Record<string, unknown> | undefined) ?? {}) };
    const manifest: ModelManifest = { ...doc.manifest, variants, params, defaultVariant: variants.int8 ? 'int8' : first };
    return { name: o.name, heldOut: o.heldOut as string[], doc: { ...doc, manifest } };
  });
}

export function readRPeakCnnManifest(dir: string = RPEAK_CNN_DIR): ManifestDocument {
  return readManifest(join(dir, 'manifest.json'));
}

/** The fold whose model never saw `record`, if any. */
export function foldHoldingOut(folds: readonly RPeakCnnFold[], record: string): RPeakCnnFold | undefined {
  return folds.find((f) => f.heldOut.includes(record));
}
