// A fleet model bundle: one `.tflite` plus its manifest, signed (ed25519 over the canonical
// manifest, which holds the model's sha256 and size). Container, little-endian:
//   "WGBUNDLE" | u8 format (1) | u32 manifest bytes | manifest (canonical JSON, UTF-8)
//   | u8 signature bytes (64) | signature | u32 model bytes | model
// Verification refuses, with a code and a reason: a malformed container, a manifest outside the
// schema, an unknown/revoked key or bad signature, a model whose sha256 or size differs, a model
// older than the one running (no downgrade), a gateway older than the bundle's minimum.
import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { canonicalJson, compareSemver } from './canonical.js';
import { FleetKeyError, type SigningKey, type TrustStore } from './keys.js';

const MAGIC = Buffer.from('WGBUNDLE', 'ascii');
const FORMAT = 1;
/** Bundles up to 16 MB of model (the issue's bound) and a manifest with its golden vectors. */
export const MAX_MODEL_BYTES = 16 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

const Semver = Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?$' });
const Tensor = Type.Object(
  {
    name: Type.Optional(Type.String()),
    dtype: Type.Union([Type.Literal('float32'), Type.Literal('int8'), Type.Literal('uint8'), Type.Literal('int16'), Type.Literal('int32')]),
    shape: Type.Array(Type.Integer({ minimum: -1 })),
  },
  { additionalProperties: false },
);

export const BundleManifestSchema = Type.Object(
  {
    format: Type.Literal('weargate-bundle/1'),
    task: Type.Union([Type.Literal('rpeak'), Type.Literal('similarity'), Type.Literal('mdd')]),
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }),
    version: Semver,
    description: Type.String(),
    trainedOn: Type.String(),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    sizeBytes: Type.Integer({ minimum: 1, maximum: MAX_MODEL_BYTES }),
    precision: Type.Union([Type.Literal('int8'), Type.Literal('float32')]),
    quantizer: Type.Optional(Type.String()),
    inputs: Type.Array(Tensor, { minItems: 1 }),
    outputs: Type.Array(Tensor, { minItems: 1 }),
    params: Type.Record(Type.String(), Type.Unknown()),
    /** Real-valued golden inputs and the outputs the model must give, flat per vector. */
    golden: Type.Object(
      {
        inputs: Type.Array(Type.Array(Type.Number()), { minItems: 1, maxItems: 64 }),
        outputs: Type.Array(Type.Array(Type.Number()), { minItems: 1, maxItems: 64 }),
        absTolerance: Type.Number({ exclusiveMinimum: 0 }),
      },
      { additionalProperties: false },
    ),
    minGatewayVersion: Semver,
    /** ISO 8601. */
    createdAt: Type.String({ minLength: 10 }),
    keyId: Type.String({ pattern: '^[0-9a-f]{16}$' }),
  },
  { additionalProperties: false },
);

export type BundleManifest = Static<typeof BundleManifestSchema>;

export type BundleErrorCode = 'format' | 'schema' | 'signature' | 'hash' | 'size' | 'version' | 'gateway-version';

export class BundleError extends Error {
  constructor(
    readonly code: BundleErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BundleError';
  }
}

export interface Bundle {
  manifest: BundleManifest;
  signature: Buffer;
  model: Buffer;
}

function checkSchema(manifest: unknown): BundleManifest {
  const errors = [...Value.Errors(BundleManifestSchema, manifest)].slice(0, 3);
  if (errors.length > 0) throw new BundleError('schema', `manifest: ${errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`);
  const m = manifest as BundleManifest;
  if (m.golden.inputs.length !== m.golden.outputs.length) throw new BundleError('schema', `manifest: ${m.golden.inputs.length} golden inputs but ${m.golden.outputs.length} outputs`);
  return m;
}

/** Signs `manifest` (its sha256, size and keyId are filled from `model` and `key`) and returns the container bytes. */
export function signBundle(manifest: Omit<BundleManifest, 'sha256' | 'sizeBytes' | 'keyId' | 'format'>, model: Uint8Array, key: SigningKey): Buffer {
  const full = checkSchema({
    ...manifest,
    format: 'weargate-bundle/1',
    sha256: createHash('sha256').update(model).digest('hex'),
    sizeBytes: model.length,
    keyId: key.keyId,
  });
  const manifestBytes = Buffer.from(canonicalJson(full), 'utf8');
  const signature = key.sign(manifestBytes);
  const head = Buffer.alloc(MAGIC.length + 1 + 4);
  MAGIC.copy(head);
  head.writeUInt8(FORMAT, MAGIC.length);
  head.writeUInt32LE(manifestBytes.length, MAGIC.length + 1);
  const sigHead = Buffer.from([signature.length]);
  const modelHead = Buffer.alloc(4);
  modelHead.writeUInt32LE(model.length);
  return Buffer.concat([head, manifestBytes, sigHead, signature, modelHead, Buffer.from(model)]);
}

/** Splits the container; checks framing only (use `verifyBundle` before trusting anything in it). */
export function parseBundle(bytes: Uint8Array): Bundle & { manifestBytes: Buffer } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (end: number, what: string): void => {
    if (b.length < end) throw new BundleError('format', `bundle truncated in the ${what} (${b.length} bytes)`);
  };
  need(MAGIC.length + 5, 'header');
  if (!b.subarray(0, MAGIC.length).equals(MAGIC)) throw new BundleError('format', 'not a weargate bundle (bad magic)');
  const format = b.readUInt8(MAGIC.length);
  if (format !== FORMAT) throw new BundleError('format', `bundle format ${format} is not supported (this gateway reads ${FORMAT})`);
  let at = MAGIC.length + 1;
  const manifestLength = b.readUInt32LE(at);
  at += 4;
  if (manifestLength > MAX_MANIFEST_BYTES) throw new BundleError('format', `manifest of ${manifestLength} bytes is larger than ${MAX_MANIFEST_BYTES}`);
  need(at + manifestLength + 1, 'manifest');
  const manifestBytes = b.subarray(at, at + manifestLength);
  at += manifestLength;
  const signatureLength = b.readUInt8(at);
  at += 1;
  need(at + signatureLength + 4, 'signature');
  const signature = b.subarray(at, at + signatureLength);
  at += signatureLength;
  const modelLength = b.readUInt32LE(at);
  at += 4;
  if (modelLength > MAX_MODEL_BYTES) throw new BundleError('size', `model of ${modelLength} bytes is larger than ${MAX_MODEL_BYTES}`);
  need(at + modelLength, 'model');
  if (b.length !== at + modelLength) throw new BundleError('format', `${b.length - at - modelLength} unexpected bytes after the model`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8'));
  } catch (err) {
    throw new BundleError('format', `manifest is not JSON (${(err as Error).message})`);
  }
  return { manifest: manifest as BundleManifest, manifestBytes, signature, model: b.subarray(at, at + modelLength) };
}

export interface VerifyContext {
  trust: TrustStore;
  gatewayVersion: string;
  /** Version of the same model running now; a bundle must be newer (unless `allowVersion` says otherwise). */
  activeVersion?: string;
  /** An operator-signed rollback instruction names the exact older version allowed. */
  allowVersion?: string;
}

/** The bundle, verified: signature by a trusted key over the canonical manifest, model hash and size, versions. */
export function verifyBundle(bytes: Uint8Array, ctx: VerifyContext): Bundle {
  const { manifest: raw, manifestBytes, signature, model } = parseBundle(bytes);
  // The signature covers the bytes as sent; they must also be the canonical form, so that one
  // manifest has exactly one signed encoding.
  const keyId = typeof (raw as { keyId?: unknown }).keyId === 'string' ? (raw as { keyId: string }).keyId : '';
  try {
    ctx.trust.verify(keyId, manifestBytes, signature);
  } catch (err) {
    throw new BundleError('signature', err instanceof FleetKeyError ? err.message : String(err));
  }
  if (canonicalJson(raw) !== manifestBytes.toString('utf8')) throw new BundleError('format', 'manifest is not in canonical form');
  const manifest = checkSchema(raw);
  if (model.length !== manifest.sizeBytes) throw new BundleError('size', `model is ${model.length} bytes, the manifest says ${manifest.sizeBytes}`);
  const sha256 = createHash('sha256').update(model).digest('hex');
  if (sha256 !== manifest.sha256) throw new BundleError('hash', `model sha256 ${sha256} differs from the signed ${manifest.sha256}`);
  if (compareSemver(ctx.gatewayVersion, manifest.minGatewayVersion) < 0) {
    throw new BundleError('gateway-version', `${manifest.name} ${manifest.version} needs gateway ${manifest.minGatewayVersion}; this is ${ctx.gatewayVersion}`);
  }
  if (ctx.activeVersion !== undefined && compareSemver(manifest.version, ctx.activeVersion) <= 0 && manifest.version !== ctx.allowVersion) {
    throw new BundleError('version', `${manifest.name} ${manifest.version} is not newer than the running ${ctx.activeVersion} (a downgrade needs a signed rollback instruction)`);
  }
  return { manifest, signature, model };
}
