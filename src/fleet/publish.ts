// The operator side of delivery: a signed bundle to a group, as retained messages on any broker —
// the chunks first, the announcement last, so a gateway never sees an announcement whose chunks
// are not there yet. Withdrawing clears the announcement (an empty retained message).
import { connectAsync, type IClientOptions } from 'mqtt';
import { chunkBundle, fleetTopics, type Announcement } from './announce.js';
import { parseBundle } from './bundle.js';

export interface PublishOptions {
  url: string;
  baseTopic?: string;
  group: string;
  canaryPercent?: number;
  chunkBytes?: number;
  client?: IClientOptions;
}

export async function publishBundle(bundleBytes: Uint8Array, options: PublishOptions): Promise<Announcement> {
  const { manifest } = parseBundle(bundleBytes);
  const { announcement, chunks } = chunkBundle(manifest.name, manifest.version, bundleBytes, {
    ...(options.chunkBytes !== undefined && { chunkBytes: options.chunkBytes }),
    ...(options.canaryPercent !== undefined && { canaryPercent: options.canaryPercent }),
  });
  const topics = fleetTopics(options.baseTopic ?? 'weargate', options.group);
  const client = await connectAsync(options.url, { reconnectPeriod: 0, connectTimeout: 10_000, ...options.client });
  try {
    for (let i = 0; i < chunks.length; i++) await client.publishAsync(topics.chunk(manifest.name, manifest.version, i), chunks[i], { qos: 1, retain: true });
    await client.publishAsync(topics.announcement(manifest.name), JSON.stringify(announcement), { qos: 1, retain: true });
  } finally {
    await client.endAsync();
  }
  return announcement;
}

/** Clears the model's announcement (gateways that took it keep running it; nobody new starts). */
export async function withdrawModel(name: string, options: Omit<PublishOptions, 'canaryPercent' | 'chunkBytes'>): Promise<void> {
  const topics = fleetTopics(options.baseTopic ?? 'weargate', options.group);
  const client = await connectAsync(options.url, { reconnectPeriod: 0, connectTimeout: 10_000, ...options.client });
  try {
    await client.publishAsync(topics.announcement(name), '', { qos: 1, retain: true });
  } finally {
    await client.endAsync();
  }
}
