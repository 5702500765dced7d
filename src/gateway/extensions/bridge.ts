// The gateway's own topics: retained `bridge/info`, periodic `bridge/health`, and the
// request verbs `info` and `health` on `bridge/request/<verb>`.
import { statfsSync } from 'node:fs';
import type { BridgeHealth, BridgeInfo, BridgeStatus, DeviceHealth, StorageHealth } from '../../mqtt/api.js';
import type { Extension, ExtensionContext } from '../context.js';

const notice =
  'weargate research software. ECG similarity and EEG MDD outputs are research screening signals, not diagnoses.';

export function bridgeExtension(ctx: ExtensionContext): Extension {
  let timer: NodeJS.Timeout | undefined;
  let lastCpu = process.cpuUsage();
  let lastWallMs = performance.now();
  const unhandle: Array<() => void> = [];

  const info = (): BridgeInfo => ({
    version: ctx.version,
    gatewayId: ctx.config.gatewayId,
    startedAt: ctx.startedAt.toISOString(),
    devices: [...ctx.devices.values()].map((d) => d.info),
    models: ctx.models.infos(),
    notice,
  });

  const storage = (): StorageHealth => ({ ...ctx.publisher.storage, freeBytes: freeBytes(ctx.config.dataDir) });
  const status = (): BridgeStatus => ({ t: Date.now(), storage: storage() });

  const health = (): BridgeHealth => {
    const cpu = process.cpuUsage();
    const wallMs = performance.now();
    const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    const cpuPercent = wallMs > lastWallMs ? (100 * cpuMs) / (wallMs - lastWallMs) : 0;
    lastCpu = cpu;
    lastWallMs = wallMs;
    const memory = process.memoryUsage();
    const devices: Record<string, DeviceHealth> = {};
    for (const [id, device] of ctx.devices) {
      devices[id] = { ...device.stats(), rejected: ctx.status.rejected(id) };
    }
    return {
      t: Date.now(),
      uptimeS: Math.round((Date.now() - ctx.startedAt.getTime()) / 1000),
      cpuPercent: Math.round(cpuPercent * 10) / 10,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      arrayBuffersBytes: memory.arrayBuffers,
      outbox: ctx.publisher.stats(),
      storage: storage(),
      requests: ctx.publisher.requestStats(),
      ...(ctx.brokerRefusals && { broker: ctx.brokerRefusals() }),
      ...(ctx.health?.recording && { recording: ctx.health.recording() }),
      devices,
    };
  };

  return {
    name: 'bridge',
    start() {
      ctx.publisher.publish(ctx.topics.bridgeInfo, info());
      ctx.publisher.publish(ctx.topics.bridgeStatus, status());
      unhandle.push(ctx.publisher.events.on('storage', () => ctx.publisher.publish(ctx.topics.bridgeStatus, status())));
      unhandle.push(ctx.publisher.handle('info', () => info(), 'read-only'));
      // A model loaded later, activated by a fleet update or rolled back changes what bridge/info says.
      unhandle.push(ctx.models.onChange(() => ctx.publisher.publish(ctx.topics.bridgeInfo, info())));
      unhandle.push(ctx.publisher.handle('health', () => health(), 'read-only'));
      timer = setInterval(() => ctx.publisher.publish(ctx.topics.bridgeHealth, health()), ctx.config.health.intervalS * 1000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      for (const off of unhandle) off();
    },
  };
}

/** Free bytes for this user on the filesystem holding `dir`; null when it cannot be read. */
function freeBytes(dir: string): number | null {
  try {
    const fs = statfsSync(dir);
    return fs.bavail * fs.bsize;
  } catch {
    return null;
  }
}
