// The embedded broker against strangers, through the real controller (its own client uses the
// per-run secret): anonymous and wrong credentials refused when auth is on, spoofed publishes and
// retained messages under the gateway's topics never reach anyone, the gateway's client id cannot
// be taken over, and oversized packets close the offender's connection, not the gateway's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { createConnection } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { Controller } from '../../src/gateway/controller.js';
import { waitFor } from '../_support/env.js';
import { Subscriber } from './_subscriber.js';

const operator = { username: 'operator', password: 'correct horse battery' };

async function startGateway(embedded: Record<string, unknown>): Promise<{ controller: Controller; url: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'wg-brokersec-'));
  const config = validateConfig({
    version: 1,
    gatewayId: 'gw1',
    dataDir: join(dir, 'state'),
    logLevel: 'debug',
    mqtt: { embeddedBroker: { host: '127.0.0.1', port: 0, maxPacketBytes: 4096, ...embedded } },
    health: { intervalS: 1 },
    statusLine: { enabled: false },
    devices: [],
  });
  const controller = new Controller({ config, log: createMemoryLogger() });
  await controller.start();
  await waitFor('gateway connected to its broker', () => controller.mqtt?.isConnected === true);
  return {
    controller,
    url: controller.brokerUrl,
    async close() {
      await controller.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves when `emitter` emits 'close', rejects after a deadline. */
function closedWithin(what: string, emitter: { once(event: 'close', listener: () => void): unknown }, timeoutMs = 3_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: still open after ${timeoutMs} ms`)), timeoutMs);
    emitter.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Connects and resolves with the client, or rejects with the CONNACK error. */
function tryConnect(url: string, options: IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = connect(url, { reconnectPeriod: 0, connectTimeout: 3_000, ...options });
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

async function refusedCode(url: string, options: IClientOptions): Promise<number | string> {
  try {
    const client = await tryConnect(url, options);
    client.end(true);
    return 'accepted';
  } catch (err) {
    return (err as { code?: number }).code ?? (err as Error).message;
  }
}

test('auth on: anonymous and wrong credentials are refused, a configured user gets in', async () => {
  const gw = await startGateway({ users: [operator] });
  try {
    assert.is(await refusedCode(gw.url, {}), 5, 'anonymous: not authorized');
    assert.is(await refusedCode(gw.url, { username: 'operator', password: 'wrong password' }), 4);
    assert.is(await refusedCode(gw.url, { username: 'nobody', password: 'whatever1' }), 4);
    assert.is(await refusedCode(gw.url, { username: 'weargate-gateway', password: 'guess guess' }), 4, 'the gateway principal needs its secret');
    assert.is(await refusedCode(gw.url, { ...operator }), 'accepted');
    assert.ok(gw.controller.mqtt?.isConnected, 'the gateway itself stays connected');
  } finally {
    await gw.close();
  }
});

test('spoofed results, retained state and $SYS publishes never reach subscribers; requests still work', async () => {
  const gw = await startGateway({ users: [operator] });
  const watcher = await Subscriber.open(gw.url, ['#'], { ...operator });
  try {
    await watcher.until('the gateway birth', (m) => m.some((x) => x.topic === 'weargate/gw1/bridge/state' && x.text === 'online'));
    const spoofs: Array<[string, boolean]> = [
      ['weargate/gw1/athlete/ecg/beats', false],
      ['weargate/gw1/bridge/state', true],
      ['weargate/gw1/bridge/info', true],
      ['weargate/gw1/bridge/request/info/extra', false],
      ['weargate/other-gw/bridge/state', false],
      ['weargate', false],
      ['elsewhere/retained', true],
      ['$SYS/broker/fake', false],
    ];
    for (const [i, [topic, retain]] of spoofs.entries()) {
      const spoofer = await tryConnect(gw.url, { ...operator, clientId: `spoof-${i}` });
      spoofer.on('error', () => undefined);
      spoofer.publish(topic, 'offline', { qos: 1, retain });
      // aedes closes a client whose publish the ACL refuses.
      await closedWithin(`publisher of ${topic}`, spoofer);
      spoofer.end(true);
    }
    // A legitimate request goes through and is answered by the gateway.
    const requester = await tryConnect(gw.url, { ...operator, clientId: 'requester' });
    requester.publish('weargate/gw1/bridge/request/info', '{"transaction":"ok-1"}', { qos: 1 });
    await watcher.until('the reply', (m) => m.some((x) => x.topic === 'weargate/gw1/bridge/response/info' && x.text.includes('ok-1')));
    requester.end(true);
    const spoofed = watcher.messages.filter((m) => spoofs.some(([topic]) => topic === m.topic) && m.text === 'offline');
    assert.equal(spoofed, [], 'no spoofed message was delivered');
    // A new subscriber sees the gateway's retained state, never a stranger's.
    const late = await Subscriber.open(gw.url, ['weargate/#', 'elsewhere/#'], { ...operator });
    await late.until('retained state', (m) => m.some((x) => x.topic === 'weargate/gw1/bridge/info'));
    assert.ok(late.messages.every((m) => m.text !== 'offline'), 'no stranger retained a message');
    await late.close();
  } finally {
    await watcher.close();
    await gw.close();
  }
});

test("the gateway's client id cannot be taken over; another principal's id neither", async () => {
  const gw = await startGateway({ users: [operator, { username: 'viewer', password: 'viewer password' }] });
  let disconnects = 0;
  const off = gw.controller.mqtt!.events.on('disconnected', () => disconnects++);
  try {
    for (let i = 0; i < 3; i++) {
      assert.is(await refusedCode(gw.url, { ...operator, clientId: 'weargate-gw1' }), 2);
    }
    const first = await tryConnect(gw.url, { ...operator, clientId: 'dashboard' });
    first.on('error', () => undefined);
    assert.is(await refusedCode(gw.url, { username: 'viewer', password: 'viewer password', clientId: 'dashboard' }), 2);
    assert.not.ok(first.disconnected, "the first holder of 'dashboard' kept its connection");
    first.end(true);
    assert.is(disconnects, 0, 'the gateway was never kicked off');
    assert.ok(gw.controller.mqtt?.isConnected);
  } finally {
    off();
    await gw.close();
  }
});

test('oversized packets close the sender, not the gateway; anonymous on loopback may watch but not spoof', async () => {
  const gw = await startGateway({});
  const watcher = await Subscriber.open(gw.url, ['weargate/#']);
  try {
    const big = await tryConnect(gw.url, { clientId: 'big' });
    big.on('error', () => undefined);
    const closed = closedWithin('oversized publisher', big);
    big.publish('weargate/gw1/bridge/request/info', Buffer.alloc(64 * 1024, 0x20), { qos: 0 });
    await closed;
    big.end(true);
    // A raw socket claiming a 200 MB packet is cut off after its fixed header.
    const raw = createConnection({ host: '127.0.0.1', port: Number(new URL(gw.url).port) });
    await new Promise<void>((resolve) => raw.once('connect', () => resolve()));
    const rawClosed = closedWithin('raw socket with a 200 MB header', raw);
    raw.on('error', () => undefined);
    raw.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]));
    await rawClosed;
    const oversized = (text: string): number | undefined => (JSON.parse(text) as { broker?: { oversized: number } }).broker?.oversized;
    await watcher.until('bridge/health counting both', (m) => m.some((x) => x.topic === 'weargate/gw1/bridge/health' && oversized(x.text) === 2), 4_000);
    const anonymous = await tryConnect(gw.url, { clientId: 'anon' });
    anonymous.on('error', () => undefined);
    const anonClosed = closedWithin('anonymous spoofer', anonymous);
    anonymous.publish('weargate/gw1/athlete/ecg/hr', 'fake', { qos: 1 });
    await anonClosed;
    anonymous.end(true);
    assert.not.ok(watcher.messages.some((m) => m.text === 'fake'));
    assert.ok(gw.controller.mqtt?.isConnected, 'the gateway is still connected');
  } finally {
    await watcher.close();
    await gw.close();
  }
});

test.run();
