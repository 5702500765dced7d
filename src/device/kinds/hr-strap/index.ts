// The hr-strap device kind: every BLE heart-rate strap. A GATT session (supervised link) whose setup
// subscribes to the Heart Rate Measurement and reads the battery; HR/RR go out as heart-rate
// reports, contact and battery as status. No sample stream: RR comes as events.
import { bleLink, GattSession, gattSessionBasics, withLinkCounters } from '../gatt-session.js';
import type { DeviceKind, DeviceSession, DeviceSessionContext } from '../kind.js';
import { zeroCounters } from '../kind.js';
import type { GattLink } from '../../transports/gatt.js';
import { HeartRateChannel } from './heart-rate.js';
import type { HrStrapConfig } from './schema.js';

export const kind: DeviceKind<HrStrapConfig> = {
  kind: 'hr-strap',
  streams: () => [{ stream: 'rr', channels: ['RR'], unit: 'ms' }],
  create: (context) => createHrStrapSession(context, bleLink(context.config.transport)),
};

/** The session over a given link (the real one is node-ble; tests pass a SimGattLink). */
export function createHrStrapSession(context: DeviceSessionContext<HrStrapConfig>, link: GattLink): DeviceSession {
  const { config, log } = context;
  const counters = zeroCounters();
  const heartRate = new HeartRateChannel({
    log,
    counters,
    onHeartRate: context.onHeartRate,
    onStatus: context.onStatus,
    isConnected: () => session.supervisor.connected,
  });
  const session: GattSession = new GattSession({
    ...gattSessionBasics(context),
    link,
    setup: (l, alive) => heartRate.attach(l, alive),
    onLinkEnd: () => heartRate.detach(),
  });
  return {
    transport: 'ble',
    address: link.address,
    start: () => session.start(),
    stop: () => session.stop(),
    counters: () => withLinkCounters(counters, session),
  };
}
