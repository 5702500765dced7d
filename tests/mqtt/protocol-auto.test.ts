// protocolVersion 'auto': MQTT 5 where the broker offers it, 3.1.1 otherwise. Against aedes (3.1.1
// only: it answers CONNACK 1 to a version-5 CONNECT) the publisher falls back at once, without a
// warning or a counted failure, and delivers; against Debian's mosquitto it speaks 5 and request
// responses carry a message expiry.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { MqttPublisher } from '../../src/mqtt/publisher.js';
import { Outbox } from '../../src/mqtt/outbox.js';
import { Mosquitto, startAedes } from '../_support/brokers.js';
import { requireCommands } from '../_support/env.js';
import { signCommand } from '../../src/fleet/command.js';
import { generateFleetKey, signingKeyFromPem } from '../../src/fleet/keys.js';
import { NoResponseError, sendCommand } from '../../src/fleet/send-command.js';
import { beats, t } from './_publisher.js';
import { nextEvent, seqs, Subscriber } from './_subscriber.js';

function publisherOn(url: string) {
  const dir = mkdtempSync(join(tmpdir(), 'wg-mqtt5-'));
  const outbox = new Outbox({ path: join(dir, 'o.db'), synchronous: 'normal' });
  const log = createMemoryLogger('wg:mqtt');
  const publisher = new MqttPublisher({ connection: { url, clientId: 'gw-auto', protocolVersion: 'auto', reconnectInitialMs: 20, reconnectMaxMs: 200 }, outbox, topics: t, log });
  return {
    publisher, log,
    async close() {
      await publisher.stop();
      outbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('a 3.1.1-only broker (aedes): one refused MQTT 5 attempt, then 3.1.1 at once, results delivered', async () => {
  const broker = await startAedes();
  const sub = await Subscriber.open(broker.url, [t.ecgBeats('dev1').topic]);
  const pub = publisherOn(broker.url);
  try {
    const connected = nextEvent(pub.publisher.events, 'connected');
    pub.publisher.start();
    const event = await connected;
    assert.is(event.attempts, 1, 'the refused version-5 attempt is not a failed attempt');
    assert.is(pub.publisher.protocolVersion, 4);
    for (let seq = 0; seq < 5; seq++) pub.publisher.publish(t.ecgBeats('dev1'), beats(seq));
    await sub.until('5 results', (m) => seqs(m, t.ecgBeats('dev1').topic).length >= 5);
    const text = pub.log.lines.map((l) => l.text).join('\n');
    assert.match(text, /does not take MQTT 5; using MQTT 3\.1\.1/);
    assert.not.match(text, /refused the connection/);
  } finally {
    await sub.close();
    await pub.close();
    await broker.stop();
  }
});

const hasMosquitto = requireCommands('mosquitto MQTT 5', 'mosquitto');

(hasMosquitto ? test : test.skip)('mosquitto: MQTT 5, and request responses expire', async () => {
  const broker = await Mosquitto.start();
  const pub = publisherOn(broker.url);
  const client = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
  try {
    pub.publisher.handle('ping', () => ({ pong: true }), 'read-only');
    const connected = nextEvent(pub.publisher.events, 'connected');
    pub.publisher.start();
    await connected;
    assert.is(pub.publisher.protocolVersion, 5);
    assert.match(pub.log.lines.map((l) => l.text).join('\n'), /speaks MQTT 5/);
    const response = new Promise<{ expiry?: number; text: string }>((resolve) =>
      client.on('message', (_topic, payload, packet) => resolve({ expiry: packet.properties?.messageExpiryInterval, text: payload.toString() })),
    );
    await client.subscribeAsync(`${t.base}/bridge/response/ping`, { qos: 1 });
    await new Promise((r) => setTimeout(r, 200)); // the publisher's request subscription is in place
    await client.publishAsync(`${t.base}/bridge/request/ping`, JSON.stringify({ transaction: 'x1' }), { qos: 1 });
    const got = await response;
    assert.match(got.text, /"pong":true/);
    assert.ok(got.expiry !== undefined && got.expiry > 0 && got.expiry <= 60, `message expiry ${got.expiry}`);
  } finally {
    await client.endAsync();
    await pub.close();
    await broker.dispose();
  }
});

(hasMosquitto ? test : test.skip)('mosquitto: a signed command is sent in MQTT 5 with a message expiry at its own expiresAt', async () => {
  const broker = await Mosquitto.start();
  const listener = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
  try {
    const request = new Promise<number | undefined>((resolve) => listener.on('message', (_t, _p, packet) => resolve(packet.properties?.messageExpiryInterval)));
    await listener.subscribeAsync('weargate/gw-x/bridge/request/#', { qos: 1 });
    const key = signingKeyFromPem(generateFleetKey().privateKeyPem);
    const envelope = signCommand({ verb: 'shutdown', gateway: 'gw-x', ttlMs: 90_000 }, key);
    // Nobody answers: the command times out, but the request went out with its expiry.
    await sendCommand(envelope, { url: broker.url, timeoutMs: 500 }).then(
      () => assert.unreachable('no gateway answers'),
      (err: Error) => assert.instance(err, NoResponseError),
    );
    const expiry = await request;
    assert.ok(expiry !== undefined && expiry > 80 && expiry <= 90, `message expiry ${expiry} s for a 90 s command`);
  } finally {
    await listener.endAsync();
    await broker.dispose();
  }
});

test.run();
