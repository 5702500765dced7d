// The GATT link contract (ARCHITECTURE.md): a connection to one BLE peripheral, seen as services and
// characteristics. BLE is not a byte stream: each notification is one ATT packet and is delivered
// whole, in order, to the subscriber of its characteristic. Device protocols (Polar PMD, Muse, the
// garment over BLE) sit on top. Every implementation and simulator passes
// tests/device/transports/gatt-contract.ts.
//
// Errors, so callers branch on classes and codes:
// - TimeoutError: an operation did not finish within its timeout (every operation has one).
// - DeviceDisconnectedError: the link was lost during the operation, or was lost before it and
//   has not been reconnected (the message carries the reason).
// - GattError: everything else, with a code; 'not-connected' when connect() was never called or
//   disconnect() was.
import type { EventEmitter } from 'node:events';

export type GattErrorCode =
  | 'not-found' // no such device, service or characteristic
  | 'not-connected'
  | 'not-permitted' // the characteristic does not allow this operation (flags)
  | 'not-supported'
  | 'busy' // another operation of the same kind is in progress (BlueZ InProgress)
  | 'invalid-argument'
  | 'io'; // anything the stack reported that fits nothing above

export class GattError extends Error {
  override readonly name = 'GattError';
  constructor(
    readonly code: GattErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Characteristic properties as BlueZ spells them (GattCharacteristic1.Flags). */
export type GattFlag =
  | 'broadcast'
  | 'read'
  | 'write-without-response'
  | 'write'
  | 'notify'
  | 'indicate'
  | 'authenticated-signed-writes'
  | 'reliable-write'
  | 'writable-auxiliaries';

export interface GattCharacteristicInfo {
  /** Lowercase 128-bit UUID. */
  uuid: string;
  flags: GattFlag[];
}

export interface GattServiceInfo {
  /** Lowercase 128-bit UUID. */
  uuid: string;
  characteristics: GattCharacteristicInfo[];
}

export interface GattWriteOptions {
  /** true: ATT Write Request, resolves when the peripheral acknowledged; false: Write Command. */
  withResponse: boolean;
}

export type GattUnsubscribe = () => Promise<void>;

export interface GattLinkEvents {
  /** The link was lost (out of range, peripheral reset, adapter gone). Not emitted by disconnect(). */
  disconnected: [reason: string];
}

export interface GattLink {
  /** Human-readable identity, e.g. `ble:A0:9E:1A:12:34:56` or `ble:name=Polar H10 1234`. */
  readonly address: string;
  readonly isConnected: boolean;
  /**
   * Finds the peripheral (scanning when needed), connects and waits until its services are
   * resolved. Rejects with TimeoutError, GattError('not-found') or the signal's reason.
   */
  connect(signal?: AbortSignal): Promise<void>;
  /** Disconnects; idempotent. Subscriptions end; pending operations reject with DeviceDisconnectedError. */
  disconnect(): Promise<void>;
  discover(): Promise<GattServiceInfo[]>;
  read(service: string, characteristic: string): Promise<Uint8Array>;
  write(service: string, characteristic: string, bytes: Uint8Array, options: GattWriteOptions): Promise<void>;
  /**
   * Enables notifications (or indications). Each notification reaches `onNotification` whole and in
   * arrival order. Subscriptions do not survive a lost link: subscribe again after reconnecting.
   */
  subscribe(service: string, characteristic: string, onNotification: (bytes: Uint8Array) => void): Promise<GattUnsubscribe>;
  on<K extends keyof GattLinkEvents>(event: K, listener: (...args: GattLinkEvents[K]) => void): this;
  off<K extends keyof GattLinkEvents>(event: K, listener: (...args: GattLinkEvents[K]) => void): this;
  once<K extends keyof GattLinkEvents>(event: K, listener: (...args: GattLinkEvents[K]) => void): this;
}

export type GattLinkEmitter = EventEmitter<GattLinkEvents>;

/** Timeouts every implementation applies; defaults suit a Pi talking to a strap a few metres away. */
export interface GattTimeouts {
  /** Finding the peripheral by scanning. */
  discoveryTimeoutMs: number;
  /** Connecting plus service resolution. */
  connectTimeoutMs: number;
  /** One read, write, subscribe, unsubscribe or discover. */
  operationTimeoutMs: number;
}

export const defaultGattTimeouts: GattTimeouts = { discoveryTimeoutMs: 10_000, connectTimeoutMs: 15_000, operationTimeoutMs: 5_000 };

const bluetoothBaseUuidTail = '-0000-1000-8000-00805f9b34fb';

/** 16-bit (`180d`, `0x180D`), 32-bit or 128-bit UUID to lowercase 128-bit form. */
export function normalizeUuid(uuid: string): string {
  const text = uuid.trim().toLowerCase().replace(/^0x/, '');
  if (/^[0-9a-f]{4}$/.test(text)) return `0000${text}${bluetoothBaseUuidTail}`;
  if (/^[0-9a-f]{8}$/.test(text)) return `${text}${bluetoothBaseUuidTail}`;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text)) return text;
  if (/^[0-9a-f]{32}$/.test(text)) {
    return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
  }
  throw new GattError('invalid-argument', `not a Bluetooth UUID: '${uuid}'`);
}

/** `aa:bb:...` to the upper-case form BlueZ uses; rejects anything that is not a 48-bit address. */
export function normalizeBluetoothAddress(address: string): string {
  const text = address.trim().toUpperCase();
  if (!/^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/.test(text)) {
    throw new GattError('invalid-argument', `not a Bluetooth address: '${address}'`);
  }
  return text;
}
