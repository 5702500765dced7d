import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect as tcpConnect } from 'node:net';
import { EmbeddedBroker } from '../../src/mqtt/broker.js';
import { Subscriber } from './_subscriber.js';

test('serves MQTT on 127.0.0.1, then stops with clients still attached and frees its port', async () => {
  const broker = new EmbeddedBroker({ port: 0 });
  await broker.start();
  assert.ok(broker.port > 0);
  assert.match(broker.url, /^mqtt:\/\/127\.0\.0\.1:\d+$/);
  const sub = await Subscriber.open(broker.url, ['a/#']);
  await sub.client.publishAsync('a/b', 'hello', { qos: 1 });
  await sub.until('own message', (m) => m.some((x) => x.text === 'hello'));
  // A socket that never sends CONNECT is not an aedes client; stop() must close it as well.
  const idle = tcpConnect(broker.port, '127.0.0.1');
  await new Promise<void>((resolve) => idle.once('connect', () => resolve()));
  const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()));
  const subClosed = new Promise<void>((resolve) => sub.client.once('close', () => resolve()));
  const port = broker.port;
  await broker.stop();
  await Promise.all([idleClosed, subClosed]);
  await sub.close();

  const again = new EmbeddedBroker({ port });
  await again.start(); // the same port is free again
  assert.is(again.port, port);
  await again.stop();
  await again.stop(); // idempotent
});

test('a taken port is a clear error, and the aedes accessor refuses before start', async () => {
  const first = new EmbeddedBroker();
  await first.start();
  try {
    const second = new EmbeddedBroker({ port: first.port });
    let message = '';
    await second.start().catch((err: Error) => (message = err.message));
    assert.match(message, /cannot listen on 127\.0\.0\.1:\d+/);
    assert.throws(() => second.aedes, /not started/);
  } finally {
    await first.stop();
  }
});

test.run();
