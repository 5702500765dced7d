// The operator's view of a fleet, read from the retained topics every gateway keeps on the broker:
// `<base>/<gw>/bridge/state`, `bridge/info` (models running) and `bridge/models` (update state).
// Also `promote`: re-announce a canary to the whole group (same bundle, canaryPercent 100).
import { connectAsync, type IClientOptions } from 'mqtt';
import type { BridgeInfo, BridgeModels } from '../mqtt/api.js';
import { fleetTopics, parseAnnouncement, type Announcement } from './announce.js';

export interface GatewayRow {
  gatewayId: string;
  state: string;
  models: { name: string; version: string; precision?: string; update?: string; target?: string; error?: string }[];
}

/** Collects the retained state of every gateway under `baseTopic` for `quietMs` after the last message. */
export async function fleetStatus(url: string, options: { baseTopic?: string; quietMs?: number; client?: IClientOptions } = {}): Promise<GatewayRow[]> {
  const base = options.baseTopic ?? 'weargate';
  const client = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 10_000, ...options.client });
  const rows = new Map<string, { state: string; info?: BridgeInfo; models?: BridgeModels }>();
  const row = (id: string) => rows.get(id) ?? rows.set(id, { state: 'unknown' }).get(id)!;
  try {
    let last = Date.now();
    client.on('message', (topic, payload) => {
      last = Date.now();
      const m = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/([^/]+)/bridge/(state|info|models)$`).exec(topic);
      if (!m || m[1] === 'fleet' || payload.length === 0) return;
      try {
        if (m[2] === 'state') row(m[1]).state = payload.toString();
        else if (m[2] === 'info') row(m[1]).info = JSON.parse(payload.toString()) as BridgeInfo;
        else row(m[1]).models = JSON.parse(payload.toString()) as BridgeModels;
      } catch {
        // a malformed retained message is shown as missing
      }
    });
    await client.subscribeAsync([`${base}/+/bridge/state`, `${base}/+/bridge/info`, `${base}/+/bridge/models`], { qos: 1 });
    const quietMs = options.quietMs ?? 1000;
    while (Date.now() - last < quietMs) await new Promise((r) => setTimeout(r, 100));
  } finally {
    await client.endAsync();
  }
  return [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([gatewayId, r]) => {
    const updates = new Map((r.models?.models ?? []).map((m) => [m.name, m]));
    const names = new Set([...(r.info?.models ?? []).map((m) => m.name), ...updates.keys()]);
    return {
      gatewayId,
      state: r.state,
      models: [...names].sort().map((name) => {
        const running = r.info?.models.find((m) => m.name === name);
        const u = updates.get(name);
        return {
          name,
          version: running?.version ?? u?.activeVersion ?? '?',
          ...(running?.precision !== undefined && { precision: running.precision }),
          ...(u && { update: u.state, target: u.version }),
          ...(u?.error !== undefined && { error: u.error }),
        };
      }),
    };
  });
}

export function formatFleetStatus(rows: GatewayRow[]): string {
  const lines = ['gateway\tstate\tmodel\trunning\tupdate'];
  for (const r of rows) {
    if (r.models.length === 0) lines.push(`${r.gatewayId}\t${r.state}\t-\t-\t-`);
    for (const m of r.models) lines.push(`${r.gatewayId}\t${r.state}\t${m.name}\t${m.version}${m.precision ? ` (${m.precision})` : ''}\t${m.update ? `${m.update} ${m.target}${m.error ? `: ${m.error}` : ''}` : '-'}`);
  }
  return lines.join('\n');
}

/** Re-announces a model's current announcement to the whole group (canaryPercent 100). */
export async function promoteModel(name: string, options: { url: string; group: string; baseTopic?: string; client?: IClientOptions; waitMs?: number }): Promise<Announcement> {
  const topics = fleetTopics(options.baseTopic ?? 'weargate', options.group);
  const client = await connectAsync(options.url, { reconnectPeriod: 0, connectTimeout: 10_000, ...options.client });
  try {
    const retained = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no announcement of ${name} in ${options.group}`)), options.waitMs ?? 3000);
      client.on('message', (topic, payload) => {
        if (topic !== topics.announcement(name) || payload.length === 0) return;
        clearTimeout(timer);
        resolve(payload);
      });
    });
    await client.subscribeAsync(topics.announcement(name), { qos: 1 });
    const current = parseAnnouncement(await retained);
    const promoted: Announcement = { ...current, canaryPercent: 100 };
    await client.publishAsync(topics.announcement(name), JSON.stringify(promoted), { qos: 1, retain: true });
    return promoted;
  } finally {
    await client.endAsync();
  }
}
