// A result larger than the broker's packet limit is refused at publish, logged and counted as refused (not lost):
// queued, it would be resent and refused on every connection and block everything behind it. Real
// aedes with a 4 KiB packet limit (the embedded broker closes connections over it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { publishPacketBytes } from '../../src/mqtt/packet-limit.js';
import { startAedes } from '../_support/brokers.js';
import { waitFor } from '../_support/env.js';
import { beats, makePublisher, t } from './_publisher.js';
import { seqs, Subscriber } from './_subscriber.js';

const topic = t.ecgBeats('g1');

test('packet size: fixed header, topic, packet id and payload', () => {
  assert.is(publishPacketBytes('a', 'xy'), 1 + 1 + 2 + 1 + 2 + 2);
  // 200 bytes of remaining length need two length bytes.
  assert.is(publishPacketBytes('t', 'x'.repeat(195)), 1 + 2 + 2 + 1 + 2 + 195);
  assert.is(publishPacketBytes('t', new Uint8Array(20_000)), 1 + 3 + 2 + 1 + 2 + 20_000);
});

test('an oversized result is refused and counted; the results around it are delivered in order', async () => {
  const limit = 4096;
  const broker = await startAedes({ maxPacketBytes: limit });
  const sub = await Subscriber.open(broker.url, [topic.topic]);
  const pub = makePublisher(broker.url, { maxPacketBytes: limit });
  try {
    pub.publisher.start();
    pub.publisher.publish(topic, beats(0));
    const huge = { ...beats(1), beats: Array.from({ length: 400 }, (_, i) => ({ tUs: i * 1000, sampleIndex: i })) };
    pub.publisher.publish(topic, huge);
    pub.publisher.publish(topic, beats(2));
    await sub.until('beats 0 and 2', (m) => seqs(m, topic.topic).length >= 2, 10_000);
    assert.equal(seqs(sub.messages, topic.topic), [0, 2]);
    assert.is(pub.publisher.stats().refused, 1);
    assert.is(pub.publisher.stats().lost, 0, "a broker refusal is not a gateway loss");
    await waitFor('outbox empty', () => pub.publisher.stats().depth === 0, 5_000);
    assert.is(broker.refusals.oversized, 0, 'the broker never saw it');
  } finally {
    await sub.close();
    await pub.close();
    await broker.stop();
  }
});

test.run();
