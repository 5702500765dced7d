// The BlueZ D-Bus interfaces the fake BlueZ exports (org.bluez, doc/*-api.txt of BlueZ 5), as
// dbus-next service interfaces: properties are plain fields, methods delegate to callbacks so the
// behaviour lives in fake-bluez.ts. Only what node-ble and `weargate devices scan` use, plus the
// ObjectManager every BlueZ client may rely on.
import dbus from 'dbus-next';

const { Interface } = dbus.interface;
type DBusInterface = InstanceType<typeof Interface>;
type PropertyMap = Record<string, { signature: string }>;

export type Variants = Record<string, dbus.Variant>;
/** GetManagedObjects' a{oa{sa{sv}}}. */
export type ManagedObjects = Record<string, Record<string, Variants>>;

/** Property signatures per interface, kept beside the classes so GetManagedObjects can build variants. */
const signatures = new Map<string, PropertyMap>();

/** The static side of an Interface subclass, whatever its constructor takes. */
type InterfaceClass = Pick<typeof Interface, 'configureMembers'>;

function configure(klass: InterfaceClass, name: string, properties: PropertyMap, methods: Record<string, dbus.interface.MethodOptions>, signals: Record<string, dbus.interface.SignalOptions> = {}): void {
  signatures.set(name, properties);
  const props: Record<string, dbus.interface.PropertyOptions> = {};
  for (const [k, v] of Object.entries(properties)) props[k] = { signature: v.signature, access: 'read' };
  klass.configureMembers({ properties: props, methods, signals });
}

export function bluezError(name: 'Failed' | 'InProgress' | 'NotPermitted' | 'NotSupported' | 'NotConnected' | 'InvalidArguments' | 'DoesNotExist', text: string): dbus.DBusError {
  return new dbus.DBusError(`org.bluez.Error.${name}`, text);
}

/** All readable properties of `iface` as variants. */
export function propertyVariants(iface: DBusInterface, interfaceName: string): Variants {
  const out: Variants = {};
  const fields = iface as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(signatures.get(interfaceName) ?? {})) out[k] = new dbus.Variant(v.signature, fields[k]);
  return out;
}

/** Sets properties and emits one PropertiesChanged, as BlueZ does. */
export function setProperties<T extends DBusInterface>(iface: T, changes: Partial<T>): void {
  Object.assign(iface, changes);
  Interface.emitPropertiesChanged(iface, changes as Record<string, unknown>, []);
}

export class AgentManager1 extends Interface {
  constructor() {
    super('org.bluez.AgentManager1');
  }
  RegisterAgent(_agent: string, _capability: string): void {}
  UnregisterAgent(_agent: string): void {}
  RequestDefaultAgent(_agent: string): void {}
}
configure(AgentManager1, 'org.bluez.AgentManager1', {}, {
  RegisterAgent: { inSignature: 'os' },
  UnregisterAgent: { inSignature: 'o' },
  RequestDefaultAgent: { inSignature: 'o' },
});

export class ObjectManager extends Interface {
  constructor(private readonly list: () => ManagedObjects) {
    super('org.freedesktop.DBus.ObjectManager');
  }
  GetManagedObjects(): ManagedObjects {
    return this.list();
  }
  InterfacesAdded(path: string, interfaces: Record<string, Variants>): [string, Record<string, Variants>] {
    return [path, interfaces];
  }
  InterfacesRemoved(path: string, interfaces: string[]): [string, string[]] {
    return [path, interfaces];
  }
}
configure(ObjectManager, 'org.freedesktop.DBus.ObjectManager', {}, { GetManagedObjects: { outSignature: 'a{oa{sa{sv}}}' } }, {
  InterfacesAdded: { signature: 'oa{sa{sv}}' },
  InterfacesRemoved: { signature: 'oas' },
});

export interface AdapterBehaviour {
  startDiscovery(): void;
  stopDiscovery(): void;
  removeDevice(path: string): void;
}

export class Adapter1 extends Interface {
  Address: string;
  AddressType = 'public';
  Name: string;
  Alias: string;
  Class = 0;
  Powered = true;
  Discoverable = false;
  Pairable = true;
  Discovering = false;
  UUIDs: string[] = [];
  constructor(address: string, name: string, private readonly behaviour: AdapterBehaviour) {
    super('org.bluez.Adapter1');
    this.Address = address;
    this.Name = this.Alias = name;
  }
  StartDiscovery(): void {
    if (this.Discovering) throw bluezError('InProgress', 'Operation already in progress');
    this.behaviour.startDiscovery();
  }
  StopDiscovery(): void {
    if (!this.Discovering) throw bluezError('Failed', 'No discovery started');
    this.behaviour.stopDiscovery();
  }
  SetDiscoveryFilter(_filter: Variants): void {}
  GetDiscoveryFilters(): string[] {
    return ['UUIDs', 'RSSI', 'Pathloss', 'Transport', 'DuplicateData', 'Discoverable', 'Pattern'];
  }
  RemoveDevice(path: string): void {
    this.behaviour.removeDevice(path);
  }
}
configure(Adapter1, 'org.bluez.Adapter1', {
  Address: { signature: 's' },
  AddressType: { signature: 's' },
  Name: { signature: 's' },
  Alias: { signature: 's' },
  Class: { signature: 'u' },
  Powered: { signature: 'b' },
  Discoverable: { signature: 'b' },
  Pairable: { signature: 'b' },
  Discovering: { signature: 'b' },
  UUIDs: { signature: 'as' },
}, {
  StartDiscovery: {},
  StopDiscovery: {},
  SetDiscoveryFilter: { inSignature: 'a{sv}' },
  GetDiscoveryFilters: { outSignature: 'as' },
  RemoveDevice: { inSignature: 'o' },
});

export interface DeviceBehaviour {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

export class Device1 extends Interface {
  Address: string;
  AddressType = 'public';
  Name: string;
  Alias: string;
  RSSI: number;
  UUIDs: string[];
  Adapter: string;
  Paired = false;
  Bonded = false;
  Trusted = false;
  Blocked = false;
  Connected = false;
  ServicesResolved = false;
  LegacyPairing = false;
  constructor(fields: { address: string; name: string; rssiDbm: number; uuids: string[]; adapterPath: string }, private readonly behaviour: DeviceBehaviour) {
    super('org.bluez.Device1');
    this.Address = fields.address;
    this.Name = this.Alias = fields.name;
    this.RSSI = fields.rssiDbm;
    this.UUIDs = fields.uuids;
    this.Adapter = fields.adapterPath;
  }
  Connect(): Promise<void> {
    return this.behaviour.connect();
  }
  Disconnect(): Promise<void> {
    return this.behaviour.disconnect();
  }
  Pair(): void {
    throw bluezError('NotSupported', 'Pairing is not simulated');
  }
  CancelPair(): void {}
}
configure(Device1, 'org.bluez.Device1', {
  Address: { signature: 's' },
  AddressType: { signature: 's' },
  Name: { signature: 's' },
  Alias: { signature: 's' },
  RSSI: { signature: 'n' },
  UUIDs: { signature: 'as' },
  Adapter: { signature: 'o' },
  Paired: { signature: 'b' },
  Bonded: { signature: 'b' },
  Trusted: { signature: 'b' },
  Blocked: { signature: 'b' },
  Connected: { signature: 'b' },
  ServicesResolved: { signature: 'b' },
  LegacyPairing: { signature: 'b' },
}, {
  Connect: {},
  Disconnect: {},
  Pair: {},
  CancelPair: {},
});

export class GattService1 extends Interface {
  Primary = true;
  Includes: string[] = [];
  constructor(
    public UUID: string,
    public Device: string,
  ) {
    super('org.bluez.GattService1');
  }
}
configure(GattService1, 'org.bluez.GattService1', {
  UUID: { signature: 's' },
  Device: { signature: 'o' },
  Primary: { signature: 'b' },
  Includes: { signature: 'ao' },
}, {});

export interface CharacteristicBehaviour {
  read(): Promise<Uint8Array>;
  write(bytes: Uint8Array, type: string): Promise<void>;
  startNotify(): void;
  stopNotify(): void;
}

export class GattCharacteristic1 extends Interface {
  Value: Buffer = Buffer.alloc(0);
  Notifying = false;
  MTU = 247;
  constructor(
    public UUID: string,
    public Service: string,
    public Flags: string[],
    private readonly behaviour: CharacteristicBehaviour,
  ) {
    super('org.bluez.GattCharacteristic1');
  }
  async ReadValue(_options: Variants): Promise<Buffer> {
    const bytes = await this.behaviour.read();
    this.Value = Buffer.from(bytes);
    return this.Value;
  }
  async WriteValue(value: Buffer, options: Variants): Promise<void> {
    const type: unknown = options.type?.value;
    await this.behaviour.write(Uint8Array.from(value), typeof type === 'string' ? type : 'request');
  }
  StartNotify(): void {
    this.behaviour.startNotify();
  }
  StopNotify(): void {
    this.behaviour.stopNotify();
  }
}
configure(GattCharacteristic1, 'org.bluez.GattCharacteristic1', {
  UUID: { signature: 's' },
  Service: { signature: 'o' },
  Value: { signature: 'ay' },
  Notifying: { signature: 'b' },
  Flags: { signature: 'as' },
  MTU: { signature: 'q' },
}, {
  ReadValue: { inSignature: 'a{sv}', outSignature: 'ay' },
  WriteValue: { inSignature: 'aya{sv}' },
  StartNotify: {},
  StopNotify: {},
});
