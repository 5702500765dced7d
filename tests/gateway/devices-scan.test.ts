// `weargate devices scan` against a fake BlueZ on a private D-Bus (the real scan path: dbus-next,
// Adapter1 discovery, Device1 properties): advertising peripherals are listed with address, name
// and RSSI, strongest first; without a bluetoothd the command says so and exits 1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { FakeBluez } from '../../hardware/ble/fake-bluez.js';
import { SimulatedPeripheral } from '../../hardware/ble/peripheral.js';
import { haveDbusDaemon, startPrivateBus } from '../_support/dbus.js';

const bin = new URL('../../bin/weargate.js', import.meta.url).pathname;

function runScan(busAddress: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'devices', 'scan', ...args], {
      env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: busAddress },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const hasBus = haveDbusDaemon('devices scan over a private D-Bus');

(hasBus ? test : test.skip)('lists advertising BLE peripherals with address, name and RSSI, strongest first', async () => {
  const bus = await startPrivateBus();
  const bluez = await FakeBluez.start({ busAddress: bus.address });
  try {
    bluez.addPeripheral(
      new SimulatedPeripheral({ address: 'a0:9e:1a:00:00:01', name: 'Polar H10 1A2B3C4D', rssiDbm: -48, services: [{ uuid: '180d', characteristics: [] }] }),
    );
    bluez.addPeripheral(new SimulatedPeripheral({ address: 'a0:9e:1a:00:00:02', name: 'far strap', rssiDbm: -91, services: [] }));
    const { code, stdout, stderr } = await runScan(bus.address, '--seconds', '1', '--json');
    assert.is(code, 0, stderr);
    const { devices } = JSON.parse(stdout) as { devices: Array<{ transport: string; name: string; address: string; rssiDbm?: number }> };
    const ble = devices.filter((d) => d.transport === 'ble');
    assert.equal(
      ble.map((d) => [d.address, d.name, d.rssiDbm]),
      [
        ['A0:9E:1A:00:00:01', 'Polar H10 1A2B3C4D', -48],
        ['A0:9E:1A:00:00:02', 'far strap', -91],
      ],
    );
  } finally {
    await bluez.stop();
    await bus.stop();
  }
});

(hasBus ? test : test.skip)('no bluetoothd on the bus: a clear message and exit code 1 (no serial ports here either)', async () => {
  const bus = await startPrivateBus();
  try {
    const { code, stderr } = await runScan(bus.address, '--seconds', '1');
    assert.match(stderr, /devices scan: BLE: .*bluetoothd/);
    assert.not.match(stderr, /    at /, 'no stack trace');
    if (!/serial/.test(stderr)) assert.ok(code === 0 || code === 1);
  } finally {
    await bus.stop();
  }
});

test.run();
