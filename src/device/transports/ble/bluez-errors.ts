// BlueZ and node-ble errors to GattError codes, so callers never parse D-Bus error names.
import { GattError } from '../gatt.js';
import type { GattErrorCode } from '../gatt.js';

const byBluezName: Record<string, GattErrorCode> = {
  'org.bluez.Error.NotPermitted': 'not-permitted',
  'org.bluez.Error.NotAuthorized': 'not-permitted',
  'org.bluez.Error.NotSupported': 'not-supported',
  'org.bluez.Error.InProgress': 'busy',
  'org.bluez.Error.DoesNotExist': 'not-found',
  'org.bluez.Error.InvalidValueLength': 'invalid-argument',
  'org.bluez.Error.InvalidArguments': 'invalid-argument',
  'org.bluez.Error.InvalidOffset': 'invalid-argument',
  'org.bluez.Error.NotConnected': 'not-connected',
  'org.freedesktop.DBus.Error.UnknownObject': 'not-found',
  'org.freedesktop.DBus.Error.UnknownMethod': 'not-found',
  'org.freedesktop.DBus.Error.ServiceUnknown': 'not-found',
  'org.freedesktop.DBus.Error.NoReply': 'io',
};

// node-ble's own errors are plain Errors with these messages.
const byNodeBleMessage: Record<string, GattErrorCode> = {
  'No available adapters found': 'not-found',
  'Adapter not found': 'not-found',
  'Device not found': 'not-found',
  'Service not available': 'not-found',
  'Characteristic not available': 'not-found',
};

export function toGattError(err: unknown, what: string): GattError {
  if (err instanceof GattError) return err;
  const type = (err as { type?: unknown }).type;
  const text = (err as { text?: unknown }).text;
  const message = typeof text === 'string' ? text : err instanceof Error ? err.message : String(err);
  if (typeof type === 'string') {
    // BlueZ says "Failed: Not connected" for operations on a link that just dropped.
    const code = byBluezName[type] ?? (/not connected/i.test(message) ? 'not-connected' : 'io');
    return new GattError(code, `${what}: ${type}: ${message}`);
  }
  return new GattError(byNodeBleMessage[message] ?? 'io', `${what}: ${message}`);
}
