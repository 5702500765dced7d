// Fleet delivery over any standard MQTT broker (Mosquitto, EMQX, HiveMQ: retained messages only,
// nothing broker-specific). Under `<base>/fleet/<group>/`:
//   models/<model>                       retained JSON announcement (below); an empty retained
//                                        message clears it
//   bundles/<model>/<version>/<index>    retained binary chunks of the signed bundle
// A gateway subscribes to the announcements of its group and, for a model it runs, fetches the
// chunks it does not have yet (resume after a cut), then verifies and activates (updater.ts).
import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { MAX_MODEL_BYTES } from './bundle.js';

export const MAX_CHUNK_BYTES = 256 * 1024;
/** A bundle holds the model plus its manifest (golden vectors): bounded a little above the model limit. */
export const MAX_BUNDLE_BYTES = MAX_MODEL_BYTES + 4 * 1024 * 1024 + 1024;

export const AnnouncementSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?$' }),
    /** sha256 of the whole bundle file (the signature inside covers the model; this guards the transfer). */
    bundleSha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    bundleBytes: Type.Integer({ minimum: 1, maximum: MAX_BUNDLE_BYTES }),
    chunkBytes: Type.Integer({ minimum: 1024, maximum: MAX_CHUNK_BYTES }),
    chunks: Type.Integer({ minimum: 1, maximum: Math.ceil(MAX_BUNDLE_BYTES / 1024) }),
    /** Share of the group that takes it, 1-100 (a stable hash of the gateway id decides). */
    canaryPercent: Type.Integer({ minimum: 1, maximum: 100, default: 100 }),
    createdAt: Type.String({ minLength: 10 }),
  },
  { additionalProperties: false },
);

export type Announcement = Static<typeof AnnouncementSchema>;

export const fleetTopics = (baseTopic: string, group: string) => {
  const root = `${baseTopic}/fleet/${group}`;
  return {
    announcements: `${root}/models/+`,
    announcement: (model: string) => `${root}/models/${model}`,
    chunks: (model: string, version: string) => `${root}/bundles/${model}/${version}/+`,
    chunk: (model: string, version: string, index: number) => `${root}/bundles/${model}/${version}/${index}`,
  };
};

export function parseAnnouncement(payload: Buffer): Announcement {
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new Error(`announcement is not JSON (${(err as Error).message})`);
  }
  const value = Value.Default(AnnouncementSchema, raw);
  const errors = [...Value.Errors(AnnouncementSchema, value)].slice(0, 3);
  if (errors.length > 0) throw new Error(`announcement: ${errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`);
  const a = value as Announcement;
  if (a.chunks !== Math.ceil(a.bundleBytes / a.chunkBytes)) throw new Error(`announcement: ${a.chunks} chunks cannot hold ${a.bundleBytes} bytes in ${a.chunkBytes}-byte chunks`);
  return a;
}

/** Whether a canary of `percent` % reaches this gateway: stable per gateway, model and version. */
export function inCanary(gatewayId: string, a: Pick<Announcement, 'name' | 'version' | 'canaryPercent'>): boolean {
  if (a.canaryPercent >= 100) return true;
  const h = createHash('sha256').update(`${gatewayId}\n${a.name}\n${a.version}`).digest();
  return h.readUInt32BE(0) % 100 < a.canaryPercent;
}

/** Splits a bundle into the announcement and its chunks (the operator side). */
export function chunkBundle(name: string, version: string, bundle: Uint8Array, options: { chunkBytes?: number; canaryPercent?: number; createdAt?: string } = {}) {
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  const chunks: Buffer[] = [];
  for (let at = 0; at < bundle.length; at += chunkBytes) chunks.push(Buffer.from(bundle.subarray(at, at + chunkBytes)));
  const announcement: Announcement = {
    name,
    version,
    bundleSha256: createHash('sha256').update(bundle).digest('hex'),
    bundleBytes: bundle.length,
    chunkBytes,
    chunks: chunks.length,
    canaryPercent: options.canaryPercent ?? 100,
    createdAt: options.createdAt ?? new Date().toISOString(),
  };
  return { announcement, chunks };
}
