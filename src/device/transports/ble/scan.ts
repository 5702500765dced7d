// One BLE scan through BlueZ, for `weargate devices scan`: discovery for a while, then what BlueZ
// heard. Straight dbus-next (node-ble has no UUIDs or RSSI listing); the discovery session ends
// with our D-Bus connection, so an interrupted scan does not leave the adapter scanning.
import dbus from 'dbus-next';
import { GattError } from '../gatt.js';
import { adapterPaths, adapterProxy, knownDevices, objectManager } from './bluez-dbus.js';
import { toGattError } from './bluez-errors.js';
import { LinkSession } from './link-session.js';

export interface ScannedDevice {
  name: string | undefined;
  address: string;
  /** Signal strength of the last advertisement heard; undefined for a device only remembered. */
  rssiDbm: number | undefined;
  /** Lowercase 128-bit service UUIDs from advertisements (and, when connected before, the GATT table). */
  serviceUuids: string[];
}

export interface ScanOptions {
  /** Adapter name (`hci0`); default: the first adapter BlueZ lists. */
  adapter?: string;
  /** Include devices BlueZ remembers but did not hear during this scan. */
  includeRemembered?: boolean;
}

/** Scans for `durationS` seconds; devices sorted by signal strength, strongest first. */
export async function scan(durationS: number, options: ScanOptions = {}): Promise<ScannedDevice[]> {
  const bus = dbus.systemBus();
  // Every bus error is heard (an unheard 'error' event would crash the process); the first fails the scan.
  const failed = new Promise<never>((_, reject) => bus.on('error', (err: Error) => reject(new GattError('io', `D-Bus: ${err.message}`))));
  failed.catch(() => undefined);
  const guard = new LinkSession();
  try {
    // A bluetoothd that stops answering must not hang the command.
    const timeoutMs = durationS * 1000 + 10_000;
    return await guard.run('BLE scan', timeoutMs, () => Promise.race([failed, scanOn(bus, durationS, options)]));
  } finally {
    bus.disconnect();
  }
}

async function scanOn(bus: dbus.MessageBus, durationS: number, options: ScanOptions): Promise<ScannedDevice[]> {
  try {
    const manager = await objectManager(bus);
    const paths = await adapterPaths(manager);
    const adapterPath = options.adapter ? `/org/bluez/${options.adapter}` : paths[0];
    if (!adapterPath || !paths.includes(adapterPath)) throw new GattError('not-found', `no Bluetooth adapter ${options.adapter ?? ''}`);
    const adapter = await adapterProxy(bus, adapterPath);
    await adapter.SetDiscoveryFilter({ Transport: new dbus.Variant('s', 'le'), DuplicateData: new dbus.Variant('b', false) });
    let started = true;
    await adapter.StartDiscovery().catch((err: unknown) => {
      // Another client is scanning already: its discovery serves us as well.
      if ((err as { type?: unknown }).type !== 'org.bluez.Error.InProgress') throw err;
      started = false;
    });
    await new Promise((resolve) => setTimeout(resolve, durationS * 1000));
    const devices = await knownDevices(manager, adapterPath);
    if (started) await adapter.StopDiscovery().catch(() => undefined);
    return devices
      .filter((d) => options.includeRemembered || d.rssiDbm !== undefined)
      .map(({ name, address, rssiDbm, serviceUuids }) => ({ name, address, rssiDbm, serviceUuids }))
      .sort((a, b) => (b.rssiDbm ?? -1000) - (a.rssiDbm ?? -1000));
  } catch (err) {
    throw toGattError(err, 'BLE scan');
  }
}
