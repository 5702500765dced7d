// The delivery's loss counters, apart: `resent` (published again after a lost connection),
// `refused` (the broker refused it) and `lost` (the gateway dropped it). A scripted client stands in
// for mqtt.js so each PUBACK and each lost connection happens exactly where the test says; the
// durable store is a MemoryQueue behind the MessageStore interface (the delivery sees nothing else).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { silentLogger } from '../../src/common/logger.js';
import { Delivery } from '../../src/mqtt/delivery.js';
import { MemoryQueue } from '../../src/mqtt/memory-queue.js';

type Done = (err?: Error) => void;
class ScriptedClient {
  readonly sent: { topic: string; payload: string; done: Done }[] = [];
  publish(topic: string, payload: Buffer, _options: unknown, done: Done): this {
    this.sent.push({ topic, payload: payload.toString(), done });
    return this;
  }
  get asClient(): MqttClient {
    return this as unknown as MqttClient;
  }
}

function delivery(volatileBytes = 4096): { d: Delivery; outbox: MemoryQueue } {
  const outbox = new MemoryQueue(1024 * 1024);
  const d = new Delivery({ outbox, memoryFallbackBytes: 4096, volatileBytes, inFlightWindow: 16, log: silentLogger });
  return { d, outbox };
}

function reasonError(code: number): Error {
  return Object.assign(new Error(`Publish error: reason ${code}`), { code });
}

test('publishes in flight when the connection drops are counted as re-sent when they go out again', () => {
  const { d, outbox } = delivery();
  const c1 = new ScriptedClient();
  d.attach(c1.asClient);
  for (const seq of [0, 1, 2]) d.send({ topic: 'r', payload: String(seq) }, true);
  d.flush();
  assert.equal(c1.sent.map((s) => s.payload), ['0', '1', '2']);
  c1.sent[0].done();
  d.flushAcks();
  d.detach(c1.asClient);
  assert.equal([d.counters.failed, d.counters.resent], [2, 0], 'not re-sent yet');
  const c2 = new ScriptedClient();
  d.attach(c2.asClient);
  assert.equal(c2.sent.map((s) => s.payload), ['1', '2']);
  assert.is(d.counters.resent, 2);
  for (const s of c2.sent) s.done();
  d.flushAcks();
  assert.equal([d.counters.published, d.counters.resent, outbox.depth], [3, 2, 0]);
  d.detach(c2.asClient);
  d.send({ topic: 'r', payload: '3' }, true);
  d.flush();
  const c3 = new ScriptedClient();
  d.attach(c3.asClient);
  assert.equal(c3.sent.map((s) => s.payload), ['3']);
  assert.is(d.counters.resent, 2, 'a first publish is not a re-send');
  assert.equal([d.counters.lost, d.counters.refused], [0, 0]);
});

test('a coalesced message replaced while offline goes out as a new message, not a re-send', () => {
  const { d } = delivery();
  const c1 = new ScriptedClient();
  d.attach(c1.asClient);
  d.send({ topic: 'status', payload: 'a', coalesceKey: 'status' }, false);
  assert.is(c1.sent.length, 1);
  d.detach(c1.asClient);
  d.send({ topic: 'status', payload: 'b', coalesceKey: 'status' }, false);
  const c2 = new ScriptedClient();
  d.attach(c2.asClient);
  assert.equal(c2.sent.map((s) => s.payload), ['b']);
  assert.equal([d.counters.failed, d.counters.resent], [1, 0]);
});

test('a publish error without a reason code is re-sent on the next connection and counted', () => {
  const { d } = delivery();
  const c1 = new ScriptedClient();
  d.attach(c1.asClient);
  d.send({ topic: 'r', payload: 'x' }, true);
  d.flush();
  c1.sent[0].done(new Error('client disconnecting'));
  d.detach(c1.asClient);
  const c2 = new ScriptedClient();
  d.attach(c2.asClient);
  assert.equal(c2.sent.map((s) => s.payload), ['x']);
  assert.equal([d.counters.failed, d.counters.resent, d.counters.refused, d.counters.lost], [1, 1, 0, 0]);
});

test('a message the broker refuses (reason code) is counted as refused, dropped, not lost and not re-sent', () => {
  const { d, outbox } = delivery();
  const c1 = new ScriptedClient();
  d.attach(c1.asClient);
  d.send({ topic: 'r', payload: 'bad' }, true);
  d.send({ topic: 'r', payload: 'good' }, true);
  d.flush();
  c1.sent[0].done(reasonError(0x97));
  c1.sent[1].done();
  d.flushAcks();
  assert.equal([d.counters.refused, d.counters.lost, d.counters.published, outbox.depth], [1, 0, 1, 0]);
  d.detach(c1.asClient);
  const c2 = new ScriptedClient();
  d.attach(c2.asClient);
  assert.is(c2.sent.length, 0, 'nothing to send again');
  assert.is(d.counters.resent, 0);
});

test('a message the full memory queue cannot take is counted as lost, not refused', () => {
  const { d } = delivery(64);
  d.send({ topic: 'bridge/health', payload: 'x'.repeat(40) }, false);
  d.send({ topic: 'bridge/other', payload: 'y'.repeat(40) }, false);
  assert.equal([d.counters.lost, d.counters.refused], [1, 0]);
  const c1 = new ScriptedClient();
  d.attach(c1.asClient);
  assert.equal(c1.sent.map((s) => s.topic), ['bridge/health']);
});

test.run();
