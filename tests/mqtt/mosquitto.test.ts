// The publisher against Debian's mosquitto, restarted in the middle of a stream: nothing is lost;
// QoS 1 duplicates are allowed and counted by `seq`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { requireCommands } from '../_support/env.js';
import { Mosquitto } from '../_support/brokers.js';
import { beats, makePublisher, t } from './_publisher.js';
import { nextEvent, seqs, Subscriber } from './_subscriber.js';

const hasMosquitto = requireCommands('mosquitto broker restart', 'mosquitto');

(hasMosquitto ? test : test.skip)('a broker restart mid-stream loses nothing and keeps first-arrival order', async () => {
  const total = 600;
  const topic = t.ecgBeats('dev1').topic;
  // Persistence keeps the subscriber's session (and what is queued for it) across the restart,
  // so every loss the test could see would be the publisher's.
  const broker = await Mosquitto.start({ persistence: true });
  const sub = await Subscriber.open(broker.url, [topic], { clientId: 'wg-test-sub', clean: false, reconnectPeriod: 50 });
  const pub = makePublisher(broker.url);
  try {
    const connected = nextEvent(pub.publisher.events, 'connected');
    pub.publisher.start();
    await connected;
    for (let seq = 0; seq < total / 2; seq++) pub.publisher.publish(t.ecgBeats('dev1'), beats(seq));
    await sub.until('first results', (m) => m.length >= 50);

    const disconnected = nextEvent(pub.publisher.events, 'disconnected');
    await broker.stop('SIGTERM');
    await disconnected;
    const depthWhileDown = pub.outbox.stats().depth;
    for (let seq = total / 2; seq < total; seq++) pub.publisher.publish(t.ecgBeats('dev1'), beats(seq));
    pub.publisher.flush();
    assert.ok(pub.outbox.stats().depth >= total / 2, 'results are kept while the broker is down');

    const reconnected = nextEvent(pub.publisher.events, 'connected', () => true, 10_000);
    await broker.start();
    await reconnected;
    await sub.until('every seq', (m) => new Set(seqs(m, topic)).size >= total, 15_000);
    const got = seqs(sub.messages, topic);
    const firstSeen = got.filter((seq, i) => got.indexOf(seq) === i);
    const duplicates = got.length - firstSeen.length;
    console.log(`# restart: ${depthWhileDown} rows pending at the stop, ${duplicates} duplicates delivered`);
    assert.equal(firstSeen, Array.from({ length: total }, (_, i) => i));
    await nextEvent(pub.publisher.events, 'published', () => pub.outbox.stats().depth === 0, 5_000).catch(() => undefined);
    assert.is(pub.outbox.stats().depth, 0);
  } finally {
    await sub.close();
    await pub.close();
    await broker.dispose();
  }
});

(hasMosquitto ? test : test.skip)('MQTT 5: results, birth and a clean offline on stop', async () => {
  const broker = await Mosquitto.start();
  const sub = await Subscriber.open(broker.url, [t.ecgBeats('dev1').topic, t.bridgeState.topic], { protocolVersion: 5 });
  const pub = makePublisher(broker.url, { protocolVersion: 5 });
  try {
    pub.publisher.start();
    for (let seq = 0; seq < 20; seq++) pub.publisher.publish(t.ecgBeats('dev1'), beats(seq));
    await sub.until('20 results', (m) => seqs(m, t.ecgBeats('dev1').topic).length >= 20);
    assert.equal(seqs(sub.messages, t.ecgBeats('dev1').topic), Array.from({ length: 20 }, (_, i) => i));
    await pub.publisher.stop();
    await sub.until('offline', (m) => m.at(-1)?.text === 'offline');
    assert.equal(sub.on(t.bridgeState.topic).map((m) => m.text), ['online', 'offline']);
    assert.is(pub.publisher.stats().failed, 0);
  } finally {
    await sub.close();
    await pub.close();
    await broker.dispose();
  }
});

test.run();
