// A fake BlueZ (bluetoothd) on a D-Bus bus, written with dbus-next: owns `org.bluez` and exports
// the objects real BlueZ does (ObjectManager at /, AgentManager1 at /org/bluez, Adapter1 at
// /org/bluez/hci0, Device1 per peripheral, GattService1/GattCharacteristic1 below it while
// connected). node-ble, pointed at the bus with DBUS_SYSTEM_BUS_ADDRESS, cannot tell the
// difference. The peripherals are SimulatedPeripheral data; their faults show up here as BlueZ
// shows them (Connected=false on link loss, held or missing Value changes, unanswered calls).
import dbus from 'dbus-next';
import { normalizeBluetoothAddress } from '../../src/device/transports/gatt.js';
import {
  Adapter1,
  AgentManager1,
  Device1,
  GattCharacteristic1,
  GattService1,
  ObjectManager,
  bluezError,
  propertyVariants,
  setProperties,
} from './bluez-objects.js';
import type { ManagedObjects, Variants } from './bluez-objects.js';
import type { PeripheralRadio, SimulatedPeripheral } from './peripheral.js';

type DBusInterface = InstanceType<typeof dbus.interface.Interface>;

export interface FakeBluezOptions {
  /** D-Bus address of the bus to own org.bluez on (a private dbus-daemon in tests). */
  busAddress: string;
  adapterName?: string;
  adapterAddress?: string;
  /** Delay between Connected=true and ServicesResolved=true (service discovery on a real link). */
  servicesResolveDelayMs?: number;
}

interface DeviceEntry {
  peripheral: SimulatedPeripheral;
  path: string;
  device: Device1;
  gattObjects: { path: string; iface: DBusInterface }[];
  characteristics: Map<string, GattCharacteristic1>;
  /** Changes on every connect and disconnect; late timers of an old link check it. */
  linkGeneration: number;
}

export class FakeBluez {
  readonly adapterPath: string;
  private readonly bus: dbus.MessageBus;
  private readonly objectManager: ObjectManager;
  private readonly adapter: Adapter1;
  private readonly objects = new Map<string, { iface: DBusInterface; name: string }[]>();
  private readonly devices = new Map<string, DeviceEntry>();
  private readonly peripherals = new Map<string, { peripheral: SimulatedPeripheral; cached: boolean }>();
  private readonly servicesResolveDelayMs: number;

  private constructor(options: FakeBluezOptions, bus: dbus.MessageBus) {
    this.bus = bus;
    this.adapterPath = `/org/bluez/${options.adapterName ?? 'hci0'}`;
    this.servicesResolveDelayMs = options.servicesResolveDelayMs ?? 20;
    this.objectManager = new ObjectManager(() => this.managedObjects());
    this.adapter = new Adapter1(options.adapterAddress ?? '00:1A:7D:DA:71:13', 'weargate-fake', {
      startDiscovery: () => this.startDiscovery(),
      stopDiscovery: () => setProperties(this.adapter, { Discovering: false }),
      removeDevice: (path) => this.removeDevicePath(path),
    });
  }

  static async start(options: FakeBluezOptions): Promise<FakeBluez> {
    const bus = dbus.sessionBus({ busAddress: options.busAddress });
    const connected = new Promise<void>((resolve, reject) => {
      bus.once('connect', resolve);
      bus.once('error', reject);
    });
    await connected;
    bus.on('error', () => undefined); // a bus that goes away at the end of a test is not a crash
    const bluez = new FakeBluez(options, bus);
    bus.export('/', bluez.objectManager);
    bus.export('/org/bluez', new AgentManager1());
    bluez.exportObject(bluez.adapterPath, 'org.bluez.Adapter1', bluez.adapter);
    const reply = await bus.requestName('org.bluez', dbus.NameFlag.DO_NOT_QUEUE);
    if (reply !== dbus.RequestNameReply.PRIMARY_OWNER) throw new Error(`org.bluez is already owned on ${options.busAddress}`);
    return bluez;
  }

  /**
   * Makes a peripheral known. `cached: true` exports its Device1 at once (a device BlueZ remembers);
   * otherwise it appears when a discovery runs, as an advertising device does.
   */
  addPeripheral(peripheral: SimulatedPeripheral, options: { cached?: boolean } = {}): void {
    this.peripherals.set(peripheral.address, { peripheral, cached: options.cached ?? false });
    if (options.cached || this.adapter.Discovering) this.ensureDevice(peripheral);
  }

  /** Forgets a peripheral: its link drops and its Device1 goes away. */
  removePeripheral(address: string): void {
    const key = normalizeBluetoothAddress(address);
    this.peripherals.delete(key);
    const entry = this.devices.get(key);
    if (entry) this.removeDevicePath(entry.path);
  }

  async stop(): Promise<void> {
    for (const entry of this.devices.values()) entry.peripheral.detach();
    await this.bus.releaseName('org.bluez').catch(() => undefined);
    this.bus.disconnect();
  }

  private startDiscovery(): void {
    setProperties(this.adapter, { Discovering: true });
    for (const { peripheral } of this.peripherals.values()) if (peripheral.inRange) this.ensureDevice(peripheral);
  }

  private ensureDevice(peripheral: SimulatedPeripheral): DeviceEntry {
    const existing = this.devices.get(peripheral.address);
    if (existing) {
      if (existing.device.RSSI !== peripheral.rssiDbm) setProperties(existing.device, { RSSI: peripheral.rssiDbm });
      return existing;
    }
    const path = `${this.adapterPath}/dev_${peripheral.address.replace(/:/g, '_')}`;
    const device = new Device1(
      { address: peripheral.address, name: peripheral.name, rssiDbm: peripheral.rssiDbm, uuids: peripheral.advertisedServiceUuids, adapterPath: this.adapterPath },
      { connect: () => this.connect(entry), disconnect: async () => this.linkDown(entry, undefined) },
    );
    const entry: DeviceEntry = { peripheral, path, device, gattObjects: [], characteristics: new Map(), linkGeneration: 0 };
    this.devices.set(peripheral.address, entry);
    this.exportObject(path, 'org.bluez.Device1', entry.device);
    return entry;
  }

  private async connect(entry: DeviceEntry): Promise<void> {
    if (entry.device.Connected) return;
    const { peripheral } = entry;
    const attempt = entry.linkGeneration;
    await peripheral.responsive();
    // Disconnect() while connecting cancels the attempt, as in BlueZ.
    if (entry.linkGeneration !== attempt || !peripheral.inRange || !this.devices.has(peripheral.address)) {
      throw bluezError('Failed', 'le-connection-abort-by-local');
    }
    const generation = ++entry.linkGeneration;
    const radio: PeripheralRadio = {
      notification: (serviceUuid, characteristicUuid, bytes) => {
        const characteristic = entry.characteristics.get(`${serviceUuid}/${characteristicUuid}`);
        if (characteristic?.Notifying) setProperties(characteristic, { Value: Buffer.from(bytes) });
      },
      linkLost: () => {
        if (entry.linkGeneration === generation) this.linkDown(entry, 'lost');
      },
    };
    peripheral.attach(radio);
    this.exportGatt(entry);
    setProperties(entry.device, { Connected: true });
    // Like a real link: the Connect reply first, ServicesResolved once discovery ran.
    setTimeout(() => {
      if (entry.linkGeneration === generation && entry.device.Connected) setProperties(entry.device, { ServicesResolved: true });
    }, this.servicesResolveDelayMs);
  }

  /** Link down from either side; `cause` undefined means Disconnect() by a client. */
  private linkDown(entry: DeviceEntry, cause: 'lost' | undefined): void {
    entry.linkGeneration++;
    if (cause === undefined) entry.peripheral.detach();
    if (!entry.device.Connected) return;
    if (entry.device.ServicesResolved) setProperties(entry.device, { ServicesResolved: false });
    setProperties(entry.device, { Connected: false });
    this.unexportGatt(entry);
  }

  private exportGatt(entry: DeviceEntry): void {
    let handle = 0x000a;
    for (const service of entry.peripheral.services) {
      const servicePath = `${entry.path}/service${hex4(handle++)}`;
      const serviceIface = new GattService1(service.uuid, entry.path);
      this.exportObject(servicePath, 'org.bluez.GattService1', serviceIface);
      entry.gattObjects.push({ path: servicePath, iface: serviceIface });
      for (const c of service.characteristics) {
        const charPath = `${servicePath}/char${hex4(handle)}`;
        handle += 2;
        const ref = { service: service.uuid, characteristic: c.uuid };
        const characteristic: GattCharacteristic1 = new GattCharacteristic1(c.uuid, servicePath, c.flags, {
          read: () => this.guard(entry, () => entry.peripheral.read(ref.service, ref.characteristic)),
          write: (bytes, type) =>
            this.guard(entry, () => entry.peripheral.write(ref.service, ref.characteristic, bytes, { withResponse: type !== 'command' })),
          startNotify: () => {
            this.translate(() => entry.peripheral.setNotifying(ref.service, ref.characteristic, true));
            if (!characteristic.Notifying) setProperties(characteristic, { Notifying: true });
          },
          stopNotify: () => {
            if (entry.peripheral.connected) entry.peripheral.setNotifying(ref.service, ref.characteristic, false);
            if (characteristic.Notifying) setProperties(characteristic, { Notifying: false });
          },
        });
        entry.characteristics.set(`${service.uuid}/${c.uuid}`, characteristic);
        this.exportObject(charPath, 'org.bluez.GattCharacteristic1', characteristic);
        entry.gattObjects.push({ path: charPath, iface: characteristic });
      }
    }
  }

  private unexportGatt(entry: DeviceEntry): void {
    for (const { path } of entry.gattObjects.reverse()) this.unexportObject(path);
    entry.gattObjects = [];
    entry.characteristics.clear();
  }

  /** Runs a peripheral operation as BlueZ answers it: not connected, or the peripheral's error as a BlueZ error. */
  private async guard<T>(entry: DeviceEntry, operation: () => Promise<T>): Promise<T> {
    if (!entry.device.Connected) throw bluezError('Failed', 'Not connected');
    try {
      return await operation();
    } catch (err) {
      throw toBluezError(err);
    }
  }

  private translate(operation: () => void): void {
    try {
      operation();
    } catch (err) {
      throw toBluezError(err);
    }
  }

  private removeDevicePath(path: string): void {
    for (const [address, entry] of this.devices) {
      if (entry.path !== path) continue;
      this.linkDown(entry, undefined);
      this.devices.delete(address);
      this.unexportObject(path);
    }
  }

  private exportObject(path: string, name: string, iface: DBusInterface): void {
    this.bus.export(path, iface);
    const list = this.objects.get(path) ?? [];
    list.push({ iface, name });
    this.objects.set(path, list);
    const added: Record<string, Variants> = {};
    added[name] = propertyVariants(iface, name);
    this.objectManager.InterfacesAdded(path, added);
  }

  private unexportObject(path: string): void {
    const list = this.objects.get(path) ?? [];
    for (const { iface } of list) this.bus.unexport(path, iface);
    this.objects.delete(path);
    if (list.length) this.objectManager.InterfacesRemoved(path, list.map((o) => o.name));
  }

  private managedObjects(): ManagedObjects {
    const out: ManagedObjects = {};
    for (const [path, list] of this.objects) {
      out[path] = {};
      for (const { iface, name } of list) out[path][name] = propertyVariants(iface, name);
    }
    return out;
  }
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

function toBluezError(err: unknown): Error {
  if (err instanceof dbus.DBusError) return err;
  const code = (err as { code?: unknown }).code;
  const text = err instanceof Error ? err.message : String(err);
  if (code === 'not-permitted') return bluezError('NotPermitted', text);
  if (code === 'not-supported') return bluezError('NotSupported', text);
  if (code === 'not-found') return bluezError('DoesNotExist', text);
  return bluezError('Failed', text);
}
