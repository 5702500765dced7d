// Starts one session per configured device through its kind (src/device/kinds/registry.ts, loaded
// lazily), forwards its blocks and status to the bus, and keeps the retained `<device>/status`
// topic current. Nothing here depends on which kinds exist.
import type { DeviceSession } from '../../device/kinds/kind.js';
import { findDeviceKind } from '../../device/kinds/registry.js';
import { ClockSync } from '../../streaming/clock-sync.js';
import type { SampleBlock } from '../../streaming/types.js';
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
        // Device clock -> gateway clock, from when each block's last sample arrived (per stream: a
        // device may run one clock per stream).
        const clocks = new Map<string, ClockSync>();
        const rate = { stream: undefined as string | undefined, samples: 0, sinceMs: performance.now() };
        const onBlock = (block: SampleBlock): void => {
          if (rate.stream === undefined) {
            // The window starts at the first block (not at start-up, which would count the connect
            // time as a slow rate); that block's samples arrived before it.
            rate.stream = block.stream;
            rate.sinceMs = performance.now();
          } else if (block.stream === rate.stream) {
            rate.samples += block.values[0]?.length ?? 0;
            const nowMs = performance.now();
            if (nowMs - rate.sinceMs >= rateWindowMs) {
              const measured = Math.round((10 * rate.samples * 1000) / (nowMs - rate.sinceMs)) / 10;
              ctx.status.update(device.id, { sampleRateHz: { nominal: block.sampleRateHz, measured }, framesLost: session.counters().framesLost });
              rate.samples = 0;
              rate.sinceMs = nowMs;
            }
          }
          let clock = clocks.get(block.stream);
          if (!clock) clocks.set(block.stream, (clock = new ClockSync()));
          const n = block.values[0]?.length ?? 0;
          const lastUs = block.t0Us + (Math.max(0, n - 1) * 1e6) / block.sampleRateHz;
          clock.observe(lastUs, gatewayNowUs());
          const gatewayT0Ms = clock.toGatewayUs(block.t0Us) / 1000;
          ctx.bus.emit('device:block', { deviceId: device.id, block: { ...block, gatewayT0Ms } });
        };
        const session = kind.create({
          deviceId: device.id,
          config: device,
          log,
          io: ctx.io,
          onBlock,
          onHeartRate: (report) => ctx.bus.emit('device:hr', { deviceId: device.id, ...report }),
          onMarker: (marker) => ctx.bus.emit('device:marker', { deviceId: device.id, ...marker }),
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

// Measured sample rate and losses go to the retained status at most this often.
const rateWindowMs = 10_000;

// Monotonic µs that read as Unix time at start (performance.now does not jump with NTP; Date.now can).
function gatewayNowUs(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}
