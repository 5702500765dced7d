// The shared GATT link contract (STYLE.md, after MQTT.js's abstractStoreTest): node-ble over the
// fake BlueZ and the in-process SimGattLink must both pass it. `build` returns a link to a fresh
// contract peripheral plus that peripheral, which plays the device side and injects faults.
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeviceDisconnectedError, TimeoutError } from '../../../src/common/errors.js';
import { GattError } from '../../../src/device/transports/gatt.js';
import type { GattLink, GattTimeouts, GattWriteOptions } from '../../../src/device/transports/gatt.js';
import { SimulatedPeripheral } from '../../../hardware/ble/peripheral.js';

export interface GattContractRig {
  link: GattLink;
  peripheral: SimulatedPeripheral;
  dispose(): Promise<void>;
}

export type GattRigBuilder = (peripheral: SimulatedPeripheral, timeouts: GattTimeouts) => Promise<GattContractRig>;

// Mixed case and short forms on purpose: links normalise to lowercase 128-bit.
const dataService = '6E400001-B5A3-F393-E0A9-E50E24DCCA9E';
const dataChar = '6e400003-b5a3-f393-e0a9-e50e24dcca9e';
const controlChar = '6e400002-b5a3-f393-e0a9-e50e24dcca9e';
const infoChar = '6e400004-b5a3-f393-e0a9-e50e24dcca9e';
const batteryService = '180F';
const batteryLevel = '2a19';

const normalTimeouts: GattTimeouts = { discoveryTimeoutMs: 5000, connectTimeoutMs: 5000, operationTimeoutMs: 5000 };
// Short enough to keep the suite quick, long enough for a loaded 2-core CI machine to connect in.
const shortTimeouts: GattTimeouts = { discoveryTimeoutMs: 800, connectTimeoutMs: 2000, operationTimeoutMs: 400 };

let nextAddress = 1;

/** The contract peripheral: a UART-like data service and the standard battery service. */
export function contractPeripheral(): SimulatedPeripheral & { writes: { bytes: number[]; withResponse: boolean }[] } {
  const writes: { bytes: number[]; withResponse: boolean }[] = [];
  const last = (nextAddress++ & 0xff).toString(16).padStart(2, '0');
  const peripheral = new SimulatedPeripheral({
    address: `c0:ff:ee:00:${((process.pid >> 4) & 0xff).toString(16).padStart(2, '0')}:${last}`,
    name: `wg-contract-${last}`,
    rssiDbm: -55,
    services: [
      {
        uuid: dataService,
        characteristics: [
          { uuid: dataChar, flags: ['notify'] },
          {
            uuid: controlChar,
            flags: ['write', 'write-without-response'],
            onWrite: (bytes: Uint8Array, options: GattWriteOptions) => void writes.push({ bytes: [...bytes], withResponse: options.withResponse }),
          },
          { uuid: infoChar, flags: ['read'], value: new TextEncoder().encode('weargate-sim 1.0') },
        ],
      },
      { uuid: batteryService, characteristics: [{ uuid: batteryLevel, flags: ['read', 'notify'], value: Uint8Array.of(87) }] },
    ],
  });
  return Object.assign(peripheral, { writes });
}

/** Resolves when `predicate` holds after an event, or rejects at the deadline. */
function eventually<T>(what: string, timeoutMs: number, arm: (done: (value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    arm((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

/** Sends `count` notifications at `spacingMs` from the device side; payload: 16-bit seq, then varied bytes. */
function stream(peripheral: SimulatedPeripheral, count: number, spacingMs: number): { payloads: Uint8Array[]; stop: () => void } {
  const payloads = Array.from({ length: count }, (_, seq) => {
    const bytes = new Uint8Array(20 + ((seq * 37) % 225));
    bytes[0] = seq & 0xff;
    bytes[1] = seq >> 8;
    for (let i = 2; i < bytes.length; i++) bytes[i] = (seq + i * 13) & 0xff;
    return bytes;
  });
  let seq = 0;
  const timer = setInterval(() => {
    if (seq >= count) return clearInterval(timer);
    peripheral.notify(dataChar, payloads[seq++]);
  }, spacingMs);
  return { payloads, stop: () => clearInterval(timer) };
}

export function gattContract(suite: Test, name: string, build: GattRigBuilder): void {
  const withRig = (timeouts: GattTimeouts, body: (rig: GattContractRig & { peripheral: ReturnType<typeof contractPeripheral> }) => Promise<void>) => async () => {
    const peripheral = contractPeripheral();
    const rig = await build(peripheral, timeouts);
    try {
      await body({ ...rig, peripheral });
    } finally {
      await rig.dispose();
    }
  };

  suite(`${name}: connect and discover services with lowercase 128-bit UUIDs`, withRig(normalTimeouts, async ({ link }) => {
    assert.is(link.isConnected, false);
    await link.connect();
    assert.ok(link.isConnected);
    const services = await link.discover();
    const data = services.find((s) => s.uuid === dataService.toLowerCase());
    assert.ok(data, `services: ${services.map((s) => s.uuid).join(', ')}`);
    assert.equal(data.characteristics.map((c) => c.uuid).sort(), [controlChar, dataChar, infoChar].sort());
    assert.equal(data.characteristics.find((c) => c.uuid === controlChar)?.flags, ['write', 'write-without-response']);
    const battery = services.find((s) => s.uuid === '0000180f-0000-1000-8000-00805f9b34fb');
    assert.equal(battery?.characteristics, [{ uuid: '00002a19-0000-1000-8000-00805f9b34fb', flags: ['read', 'notify'] }]);
    await link.connect(); // connecting a connected link is a no-op
    assert.ok(link.isConnected);
  }));

  suite(`${name}: read; unknown characteristic and unreadable characteristic fail with codes`, withRig(normalTimeouts, async ({ link }) => {
    await link.connect();
    assert.is(new TextDecoder().decode(await link.read(dataService, infoChar)), 'weargate-sim 1.0');
    assert.equal([...(await link.read('0x180f', '2A19'))], [87]);
    const missing = await rejection(link.read(dataService, '6e4000ff-b5a3-f393-e0a9-e50e24dcca9e'));
    assert.instance(missing, GattError);
    assert.is((missing as GattError).code, 'not-found');
    const unreadable = await rejection(link.read(dataService, dataChar));
    assert.instance(unreadable, GattError);
    assert.is((unreadable as GattError).code, 'not-permitted');
  }));

  suite(`${name}: write with and without response reach the peripheral in order`, withRig(normalTimeouts, async ({ link, peripheral }) => {
    await link.connect();
    await link.write(dataService, controlChar, Uint8Array.of(1, 2, 3), { withResponse: true });
    assert.equal(peripheral.writes, [{ bytes: [1, 2, 3], withResponse: true }]);
    for (let i = 0; i < 5; i++) await link.write(dataService, controlChar, Uint8Array.of(0x10 + i), { withResponse: false });
    await eventually('5 write commands', 3000, (done) => {
      const check = (): void => void (peripheral.writes.length >= 6 ? done(undefined) : setImmediate(check));
      check();
    });
    assert.equal(peripheral.writes.slice(1), [0x10, 0x11, 0x12, 0x13, 0x14].map((b) => ({ bytes: [b], withResponse: false })));
    const refused = await rejection(link.write(dataService, infoChar, Uint8Array.of(9), { withResponse: true }));
    assert.is((refused as GattError).code, 'not-permitted');
  }));

  suite(`${name}: 250 notifications at 4 ms arrive whole and in order; unsubscribe stops them`, withRig(normalTimeouts, async ({ link, peripheral }) => {
    await link.connect();
    const received: Uint8Array[] = [];
    const count = 250;
    let complete: (() => void) | undefined;
    const unsubscribe = await link.subscribe(dataService, dataChar, (bytes) => {
      received.push(bytes);
      if (received.length === count) complete?.();
    });
    assert.ok(peripheral.isNotifying(dataChar));
    const sender = stream(peripheral, count, 4);
    await eventually(`${count} notifications`, 15_000, (done) => (complete = () => done(undefined))).finally(sender.stop);
    assert.is(received.length, count);
    for (let i = 0; i < count; i++) assert.equal(received[i], sender.payloads[i], `notification ${i}`);
    await unsubscribe();
    assert.is(peripheral.isNotifying(dataChar), false);
    assert.is(peripheral.notify(dataChar, Uint8Array.of(0xee)), false, 'nobody listens after unsubscribe');
    // A barrier on another characteristic proves nothing else was in flight for the first one.
    let batteryNotified!: (bytes: Uint8Array) => void;
    const battery = new Promise<Uint8Array>((resolve) => (batteryNotified = resolve));
    await link.subscribe(batteryService, batteryLevel, (bytes) => batteryNotified(bytes));
    peripheral.notify(batteryLevel, Uint8Array.of(86));
    assert.equal([...(await battery)], [86]);
    assert.is(received.length, count);
    await unsubscribe(); // idempotent
  }));

  suite(`${name}: two subscribers; one unsubscribing leaves the other`, withRig(normalTimeouts, async ({ link, peripheral }) => {
    await link.connect();
    const a: number[] = [];
    const b: number[] = [];
    let got: ((n: number) => void) | undefined;
    const offA = await link.subscribe(dataService, dataChar, (bytes) => a.push(bytes[0]));
    await link.subscribe(dataService, dataChar, (bytes) => {
      b.push(bytes[0]);
      got?.(bytes[0]);
    });
    const first = eventually('first', 3000, (done) => (got = done));
    peripheral.notify(dataChar, Uint8Array.of(1));
    await first;
    await offA();
    assert.ok(peripheral.isNotifying(dataChar));
    const second = eventually('second', 3000, (done) => (got = done));
    peripheral.notify(dataChar, Uint8Array.of(2));
    await second;
    assert.equal(a, [1]);
    assert.equal(b, [1, 2]);
  }));

  suite(`${name}: air faults: dropped, reordered and delayed notifications show as such`, withRig(normalTimeouts, async ({ link, peripheral }) => {
    await link.connect();
    const seen: number[] = [];
    let waiting: { n: number; done: (v: undefined) => void } | undefined;
    await link.subscribe(dataService, dataChar, (bytes) => {
      seen.push(bytes[0]);
      if (waiting && seen.length >= waiting.n) waiting.done(undefined);
    });
    const until = (n: number): Promise<undefined> =>
      eventually(`${n} notifications`, 5000, (done) => (seen.length >= n ? done(undefined) : (waiting = { n, done })));
    peripheral.dropNotifications(2);
    for (const seq of [1, 2, 3, 4]) peripheral.notify(dataChar, Uint8Array.of(seq));
    await until(2);
    peripheral.reorderNextNotifications();
    for (const seq of [5, 6, 7]) peripheral.notify(dataChar, Uint8Array.of(seq));
    await until(5);
    peripheral.delayNotifications(50);
    const sentAt = Date.now();
    for (const seq of [8, 9]) peripheral.notify(dataChar, Uint8Array.of(seq));
    await until(7);
    assert.ok(Date.now() - sentAt >= 45, 'delayed');
    assert.equal(seen, [3, 4, 6, 5, 7, 8, 9]);
  }));

  suite(`${name}: link loss emits 'disconnected' with a reason; operations then fail; reconnect works`, withRig(normalTimeouts, async ({ link, peripheral }) => {
    await link.connect();
    const notified: number[] = [];
    await link.subscribe(dataService, dataChar, (bytes) => notified.push(bytes[0]));
    const reason = eventually<string>('disconnected', 5000, (done) => link.once('disconnected', done));
    peripheral.loseLink('supervision timeout');
    assert.type(await reason, 'string');
    assert.ok((await reason).length > 0);
    assert.is(link.isConnected, false);
    const afterLoss = await rejection(link.read(dataService, infoChar));
    assert.instance(afterLoss, DeviceDisconnectedError);
    assert.instance(await rejection(link.write(dataService, controlChar, Uint8Array.of(1), { withResponse: true })), DeviceDisconnectedError);
    assert.instance(await rejection(link.subscribe(dataService, dataChar, () => undefined)), DeviceDisconnectedError);

    await link.connect();
    assert.ok(link.isConnected);
    assert.is(new TextDecoder().decode(await link.read(dataService, infoChar)), 'weargate-sim 1.0');
    assert.is(notified.length, 0);
    let notifiedAgain!: (bytes: Uint8Array) => void;
    const again = new Promise<Uint8Array>((resolve) => (notifiedAgain = resolve));
    await link.subscribe(dataService, dataChar, (bytes) => notifiedAgain(bytes));
    peripheral.notify(dataChar, Uint8Array.of(42));
    assert.equal([...(await again)], [42]);
    assert.is(notified.length, 0, 'the old subscription died with the old link');
  }));

  suite(`${name}: an operation in flight when the link drops rejects with DeviceDisconnectedError`, withRig(normalTimeouts, async ({ link, peripheral }) => {
    await link.connect();
    peripheral.stall();
    const pending = link.read(dataService, infoChar);
    const reason = eventually<string>('disconnected', 5000, (done) => link.once('disconnected', done));
    peripheral.loseLink('peripheral reset');
    await reason;
    assert.instance(await rejection(pending), DeviceDisconnectedError);
    peripheral.resume();
  }));

  suite(`${name}: disconnect() is quiet and idempotent; operations then fail with not-connected`, withRig(normalTimeouts, async ({ link }) => {
    const before = await rejection(link.read(dataService, infoChar));
    assert.is((before as GattError).code, 'not-connected');
    await link.connect();
    let events = 0;
    link.on('disconnected', () => events++);
    await link.disconnect();
    await link.disconnect();
    assert.is(link.isConnected, false);
    const after = await rejection(link.read(dataService, infoChar));
    assert.instance(after, GattError);
    assert.is((after as GattError).code, 'not-connected');
    await link.connect();
    assert.equal([...(await link.read(batteryService, batteryLevel))], [87]);
    await link.disconnect();
    assert.is(events, 0);
  }));

  suite(`${name}: timeouts: a stalled peripheral fails reads and connects with TimeoutError`, withRig(shortTimeouts, async ({ link, peripheral }) => {
    await link.connect();
    peripheral.stall();
    const started = Date.now();
    const err = await rejection(link.read(dataService, infoChar));
    assert.instance(err, TimeoutError);
    assert.ok(Date.now() - started < 3000, 'timed out promptly');
    await link.disconnect();
    const refused = await rejection(link.connect());
    assert.instance(refused, TimeoutError);
    assert.is(link.isConnected, false);
    peripheral.resume();
    await link.connect();
    assert.ok(link.isConnected);
  }));

  suite(`${name}: an absent peripheral fails connect with not-found; an aborted connect rejects`, withRig(shortTimeouts, async ({ link, peripheral }) => {
    peripheral.inRange = false;
    const absent = await rejection(link.connect());
    assert.instance(absent, GattError);
    assert.is((absent as GattError).code, 'not-found');
    peripheral.inRange = true;
    peripheral.stall();
    const controller = new AbortController();
    const connecting = link.connect(controller.signal);
    controller.abort(new Error('shutting down'));
    assert.match((await rejection(connecting)).message, /shutting down/);
    assert.is(link.isConnected, false);
    peripheral.resume();
  }));
}
