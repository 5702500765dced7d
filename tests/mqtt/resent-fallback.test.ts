// `resent` for results that were held in memory while the disk was full: published from memory,
// in flight when the connection dropped, and moved to the outbox (new ids) before the next
// connection. Going out again from the outbox they are re-sends, and must be counted as such, as
// must those put back in memory when a retried disk write failed again. The real Delivery over the
// real SQLite Outbox on a small tmpfs filled to the last byte, with its default MemoryQueue
// fallback; a scripted client stands in for mqtt.js so each lost connection happens exactly where
// the test says, and a fake clock decides when the disk is tried again.
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../src/common/logger.js';
import { Delivery } from '../../src/mqtt/delivery.js';
import { Outbox } from '../../src/mqtt/outbox.js';
import { mountSmallDisk, type SmallDisk } from '../_support/small-disk.js';

const probe = mountSmallDisk('resent-fallback tests', 1024 * 1024);
probe?.unmount();
const maybe = probe ? test : test.skip;

type Done = (err?: Error) => void;
class ScriptedClient {
  readonly sent: { payload: string; done: Done }[] = [];
  publish(_topic: string, payload: Buffer, _options: unknown, done: Done): this {
    this.sent.push({ payload: payload.toString(), done });
    return this;
  }
  get asClient(): MqttClient {
    return this as unknown as MqttClient;
  }
}

interface Rig {
  disk: SmallDisk;
  outbox: Outbox;
  d: Delivery;
  clock: { nowMs: number };
  /** Sends `n` results (payload: their number) and commits them. */
  send(n: number): void;
  sentCount(): number;
  close(): void;
}

function rig(): Rig {
  const disk = mountSmallDisk('resent-fallback', 2 * 1024 * 1024)!;
  const outbox = new Outbox({ path: join(disk.dir, 'outbox.sqlite') });
  const clock = { nowMs: 1_000_000 };
  const d = new Delivery({ outbox, memoryFallbackBytes: 8 * 1024 * 1024, inFlightWindow: 1_000_000, log: silentLogger, nowMs: () => clock.nowMs });
  let next = 0;
  return {
    disk,
    outbox,
    d,
    clock,
    send(n) {
      for (let i = 0; i < n; i++) d.send({ topic: 'gw/dev1/ecg/beats', payload: String(next++) }, true);
      d.flush();
    },
    sentCount: () => next,
    close() {
      outbox.close();
      disk.unmount();
    },
  };
}

/** Fills the disk, then sends results until the outbox write fails; returns how many reached the disk. */
function fillUntilDegraded(r: Rig): number {
  r.disk.fill();
  let durable = 0;
  while (r.d.storageState.state === 'ok') {
    if (r.sentCount() > 200_000) throw new Error('the full disk never refused a write');
    durable = r.sentCount();
    r.send(50); // WAL pages already allocated take some rows before SQLite hits ENOSPC
  }
  assert.ok(r.d.counters.notDurable > 0, 'results are held in memory');
  return durable;
}

/** Connection 1 takes every queued result and drops before any PUBACK; returns how many were in flight. */
function publishAndDrop(r: Rig): number {
  const c1 = new ScriptedClient();
  r.d.attach(c1.asClient);
  const inFlight = c1.sent.length;
  assert.is(inFlight, r.sentCount(), 'every result went out on connection 1');
  r.d.detach(c1.asClient);
  assert.is(r.d.counters.failed, inFlight);
  return inFlight;
}

/** Connection 2: everything sent so far, in order, once; acks all. */
function reconnectAndDeliver(r: Rig): ScriptedClient {
  const c2 = new ScriptedClient();
  r.d.attach(c2.asClient);
  assert.equal(c2.sent.map((s) => Number(s.payload)), Array.from({ length: r.sentCount() }, (_v, i) => i), 'every result again, in order');
  for (const s of c2.sent) s.done();
  r.d.flushAcks();
  return c2;
}

maybe('held in memory, in flight when the connection dropped, moved to the outbox before the reconnect: every one counted as re-sent', () => {
  const r = rig();
  try {
    const durable = fillUntilDegraded(r);
    const held = r.d.counters.notDurable;
    assert.is(durable + held, r.sentCount());
    const inFlight = publishAndDrop(r);

    // Space again; the next commit (the disk is retried after 1 s) moves the held results to disk.
    r.disk.free();
    r.clock.nowMs += 1_000;
    r.send(1);
    assert.is(r.d.storageState.state, 'ok');
    assert.is(r.d.memoryStats().depth, 0, 'the held results moved to the outbox');
    assert.is(r.outbox.stats().depth, r.sentCount());

    reconnectAndDeliver(r);
    assert.is(r.d.counters.resent, inFlight, `${durable} from disk + ${held} moved from memory were all published before`);
    assert.equal([r.d.counters.published, r.d.counters.lost, r.outbox.stats().depth], [r.sentCount(), 0, 0]);
  } finally {
    r.close();
  }
});

maybe('held results put back in memory by a retried disk write that failed again keep counting as re-sent', () => {
  const r = rig();
  try {
    fillUntilDegraded(r);
    const inFlight = publishAndDrop(r);

    // The disk is tried again while still full: the held results come back to memory (new ids).
    r.clock.nowMs += 1_000;
    r.send(1);
    assert.is(r.d.storageState.state, 'degraded');
    // Then space: moved to the outbox.
    r.disk.free();
    r.clock.nowMs += 1_000;
    r.send(1);
    assert.is(r.d.storageState.state, 'ok');
    assert.is(r.d.memoryStats().depth, 0);

    reconnectAndDeliver(r);
    assert.is(r.d.counters.resent, inFlight);
    assert.equal([r.d.counters.published, r.d.counters.lost], [r.sentCount(), 0]);
  } finally {
    r.close();
  }
});

test.run();
