// The few BlueZ D-Bus calls node-ble does not offer: the ObjectManager view of known devices (one
// call instead of a proxy per device, which would leave signal listeners behind) and the
// org.bluez name owner (bluetoothd restarting ends every link). Typed locally: dbus-next's client
// interfaces are untyped.
import type dbus from 'dbus-next';
import { normalizeBluetoothAddress, normalizeUuid } from '../gatt.js';

type ManagedObjects = Record<string, Record<string, Record<string, dbus.Variant>>>;

interface ObjectManagerProxy {
  GetManagedObjects(): Promise<ManagedObjects>;
  on(event: 'InterfacesAdded', listener: (path: string, interfaces: Record<string, unknown>) => void): unknown;
  off(event: 'InterfacesAdded', listener: (path: string, interfaces: Record<string, unknown>) => void): unknown;
}

interface BusDaemonProxy {
  on(event: 'NameOwnerChanged', listener: (name: string, oldOwner: string, newOwner: string) => void): unknown;
}

export interface AdapterProxy {
  SetDiscoveryFilter(filter: Record<string, dbus.Variant>): Promise<void>;
  StartDiscovery(): Promise<void>;
  StopDiscovery(): Promise<void>;
}

export interface KnownDevice {
  path: string;
  address: string;
  name: string | undefined;
  /** Present only for devices heard during the current discovery. */
  rssiDbm: number | undefined;
  serviceUuids: string[];
}

export async function objectManager(bus: dbus.MessageBus): Promise<ObjectManagerProxy> {
  const root = await bus.getProxyObject('org.bluez', '/');
  return root.getInterface('org.freedesktop.DBus.ObjectManager') as unknown as ObjectManagerProxy;
}

export async function adapterProxy(bus: dbus.MessageBus, adapterPath: string): Promise<AdapterProxy> {
  const object = await bus.getProxyObject('org.bluez', adapterPath);
  return object.getInterface('org.bluez.Adapter1') as unknown as AdapterProxy;
}

/** Adapter object paths (`/org/bluez/hci0`, ...), in BlueZ's order. */
export async function adapterPaths(manager: ObjectManagerProxy): Promise<string[]> {
  const objects = await manager.GetManagedObjects();
  return Object.keys(objects).filter((path) => 'org.bluez.Adapter1' in objects[path]).sort();
}

/** Devices BlueZ knows below one adapter (cached, paired, or heard while discovering). */
export async function knownDevices(manager: ObjectManagerProxy, adapterPath: string): Promise<KnownDevice[]> {
  const objects = await manager.GetManagedObjects();
  const out: KnownDevice[] = [];
  for (const [path, interfaces] of Object.entries(objects)) {
    const props = interfaces['org.bluez.Device1'];
    if (!props || !path.startsWith(`${adapterPath}/`)) continue;
    const address = stringValue(props.Address);
    if (!address) continue;
    const uuids = props.UUIDs?.value;
    out.push({
      path,
      address: normalizeBluetoothAddress(address),
      name: stringValue(props.Name) ?? stringValue(props.Alias),
      rssiDbm: typeof props.RSSI?.value === 'number' ? props.RSSI.value : undefined,
      serviceUuids: Array.isArray(uuids) ? uuids.filter((u): u is string => typeof u === 'string').map(normalizeUuid) : [],
    });
  }
  return out;
}

interface PropertiesProxy {
  Get(iface: string, name: string): Promise<dbus.Variant>;
  on(event: 'PropertiesChanged', listener: (iface: string, changed: Record<string, dbus.Variant>) => void): unknown;
  off(event: 'PropertiesChanged', listener: (iface: string, changed: Record<string, dbus.Variant>) => void): unknown;
}

/**
 * Starts watching Device1.ServicesResolved before the caller connects. node-ble's gatt() reads the
 * property and only then listens for its change, so a change arriving in the same socket read as
 * the reply is missed and gatt() waits forever; listening first closes that gap.
 */
export async function watchServicesResolved(bus: dbus.MessageBus, devicePath: string): Promise<{ resolved: () => Promise<void>; stop: () => void }> {
  const object = await bus.getProxyObject('org.bluez', devicePath);
  const props = object.getInterface('org.freedesktop.DBus.Properties') as unknown as PropertiesProxy;
  let markResolved!: () => void;
  const resolvedOnce = new Promise<void>((resolve) => (markResolved = resolve));
  const onChange = (iface: string, changed: Record<string, dbus.Variant>): void => {
    if (iface === 'org.bluez.Device1' && changed.ServicesResolved?.value === true) markResolved();
  };
  props.on('PropertiesChanged', onChange);
  return {
    resolved: async () => {
      if ((await props.Get('org.bluez.Device1', 'ServicesResolved')).value === true) markResolved();
      await resolvedOnce;
    },
    stop: () => void props.off('PropertiesChanged', onChange),
  };
}

/** Calls `onGone` when the org.bluez owner leaves the bus (bluetoothd stopped or restarted). */
export async function watchBluezOwner(bus: dbus.MessageBus, onGone: () => void): Promise<void> {
  const object = await bus.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus');
  const daemon = object.getInterface('org.freedesktop.DBus') as unknown as BusDaemonProxy;
  daemon.on('NameOwnerChanged', (name, _old, newOwner) => {
    if (name === 'org.bluez' && newOwner === '') onGone();
  });
}

function stringValue(variant: dbus.Variant | undefined): string | undefined {
  return typeof variant?.value === 'string' ? variant.value : undefined;
}
