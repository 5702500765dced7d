// A model's manifest (`models/<name>/manifest.json`): what the model is, which files hold its
// variants (int8, float32) with their sha256, the tensors it must declare, its golden vectors and
// the task parameters its pre- and post-processing read. The gateway loads nothing that does not
// match its manifest; a fleet bundle carries the same document.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const TensorDecl = Type.Object(
  {
    name: Type.Optional(Type.String()),
    dtype: Type.Union([Type.Literal('float32'), Type.Literal('int8'), Type.Literal('uint8'), Type.Literal('int16'), Type.Literal('int32')]),
    /** Dimensions; -1 for a dynamic batch. */
    shape: Type.Array(Type.Integer({ minimum: -1 })),
  },
  { additionalProperties: false },
);

const Golden = Type.Object(
  {
    /** `.npy` of inputs `[N, ...input shape]` in real (float) units, relative to the manifest. */
    inputs: Type.String({ minLength: 1 }),
    /** `.npy` of the expected real outputs `[N, ...output shape]`. */
    outputs: Type.String({ minLength: 1 }),
    /** How many of the N vectors to run at load (the first ones). */
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    /** Largest allowed absolute difference per element. */
    absTolerance: Type.Number({ exclusiveMinimum: 0 }),
  },
  { additionalProperties: false },
);

const Variant = Type.Object(
  {
    file: Type.String({ minLength: 1 }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    /** `int8` for an integer-quantized graph (whatever its I/O), `float32` for the float reference. */
    precision: Type.Union([Type.Literal('int8'), Type.Literal('float32')]),
    /** Who quantized it, e.g. `weargate-quantize 0.1 minmax`, `tf-converter 2.20`. */
    quantizer: Type.Optional(Type.String()),
    inputs: Type.Optional(Type.Array(TensorDecl)),
    outputs: Type.Optional(Type.Array(TensorDecl)),
    golden: Type.Optional(Golden),
  },
  { additionalProperties: false },
);

export const ModelManifestSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?$' }),
    task: Type.Union([Type.Literal('rpeak'), Type.Literal('similarity'), Type.Literal('mdd'), Type.Literal('synth'), Type.Literal('test')]),
    description: Type.String(),
    /** The data the weights were trained on (model cards say it; so does `bridge/info`). */
    trainedOn: Type.String(),
    /** Model card, relative to the repository root. */
    card: Type.Optional(Type.String()),
    minGatewayVersion: Type.Optional(Type.String()),
    /** The variant the gateway runs unless configured otherwise. */
    defaultVariant: Type.String(),
    variants: Type.Record(Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }), Variant),
    /** Task parameters for pre- and post-processing (rates, window, threshold ...), read by the task's codec. */
    params: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
  },
  { additionalProperties: true },
);

export type ModelManifest = Static<typeof ModelManifestSchema>;
export type ModelVariant = Static<typeof Variant>;
export type TensorDeclaration = Static<typeof TensorDecl>;

export class ModelManifestError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ModelManifestError';
  }
}

/** A parsed, schema-checked manifest and where it lives (variant files are relative to `dir`). */
export interface ManifestDocument {
  manifest: ModelManifest;
  path: string;
  dir: string;
}

export function parseManifest(text: string, path: string): ManifestDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ModelManifestError(path, `not JSON (${(err as Error).message})`);
  }
  const value = Value.Default(ModelManifestSchema, raw);
  const errors = [...Value.Errors(ModelManifestSchema, value)].slice(0, 3);
  if (errors.length > 0) {
    throw new ModelManifestError(path, errors.map((e) => `${e.path || '/'} ${e.message}`).join('; '));
  }
  const manifest = value as ModelManifest;
  if (!(manifest.defaultVariant in manifest.variants)) {
    throw new ModelManifestError(path, `defaultVariant '${manifest.defaultVariant}' is not one of ${Object.keys(manifest.variants).join(', ')}`);
  }
  const dir = dirname(path);
  for (const [key, variant] of Object.entries(manifest.variants)) {
    for (const file of [variant.file, variant.golden?.inputs, variant.golden?.outputs]) {
      if (file === undefined) continue;
      const rel = relative(dir, join(dir, file));
      if (isAbsolute(file) || rel.startsWith('..')) throw new ModelManifestError(path, `variant ${key}: '${file}' is outside the model folder`);
    }
  }
  return { manifest, path, dir };
}

export function readManifest(path: string): ManifestDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ModelManifestError(path, `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseManifest(text, path);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The variant's bytes, refused unless they hash to the manifest's sha256. */
export function readVariantBytes(doc: ManifestDocument, variantKey: string): Uint8Array {
  const variant = doc.manifest.variants[variantKey];
  if (!variant) throw new ModelManifestError(doc.path, `no variant '${variantKey}' (has ${Object.keys(doc.manifest.variants).join(', ')})`);
  const file = join(doc.dir, variant.file);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (err) {
    throw new ModelManifestError(doc.path, `variant ${variantKey}: cannot read ${variant.file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const actual = sha256Hex(bytes);
  if (actual !== variant.sha256) {
    throw new ModelManifestError(doc.path, `variant ${variantKey}: ${variant.file} has sha256 ${actual}, the manifest says ${variant.sha256}`);
  }
  return bytes;
}
