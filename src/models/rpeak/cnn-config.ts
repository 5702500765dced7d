// The R-peak CNN's manifest (models/rpeak-cnn/manifest.json): what the detector needs to run a
// model (rate, window, hop, normalisation, peak picking), which files exist (with sha256) and which
// records each cross-validation fold held out. Parsing is strict: a malformed manifest is refused
// with the field that is wrong, never half-used.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError } from '../../common/errors.js';

/** Model variants that can exist for one set of weights. `int8` is ours (weargate model quantize). */
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
}

export interface RPeakCnnFile {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface RPeakCnnFold {
  readonly name: string;
  readonly heldOut: readonly string[];
  readonly files: Partial<Record<RPeakCnnVariant, RPeakCnnFile>>;
}

export interface RPeakCnnManifest {
  readonly config: RPeakCnnConfig;
  /** The shipped model (trained on all records). */
  readonly files: Partial<Record<RPeakCnnVariant, RPeakCnnFile>>;
  readonly folds: readonly RPeakCnnFold[];
}

export const RPEAK_CNN_DIR = fileURLToPath(new URL('../../../models/rpeak-cnn/', import.meta.url));

type Json = Record<string, unknown>;

function field(obj: Json, key: string, where: string): unknown {
  if (!(key in obj)) throw new FormatError('rpeak-cnn-manifest', `missing ${where}${key}`);
  return obj[key];
}
function num(obj: Json, key: string, where = '', integer = false): number {
  const v = field(obj, key, where);
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v)))
    throw new FormatError('rpeak-cnn-manifest', `${where}${key} must be a positive ${integer ? 'integer' : 'number'}`);
  return v;
}
function str(obj: Json, key: string, where = ''): string {
  const v = field(obj, key, where);
  if (typeof v !== 'string' || v === '') throw new FormatError('rpeak-cnn-manifest', `${where}${key} must be a non-empty string`);
  return v;
}
function obj(v: unknown, where: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new FormatError('rpeak-cnn-manifest', `${where} must be an object`);
  return v as Json;
}

function parseFiles(v: unknown, where: string): Partial<Record<RPeakCnnVariant, RPeakCnnFile>> {
  const o = obj(v, where);
  const out: Partial<Record<RPeakCnnVariant, RPeakCnnFile>> = {};
  for (const [key, value] of Object.entries(o)) {
    if (!(RPEAK_CNN_VARIANTS as readonly string[]).includes(key)) throw new FormatError('rpeak-cnn-manifest', `unknown variant ${where}.${key}`);
    const f = obj(value, `${where}.${key}`);
    const sha256 = str(f, 'sha256', `${where}.${key}.`);
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new FormatError('rpeak-cnn-manifest', `${where}.${key}.sha256 is not a sha256`);
    out[key as RPeakCnnVariant] = { path: str(f, 'path', `${where}.${key}.`), sha256, bytes: num(f, 'bytes', `${where}.${key}.`, true) };
  }
  return out;
}

export function parseRPeakCnnManifest(text: string): RPeakCnnManifest {
  const root = obj(JSON.parse(text) as unknown, 'manifest');
  const norm = obj(field(root, 'normalisation', ''), 'normalisation');
  const config: RPeakCnnConfig = {
    name: str(root, 'name'),
    version: str(root, 'version'),
    sampleRateHz: num(root, 'sampleRateHz'),
    windowSamples: num(root, 'windowSamples', '', true),
    hopSamples: num(root, 'hopSamples', '', true),
    trustedStartSamples: num(root, 'trustedStartSamples', '', true),
    normFloorMv: num(norm, 'floorMv', 'normalisation.'),
    normClip: num(norm, 'clip', 'normalisation.'),
    threshold: num(root, 'threshold'),
    refractorySamples: num(root, 'refractorySamples', '', true),
  };
  if (config.trustedStartSamples + config.hopSamples > config.windowSamples)
    throw new FormatError('rpeak-cnn-manifest', 'the trusted centre does not fit in the window');
  if (config.threshold >= 1) throw new FormatError('rpeak-cnn-manifest', 'threshold must be below 1');
  const foldsRaw = field(root, 'folds', '');
  if (!Array.isArray(foldsRaw)) throw new FormatError('rpeak-cnn-manifest', 'folds must be an array');
  const folds = foldsRaw.map((f: unknown, i): RPeakCnnFold => {
    const o = obj(f, `folds[${i}]`);
    const held = field(o, 'heldOut', `folds[${i}].`);
    if (!Array.isArray(held) || !held.every((r) => typeof r === 'string')) throw new FormatError('rpeak-cnn-manifest', `folds[${i}].heldOut must be record names`);
    return { name: str(o, 'name', `folds[${i}].`), heldOut: held as string[], files: parseFiles(field(o, 'files', `folds[${i}].`), `folds[${i}].files`) };
  });
  return { config, files: parseFiles(field(root, 'files', ''), 'files'), folds };
}

export async function readRPeakCnnManifest(dir: string = RPEAK_CNN_DIR): Promise<RPeakCnnManifest> {
  return parseRPeakCnnManifest(await readFile(join(dir, 'manifest.json'), 'utf8'));
}

/** Reads a model file named by the manifest and refuses it unless size and sha256 match. */
export async function readRPeakCnnFile(file: RPeakCnnFile, dir: string = RPEAK_CNN_DIR): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readFile(join(dir, file.path)));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.byteLength !== file.bytes || sha256 !== file.sha256)
    throw new FormatError('rpeak-cnn', `${file.path} does not match the manifest (sha256 ${sha256}, ${bytes.byteLength} bytes)`);
  return bytes;
}

/** The fold whose model never saw `record`, if any. */
export function foldHoldingOut(manifest: RPeakCnnManifest, record: string): RPeakCnnFold | undefined {
  return manifest.folds.find((f) => f.heldOut.includes(record));
}
