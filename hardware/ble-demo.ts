// The demo's BLE devices: when `dbus-daemon` is installed, a private D-Bus with a fake BlueZ
// serving a simulated Polar H10 and a simulated Muse, so the gateway reaches them through the
// real node-ble stack. Without it, one line says how to get them and the demo runs without.
import { spawnSync } from 'node:child_process';
import type { Logger } from '../src/common/logger.js';
import { FakeBluez } from './ble/fake-bluez.js';
import { SimulatedMuse } from './ble/peripherals/muse.js';
import { SimulatedPolarH10 } from './ble/peripherals/polar-h10.js';
import { startPrivateBus } from './ble/private-bus.js';

const h10Address = 'A0:9E:1A:DE:40:10';
const museAddress = '00:55:DA:B0:DE:40';

/** The device entries the demo adds to the gateway config when the BLE simulators can run. */
export const bleDemoDevices: Record<string, unknown>[] = [
  { id: 'polar-h10', kind: 'polar-h10', transport: { type: 'ble', address: h10Address }, ecg: { detector: 'pan-tompkins' } },
  { id: 'muse', kind: 'muse', transport: { type: 'ble', address: museAddress }, eegRaw: { enabled: true, publishIntervalS: 1 } },
];

export function canRunBleDemo(): boolean {
  return spawnSync('sh', ['-c', 'command -v dbus-daemon'], { stdio: 'ignore' }).status === 0;
}

/** Starts the bus, the fake BlueZ and both peripherals; points node-ble at the bus. Returns the stop function. */
export async function startBleDemo(log: Logger): Promise<() => Promise<void>> {
  const bus = await startPrivateBus();
  bus.useAsSystemBus();
  const bluez = await FakeBluez.start({ busAddress: bus.address });
  const h10 = new SimulatedPolarH10({ address: h10Address, heartRateBpm: 58, seed: 10, batteryPercent: 90 });
  const muse = new SimulatedMuse({ address: museAddress, seed: 40, batteryPercent: 75 });
  bluez.addPeripheral(h10.peripheral);
  bluez.addPeripheral(muse.peripheral);
  h10.start();
  muse.start();
  log.info(`simulated Polar H10 (${h10Address}) and Muse (${museAddress}) on a private D-Bus with a fake BlueZ`);
  return async () => {
    h10.stop();
    muse.stop();
    // A bus that is already gone must not hold the demo's exit.
    await Promise.race([bluez.stop(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await bus.stop();
  };
}
