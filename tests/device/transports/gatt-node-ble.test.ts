// node-ble over BlueZ's D-Bus API, against a fake BlueZ (hardware/ble/fake-bluez.ts) on a private
// dbus-daemon: the real GATT link code, no Bluetooth hardware. The shared GATT contract, plus
// finding by name, scanning and one throughput measurement.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeBluez } from '../../../hardware/ble/fake-bluez.js';
import { SimulatedPeripheral } from '../../../hardware/ble/peripheral.js';
import { NodeBleLink } from '../../../src/device/transports/ble/node-ble-link.js';
import { scan } from '../../../src/device/transports/ble/scan.js';
import { haveDbusDaemon, startPrivateBus } from '../../_support/dbus.js';
import type { PrivateBus } from '../../_support/dbus.js';
import { contractPeripheral, gattContract } from './gatt-contract.js';

const ble = suite('node-ble GATT link over a fake BlueZ');

if (haveDbusDaemon('node-ble GATT link tests')) {
  let bus: PrivateBus;
  let bluez: FakeBluez;
  ble.before(async () => {
    bus = await startPrivateBus();
    bus.useAsSystemBus();
    bluez = await FakeBluez.start({ busAddress: bus.address });
  });
  ble.after(async () => {
    await bluez?.stop();
    await bus?.stop();
  });

  gattContract(ble, 'node-ble', async (peripheral, timeouts) => {
    bluez.addPeripheral(peripheral);
    const link = new NodeBleLink({ address: peripheral.address.toLowerCase(), timeouts, scanPollMs: 50 });
    return {
      link,
      peripheral,
      dispose: async () => {
        await link.disconnect();
        bluez.removePeripheral(peripheral.address);
      },
    };
  });

  ble('node-ble: finds a peripheral by its advertised name while scanning', async () => {
    const peripheral = contractPeripheral();
    bluez.addPeripheral(peripheral);
    const link = new NodeBleLink({ name: peripheral.name, timeouts: { discoveryTimeoutMs: 5000 } });
    try {
      assert.is(link.address, `ble:name=${peripheral.name}`);
      await link.connect();
      assert.ok(peripheral.connected);
    } finally {
      await link.disconnect();
      bluez.removePeripheral(peripheral.address);
    }
  });

  ble('scan: lists name, address, RSSI and advertised service UUIDs', async () => {
    const strap = new SimulatedPeripheral({
      address: 'a0:9e:1a:00:00:01',
      name: 'Polar H10 SIM0001',
      rssiDbm: -48,
      services: [{ uuid: '180d', characteristics: [{ uuid: '2a37', flags: ['notify'] }] }],
    });
    const far = new SimulatedPeripheral({ address: 'a0:9e:1a:00:00:02', name: 'far away', rssiDbm: -90, services: [] });
    bluez.addPeripheral(strap);
    bluez.addPeripheral(far);
    try {
      const found = await scan(0.2);
      const ours = found.filter((d) => d.address.startsWith('A0:9E:1A:00:00:'));
      assert.equal(ours, [
        { name: 'Polar H10 SIM0001', address: 'A0:9E:1A:00:00:01', rssiDbm: -48, serviceUuids: ['0000180d-0000-1000-8000-00805f9b34fb'] },
        { name: 'far away', address: 'A0:9E:1A:00:00:02', rssiDbm: -90, serviceUuids: [] },
      ]);
    } finally {
      bluez.removePeripheral(strap.address);
      bluez.removePeripheral(far.address);
    }
  });

  ble('node-ble: notification throughput through BlueZ D-Bus (no loss, no reordering)', async () => {
    const peripheral = contractPeripheral();
    bluez.addPeripheral(peripheral);
    const link = new NodeBleLink({ address: peripheral.address });
    try {
      await link.connect();
      const count = 3000;
      let next = 0;
      let outOfOrder = 0;
      let done!: () => void;
      const all = new Promise<void>((resolve) => (done = resolve));
      await link.subscribe('6e400001-b5a3-f393-e0a9-e50e24dcca9e', '6e400003-b5a3-f393-e0a9-e50e24dcca9e', (bytes) => {
        if ((bytes[0] | (bytes[1] << 8)) !== next) outOfOrder++;
        if (++next === count) done();
      });
      const payload = new Uint8Array(20);
      const started = performance.now();
      for (let seq = 0; seq < count; seq++) {
        payload[0] = seq & 0xff;
        payload[1] = seq >> 8;
        peripheral.notify('6e400003-b5a3-f393-e0a9-e50e24dcca9e', payload);
      }
      const deadline = setTimeout(() => done(), 60_000);
      await all;
      clearTimeout(deadline);
      const perS = Math.round(count / ((performance.now() - started) / 1000));
      console.log(`node-ble via fake BlueZ: ${next}/${count} notifications of 20 bytes, ${perS} notifications/s, ${outOfOrder} out of order`);
      assert.is(next, count);
      assert.is(outOfOrder, 0);
    } finally {
      await link.disconnect();
      bluez.removePeripheral(peripheral.address);
    }
  });
} else {
  ble.skip('node-ble GATT link over a fake BlueZ (needs dbus-daemon)', () => undefined);
}

ble.run();
