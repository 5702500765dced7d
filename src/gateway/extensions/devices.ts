// Starts one session per configured device through its kind (src/device/kinds/registry.ts, loaded
// lazily), forwards its blocks and status to the bus, and keeps the retained `<device>/status`
// topic current. Nothing here depends on which kinds exist.
import type { DeviceSession } from '../../device/kinds/kind.js';
import { findDeviceKind } from '../../device/kinds/registry.js';
import type { Extension, ExtensionContext } from '../context.js';

export function devicesExtension(ctx: ExtensionContext): Extension {
  const sessions: DeviceSession[] = [];
  return {
    name: 'devices',
    async start() {
      for (const device of ctx.config.devices) {
        if (!device.enabled) continue;
        const entry = findDeviceKind(device.kind);
        if (!entry) throw new Error(`device '${device.id}': unknown kind '${device.kind}'`); // the config validation refuses these
        const kind = await entry.load();
        const log = ctx.log.child(`device:${device.id}`);
        const session = kind.create({
          deviceId: device.id,
          config: device,
          log,
          onBlock: (block) => ctx.bus.emit('device:block', { deviceId: device.id, block }),
          onHeartRate: (report) => ctx.bus.emit('device:hr', { deviceId: device.id, ...report }),
          onStatus: (status) => {
            // A disconnect keeps the last known battery, so dashboards don't blank out.
            ctx.status.update(device.id, {
              connected: status.connected,
              reason: status.connected ? undefined : status.reason,
              ...(status.batteryPercent != null ? { batteryPercent: status.batteryPercent } : {}),
              ...(status.leadOff !== undefined ? { leadOff: status.leadOff } : {}),
              ...(status.saturated !== undefined ? { saturated: status.saturated } : {}),
            });
            ctx.bus.emit('device:status', { deviceId: device.id, status });
          },
        });
        ctx.devices.set(device.id, {
          info: { id: device.id, kind: device.kind, transport: session.transport, address: session.address },
          stats: () => session.counters(),
        });
        sessions.push(session);
        session.start();
      }
    },
    async stop() {
      await Promise.all(sessions.map((s) => s.stop()));
    },
  };
}
