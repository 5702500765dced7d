// MqttPublisher against a real aedes broker over TCP on 127.0.0.1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Client } from 'aedes';
import { freePort, startAedes } from '../_support/brokers.js';
import { beats, makePublisher, t } from './_publisher.js';
import { nextEvent, seqs, Subscriber } from './_subscriber.js';

/** aedes options that refuse the publisher's CONNECT while `gate.open` is false. */
function gated(gate: { open: boolean }) {
  return {
    authenticate: (client: Client, _u: string | undefined, _p: Buffer | undefined, done: (e: null, ok: boolean) => void) =>
      done(null, client.id !== 'gw-pub' || gate.open),
  };
}

test('birth on connect, last will on an abrupt drop (retained), birth again on reconnect', async () => {
  const gate = { open: true };
  const broker = await startAedes({ aedes: gated(gate) });
  const sub = await Subscriber.open(broker.url, [t.bridgeState.topic]);
  const pub = makePublisher(broker.url);
  let publisherSide: Client | null = null;
  broker.aedes.on('clientReady', (c) => {
    if (c.id === 'gw-pub') publisherSide = c;
  });
  try {
    const connected = nextEvent(pub.publisher.events, 'connected');
    pub.publisher.start();
    await connected;
    await sub.until('online', (m) => m.some((x) => x.text === 'online'));
    assert.ok(publisherSide, 'broker saw the publisher');

    gate.open = false; // keep it away so the retained will stays visible
    const disconnected = nextEvent(pub.publisher.events, 'disconnected');
    (publisherSide as Client | null)?.conn.destroy(); // the network vanishes, no DISCONNECT
    await disconnected;
    await sub.until('will', (m) => m.at(-1)?.text === 'offline');

    const late = await Subscriber.open(broker.url, [t.bridgeState.topic]);
    await late.until('retained offline', (m) => m.length > 0);
    assert.equal(late.messages[0], { topic: t.bridgeState.topic, text: 'offline', retain: true });
    await late.close();

    gate.open = true;
    const reconnected = await nextEvent(pub.publisher.events, 'connected');
    assert.ok(reconnected.attempts >= 2, `refused attempts were counted (${reconnected.attempts})`);
    await sub.until('online again', (m) => m.at(-1)?.text === 'online');

    await pub.publisher.stop(); // graceful: offline published, then a clean DISCONNECT
    await sub.until('offline on stop', (m) => m.at(-1)?.text === 'offline');
    assert.equal(sub.messages.map((m) => m.text), ['online', 'offline', 'online', 'offline']);
  } finally {
    await sub.close();
    await pub.close();
    await broker.stop();
  }
});

test('1000 results arrive in order, exactly once on a stable link, and leave the outbox empty', async () => {
  const broker = await startAedes();
  const sub = await Subscriber.open(broker.url, [t.ecgBeats('dev1').topic]);
  const pub = makePublisher(broker.url, { inFlightWindow: 16 });
  try {
    const connected = nextEvent(pub.publisher.events, 'connected');
    pub.publisher.start();
    await connected;
    const emptied = nextEvent(pub.publisher.events, 'published', (e) => e.totalPublished >= 1000 && pub.outbox.stats().depth === 0);
    for (let seq = 0; seq < 1000; seq++) pub.publisher.publish(t.ecgBeats('dev1'), beats(seq));
    await sub.until('1000 results', (m) => m.length >= 1000);
    await emptied;
    assert.equal(seqs(sub.messages, t.ecgBeats('dev1').topic), Array.from({ length: 1000 }, (_, i) => i));
    const stats = pub.publisher.stats();
    assert.equal({ depth: stats.depth, published: stats.published, failed: stats.failed }, { depth: 0, published: 1000, failed: 0 });
    assert.equal(JSON.parse(sub.messages[5].text), beats(5));
  } finally {
    await sub.close();
    await pub.close();
    await broker.stop();
  }
});

test('broker absent at start: results queue in the outbox, state in memory, and both drain once it appears', async () => {
  const port = await freePort();
  const pub = makePublisher(`mqtt://127.0.0.1:${port}`);
  const gate = { open: false };
  let broker: Awaited<ReturnType<typeof startAedes>> | null = null;
  let sub: Subscriber | null = null;
  try {
    pub.publisher.start();
    for (let seq = 0; seq < 50; seq++) pub.publisher.publish(t.ecgBeats('dev1'), beats(seq));
    for (const batteryPercent of [90, 80, 70]) {
      pub.publisher.publish(t.deviceStatus('dev1'), { connected: true, t: 1_700_000_000_000, batteryPercent });
    }
    assert.is(pub.outbox.stats().depth, 0, 'staged until the end of the turn');
    pub.publisher.flush();
    assert.not.ok(pub.publisher.isConnected);
    assert.is(pub.outbox.stats().depth, 50, '50 results on disk');
    assert.is(pub.publisher.stats().memoryDepth, 1, '1 coalesced status in memory');

    // The subscriber must be in place before the publisher may connect, hence the gate.
    broker = await startAedes({ port, aedes: gated(gate) });
    sub = await Subscriber.open(broker.url, [t.ecgBeats('dev1').topic, t.deviceStatus('dev1').topic]);
    const drained = nextEvent(pub.publisher.events, 'published', () => pub.outbox.stats().depth === 0);
    gate.open = true;
    await sub.until('backlog', (m) => m.length >= 51);
    await drained;
    assert.equal(seqs(sub.messages, t.ecgBeats('dev1').topic), Array.from({ length: 50 }, (_, i) => i));
    const status = sub.on(t.deviceStatus('dev1').topic);
    assert.is(status.length, 1, 'only the newest status was kept');
    assert.is(JSON.parse(status[0].text).batteryPercent, 70);
  } finally {
    await sub?.close();
    await pub.close();
    await broker?.stop();
  }
});

test('requests get replies with the transaction echoed; bad JSON, unknown verbs and throws are error replies', async () => {
  const broker = await startAedes();
  const pub = makePublisher(broker.url);
  pub.publisher.handle('ping', (req) => ({ pong: req.n }), 'read-only');
  pub.publisher.handle('explode', async () => {
    throw new Error('no such device');
  }, 'read-only');
  const sub = await Subscriber.open(broker.url, [`${t.base}/bridge/response/+`]);
  try {
    // Requests sent before the publisher's SUBSCRIBE reached the broker would be lost.
    const subscribed = new Promise<void>((resolve) =>
      broker.aedes.on('subscribe', (subs, client) => {
        if (client.id === 'gw-pub' && subs.some((x) => x.topic === t.requestFilter)) resolve();
      }),
    );
    pub.publisher.start();
    await subscribed;
    const ask = (verb: string, body: string): Promise<unknown> => sub.client.publishAsync(t.request(verb).topic, body, { qos: 1 });
    await ask('ping', '{"transaction":"t-1","n":42}');
    await ask('ping', '{"transaction":');
    await ask('reboot', '{"transaction":7}');
    await ask('explode', '{"transaction":"t-3"}');
    await sub.until('4 replies', (m) => m.length >= 4);
    const replies = sub.messages.map((m) => ({ topic: m.topic.slice(t.base.length + 1), body: JSON.parse(m.text) as Record<string, unknown> }));
    const byTx = (tx: unknown) => replies.find((r) => r.body.transaction === tx);
    assert.equal(byTx('t-1'), { topic: 'bridge/response/ping', body: { transaction: 't-1', status: 'ok', data: { pong: 42 } } });
    assert.equal(byTx(7)?.body.status, 'error');
    assert.match(String(byTx(7)?.body.error), /unknown request 'reboot'/);
    assert.equal(byTx('t-3')?.body, { transaction: 't-3', status: 'error', error: 'no such device' });
    const bad = replies.find((r) => r.body.transaction === undefined);
    assert.ok(bad && bad.body.status === 'error' && /invalid JSON/.test(String(bad.body.error)));
  } finally {
    await sub.close();
    await pub.close();
    await broker.stop();
  }
});

test.run();
