// The GATT link over node-ble, i.e. BlueZ's D-Bus API (bluetoothd on Raspberry Pi OS). Each
// connection opens its own D-Bus connection and closes it when the link ends: node-ble leaves
// signal listeners on every proxy it creates, and closing the bus is the one way to drop them all.
// Link loss is Device1 Connected=false (node-ble's 'disconnect' event) or bluetoothd leaving the bus.
import { EventEmitter } from 'node:events';
import nodeBle from 'node-ble';
import type dbus from 'dbus-next';
import { DeviceDisconnectedError, TimeoutError } from '../../../common/errors.js';
import { GattError, defaultGattTimeouts, normalizeBluetoothAddress, normalizeUuid } from '../gatt.js';
import type {
  GattFlag,
  GattLink,
  GattLinkEvents,
  GattServiceInfo,
  GattTimeouts,
  GattUnsubscribe,
  GattWriteOptions,
} from '../gatt.js';
import { adapterPaths, knownDevices, objectManager, watchBluezOwner, watchServicesResolved } from './bluez-dbus.js';
import type { KnownDevice } from './bluez-dbus.js';
import { toGattError } from './bluez-errors.js';
import { LinkSession } from './link-session.js';

type Device = nodeBle.Device;
type Characteristic = nodeBle.GattCharacteristic;
type Listener = (bytes: Uint8Array) => void;

/** node-ble keeps its dbus-next bus on the Bluetooth object; its typings omit it. */
interface BluetoothWithBus extends nodeBle.Bluetooth {
  dbus?: dbus.MessageBus;
}

export interface NodeBleLinkOptions {
  /** The peripheral's address (`A0:9E:1A:12:34:56`); or give `name`. */
  address?: string;
  /** The advertised name (exact match on Name or Alias), when the address is not known. */
  name?: string;
  /** Adapter name (`hci0`); default: the first adapter BlueZ lists. */
  adapter?: string;
  timeouts?: Partial<GattTimeouts>;
  /** How often to look again for the peripheral while scanning (besides InterfacesAdded signals). */
  scanPollMs?: number;
}

interface Found {
  adapter: nodeBle.Adapter;
  device: KnownDevice;
}

interface Subscription {
  listeners: Set<Listener>;
  onValue: (value: Buffer) => void;
  /** StartNotify; a second subscriber waits for the first one's. */
  started: Promise<void>;
}

interface Connection {
  session: LinkSession;
  destroy: () => void;
  device?: Device;
  onDeviceDisconnect?: () => void;
  services: GattServiceInfo[];
  characteristics: Map<string, { characteristic: Characteristic; flags: GattFlag[] }>;
  subscriptions: Map<string, Subscription>;
}

export class NodeBleLink extends EventEmitter<GattLinkEvents> implements GattLink {
  readonly address: string;
  private readonly timeouts: GattTimeouts;
  private readonly wantedAddress: string | undefined;
  private connection: Connection | undefined;
  private connected = false;
  private lostError: DeviceDisconnectedError | undefined;

  constructor(private readonly options: NodeBleLinkOptions) {
    super();
    if (!options.address && !options.name) throw new GattError('invalid-argument', 'a BLE link needs an address or a name');
    this.wantedAddress = options.address ? normalizeBluetoothAddress(options.address) : undefined;
    this.address = this.wantedAddress ? `ble:${this.wantedAddress}` : `ble:name=${options.name}`;
    this.timeouts = { ...defaultGattTimeouts, ...options.timeouts };
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async connect(signal?: AbortSignal): Promise<void> {
    if (this.connection) {
      if (this.connected) return;
      throw new GattError('busy', `${this.address}: already connecting`);
    }
    const { bluetooth, destroy } = nodeBle.createBluetooth();
    const conn: Connection = { session: new LinkSession(), destroy, services: [], characteristics: new Map(), subscriptions: new Map() };
    this.connection = conn;
    const bus = (bluetooth as BluetoothWithBus).dbus;
    // dbus-next emits socket errors on the bus; unheard, they would crash the daemon.
    bus?.on('error', (err: Error) => this.lose(conn, `D-Bus connection failed: ${err.message}`));
    const scanning = new AbortController();
    try {
      if (!bus) throw new GattError('io', 'node-ble exposes no D-Bus connection (unsupported node-ble version)');
      const { session } = conn;
      const found = await session
        .run(`finding ${this.address}`, this.timeouts.discoveryTimeoutMs, () => this.find(bluetooth, bus, scanning.signal), signal)
        .catch((err: unknown) => {
          if (!(err instanceof TimeoutError)) throw err;
          throw new GattError('not-found', `${this.address} not found within ${this.timeouts.discoveryTimeoutMs} ms of scanning`);
        });
      await session.run(`connecting ${this.address}`, this.timeouts.connectTimeoutMs, () => this.open(conn, bus, found), signal);
      void watchBluezOwner(bus, () => this.lose(conn, 'bluetoothd left the D-Bus')).catch(() => undefined);
      this.connected = true;
      this.lostError = undefined;
    } catch (err) {
      scanning.abort();
      if (this.connection === conn) this.connection = undefined;
      conn.session.end(new DeviceDisconnectedError(this.address, `${this.address}: connect failed`));
      if (conn.device) await this.bestEffortDisconnect(conn.device);
      this.teardown(conn);
      throw err instanceof TimeoutError || err instanceof DeviceDisconnectedError || err instanceof GattError
        ? err
        : toGattError(err, `connect ${this.address}`);
    } finally {
      scanning.abort();
    }
  }

  async disconnect(): Promise<void> {
    const conn = this.connection;
    if (!conn) return;
    this.connection = undefined;
    this.connected = false;
    conn.session.end(new DeviceDisconnectedError(this.address, `${this.address}: disconnected by the gateway`));
    if (conn.device && conn.onDeviceDisconnect) conn.device.off('disconnect', conn.onDeviceDisconnect);
    if (conn.device) await this.bestEffortDisconnect(conn.device);
    this.teardown(conn);
  }

  /** Asks BlueZ to drop the link (or a pending connect); a stack that does not answer is not waited for. */
  private async bestEffortDisconnect(device: Device): Promise<void> {
    const cleanup = new LinkSession();
    await cleanup.run(`disconnecting ${this.address}`, this.timeouts.operationTimeoutMs, () => device.disconnect()).catch(() => undefined);
  }

  async discover(): Promise<GattServiceInfo[]> {
    const conn = this.live('discover');
    return conn.services.map((s) => ({ uuid: s.uuid, characteristics: s.characteristics.map((c) => ({ uuid: c.uuid, flags: [...c.flags] })) }));
  }

  async read(service: string, characteristic: string): Promise<Uint8Array> {
    const conn = this.live(`read ${characteristic}`);
    const entry = this.lookup(conn, service, characteristic);
    const value = await this.run(conn, `read ${characteristic}`, () => entry.characteristic.readValue());
    return Uint8Array.from(value);
  }

  async write(service: string, characteristic: string, bytes: Uint8Array, options: GattWriteOptions): Promise<void> {
    const conn = this.live(`write ${characteristic}`);
    const { characteristic: c } = this.lookup(conn, service, characteristic);
    const buffer = Buffer.from(bytes);
    await this.run(conn, `write ${characteristic}`, () => (options.withResponse ? c.writeValueWithResponse(buffer) : c.writeValueWithoutResponse(buffer)));
  }

  async subscribe(service: string, characteristic: string, onNotification: Listener): Promise<GattUnsubscribe> {
    const conn = this.live(`subscribe ${characteristic}`);
    const key = this.key(service, characteristic);
    const entry = this.lookup(conn, service, characteristic);
    if (!entry.flags.includes('notify') && !entry.flags.includes('indicate')) {
      throw new GattError('not-supported', `${this.address}: ${characteristic} does not notify`);
    }
    const listener: Listener = (bytes) => onNotification(bytes);
    let subscription = conn.subscriptions.get(key);
    if (!subscription) {
      const listeners = new Set<Listener>();
      // One BLE notification is one PropertiesChanged(Value): handed on whole, in D-Bus order.
      const onValue = (value: Buffer): void => {
        const bytes = Uint8Array.from(value);
        for (const l of [...listeners]) l(bytes);
      };
      // Listening before StartNotify, so the first notification is not missed.
      entry.characteristic.on('valuechanged', onValue);
      const started = this.run(conn, `subscribe ${characteristic}`, () => entry.characteristic.startNotifications());
      const created: Subscription = { listeners, onValue, started };
      subscription = created;
      conn.subscriptions.set(key, created);
      started.catch(() => {
        entry.characteristic.off('valuechanged', onValue);
        if (conn.subscriptions.get(key) === created) conn.subscriptions.delete(key);
      });
    }
    await subscription.started;
    const { listeners, onValue } = subscription;
    listeners.add(listener);
    return async () => {
      if (!listeners.delete(listener) || listeners.size > 0 || conn.subscriptions.get(key) !== subscription) return;
      conn.subscriptions.delete(key);
      entry.characteristic.off('valuechanged', onValue);
      if (conn.session.ended) return;
      await this.run(conn, `unsubscribe ${characteristic}`, () => entry.characteristic.stopNotifications());
    };
  }

  /** Finds the adapter and the peripheral's address, scanning only when BlueZ does not know it yet. */
  private async find(bluetooth: nodeBle.Bluetooth, bus: dbus.MessageBus, stop: AbortSignal): Promise<Found> {
    const manager = await objectManager(bus);
    const paths = await adapterPaths(manager);
    const adapterPath = this.options.adapter ? `/org/bluez/${this.options.adapter}` : paths[0];
    if (!adapterPath || !paths.includes(adapterPath)) {
      throw new GattError('not-found', `no Bluetooth adapter ${this.options.adapter ?? ''} (BlueZ lists ${paths.join(', ') || 'none'})`);
    }
    const adapter = await bluetooth.getAdapter(adapterPath.slice('/org/bluez/'.length));
    const look = async (): Promise<KnownDevice | undefined> => {
      const devices = await knownDevices(manager, adapterPath);
      return devices.find((d) => (this.wantedAddress ? d.address === this.wantedAddress : d.name === this.options.name));
    };
    const known = await look();
    if (known) return { adapter, device: known };
    let startedScan = !(await adapter.isDiscovering());
    if (startedScan) {
      await adapter.startDiscovery().catch((err: unknown) => {
        // Another client started a discovery meanwhile: it serves us as well.
        if (toGattError(err, 'scan').code !== 'busy' && !/already in progress/i.test(String(err))) throw err;
        startedScan = false;
      });
    }
    try {
      const device = await new Promise<KnownDevice>((resolve, reject) => {
        let looking = false;
        const check = (): void => {
          if (looking) return;
          looking = true;
          look().then(
            (a) => {
              looking = false;
              if (a) finish(() => resolve(a));
            },
            (err: unknown) => finish(() => reject(err)),
          );
        };
        // InterfacesAdded answers fast; the poll catches a name that arrives later in a scan response.
        const timer = setInterval(check, this.options.scanPollMs ?? 250);
        const onStop = (): void => finish(() => reject(new GattError('not-found', `scan for ${this.address} stopped`)));
        const finish = (settle: () => void): void => {
          clearInterval(timer);
          manager.off('InterfacesAdded', check);
          stop.removeEventListener('abort', onStop);
          settle();
        };
        manager.on('InterfacesAdded', check);
        stop.addEventListener('abort', onStop, { once: true });
        check();
      });
      return { adapter, device };
    } finally {
      if (startedScan) await adapter.stopDiscovery().catch(() => undefined);
    }
  }

  /** Connects, waits for ServicesResolved and indexes the GATT table. */
  private async open(conn: Connection, bus: dbus.MessageBus, found: Found): Promise<void> {
    const device = await found.adapter.getDevice(found.device.address);
    conn.device = device;
    conn.onDeviceDisconnect = () => this.lose(conn, 'BlueZ reported Connected=false');
    device.on('disconnect', conn.onDeviceDisconnect);
    const services = await watchServicesResolved(bus, found.device.path);
    try {
      await device.connect();
      await services.resolved();
    } finally {
      services.stop();
    }
    const gatt = await device.gatt();
    for (const serviceUuid of await gatt.services()) {
      const service = await gatt.getPrimaryService(serviceUuid);
      const info: GattServiceInfo = { uuid: normalizeUuid(serviceUuid), characteristics: [] };
      for (const characteristicUuid of await service.characteristics()) {
        const characteristic = await service.getCharacteristic(characteristicUuid);
        const flags = (await characteristic.getFlags()) as GattFlag[];
        info.characteristics.push({ uuid: normalizeUuid(characteristicUuid), flags });
        conn.characteristics.set(`${info.uuid}/${normalizeUuid(characteristicUuid)}`, { characteristic, flags });
      }
      conn.services.push(info);
    }
  }

  /** The live connection, or the error an operation gets without one. */
  private live(what: string): Connection {
    const conn = this.connection;
    if (conn && this.connected) return conn;
    throw this.lostError ?? new GattError('not-connected', `${what}: ${this.address} is not connected`);
  }

  private lookup(conn: Connection, service: string, characteristic: string): { characteristic: Characteristic; flags: GattFlag[] } {
    const entry = conn.characteristics.get(this.key(service, characteristic));
    if (!entry) throw new GattError('not-found', `${this.address} has no characteristic ${characteristic} in service ${service}`);
    return entry;
  }

  private key(service: string, characteristic: string): string {
    return `${normalizeUuid(service)}/${normalizeUuid(characteristic)}`;
  }

  private async run<T>(conn: Connection, what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await conn.session.run(`${what} on ${this.address}`, this.timeouts.operationTimeoutMs, operation);
    } catch (err) {
      if (err instanceof TimeoutError || err instanceof DeviceDisconnectedError) throw err;
      const mapped = toGattError(err, `${what} on ${this.address}`);
      if (mapped.code === 'not-connected') {
        // BlueZ answered "Not connected" before its Connected=false signal reached us.
        this.lose(conn, mapped.message);
        throw this.lostError ?? mapped;
      }
      throw mapped;
    }
  }

  private lose(conn: Connection, reason: string): void {
    if (this.connection !== conn) return;
    const wasConnected = this.connected;
    this.connection = undefined;
    this.connected = false;
    const error = new DeviceDisconnectedError(this.address, `${this.address}: link lost (${reason})`);
    if (wasConnected) this.lostError = error;
    conn.session.end(error);
    this.teardown(conn);
    if (wasConnected) this.emit('disconnected', reason);
  }

  private teardown(conn: Connection): void {
    if (conn.device && conn.onDeviceDisconnect) conn.device.off('disconnect', conn.onDeviceDisconnect);
    for (const [key, subscription] of conn.subscriptions) conn.characteristics.get(key)?.characteristic.off('valuechanged', subscription.onValue);
    conn.subscriptions.clear();
    conn.destroy();
  }
}
