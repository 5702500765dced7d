// Starts one client per configured device, forwards its blocks and status to the bus, and keeps the
// retained `<device>/status` topic current.
import { GarmentClient } from '../../device/garment-client.js';
import { SerialTransport } from '../../device/transports/serial.js';
import type { Extension, ExtensionContext } from '../context.js';

export function devicesExtension(ctx: ExtensionContext): Extension {
  const clients: GarmentClient[] = [];
  return {
    name: 'devices',
    start() {
      for (const device of ctx.config.devices) {
        if (!device.enabled) continue;
        const transport = new SerialTransport({ path: device.transport.path, baudRate: device.transport.baudRate });
        const log = ctx.log.child(`device:${device.id}`);
        transport.on('error', (err) => log.warn(`transport error: ${err.message}`));
        const client = new GarmentClient({ deviceId: device.id, transport, reconnect: device.reconnect, silenceTimeoutMs: device.silenceTimeoutS * 1000, log });
        client.on('block', (block) => ctx.bus.emit('device:block', { deviceId: device.id, block }));
        client.on('status', (status) => {
          // A disconnect keeps the last known battery, so dashboards don't blank out.
          ctx.status.update(device.id, {
            connected: status.connected,
            reason: status.connected ? undefined : status.reason,
            ...(status.batteryPercent != null ? { batteryPercent: status.batteryPercent } : {}),
            ...(status.leadOff !== undefined ? { leadOff: status.leadOff } : {}),
            ...(status.saturated !== undefined ? { saturated: status.saturated } : {}),
          });
          ctx.bus.emit('device:status', { deviceId: device.id, status });
        });
        ctx.devices.set(device.id, {
          info: { id: device.id, kind: device.kind, transport: device.transport.type, address: transport.address },
          stats: () => client.stats,
        });
        clients.push(client);
        client.start();
      }
    },
    async stop() {
      await Promise.all(clients.map((c) => c.stop()));
    },
  };
}
