// Results on a real small filesystem filled to the last byte. Broker up: nothing is lost (results
// go out from memory and are counted as not durable) and storage trouble is reported without the
// disk. Broker down: what memory cannot hold is dropped newest-first and counted. `seq` never
// repeats across restarts after a full disk.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { createMemoryLogger } from '../../src/common/logger.js';
import { MqttPublisher } from '../../src/mqtt/publisher.js';
import { Outbox } from '../../src/mqtt/outbox.js';
import { SequenceCounter } from '../../src/mqtt/sequence.js';
import { SequenceFile } from '../../src/mqtt/sequence-file.js';
import { startAedes, freePort } from '../_support/brokers.js';
import { waitFor } from '../_support/env.js';
import { mountSmallDisk, type SmallDisk } from '../_support/small-disk.js';
import { t } from './_publisher.js';
import { seqs, Subscriber } from './_subscriber.js';

const probe = mountSmallDisk('disk-full tests', 1024 * 1024);
probe?.unmount();
const maybe = probe ? test : test.skip;
const topic = t.ecgBeats('dev1').topic;

interface Rig {
  disk: SmallDisk;
  outbox: Outbox;
  sequences: SequenceFile;
  counter: SequenceCounter;
  publisher: MqttPublisher;
  publish(n: number): void;
  close(): Promise<void>;
}

function rig(url: string, memoryFallbackBytes = 8 * 1024 * 1024, disk = mountSmallDisk('disk-full', 3 * 1024 * 1024)!): Rig {
  const outbox = new Outbox({ path: join(disk.dir, 'outbox.sqlite') });
  const sequences = new SequenceFile({ path: join(disk.dir, 'sequences.bin'), capacityKeys: 16 });
  const counter = new SequenceCounter(sequences, 'dev1/ecg/beats', 50);
  const publisher = new MqttPublisher({
    connection: { url, clientId: 'gw-disk', reconnectInitialMs: 20, reconnectMaxMs: 200, connectTimeoutMs: 2_000 },
    outbox,
    topics: t,
    log: createMemoryLogger('wg:mqtt'),
    memoryFallbackBytes,
  });
  const beats = (seq: number) => ({
    seq,
    t: 1_700_000_000_000 + seq,
    detector: 'pan-tompkins' as const,
    sampleRateHz: 250,
    beats: [{ tUs: seq * 1_000_000, sampleIndex: seq * 250 }],
  });
  return {
    disk,
    outbox,
    sequences,
    counter,
    publisher,
    publish(n) {
      for (let i = 0; i < n; i++) publisher.publish(t.ecgBeats('dev1'), beats(counter.next()));
      publisher.flush();
    },
    async close() {
      await publisher.stop();
      outbox.close();
      sequences.close();
    },
  };
}

maybe('broker up, disk full: every result arrives, the loss of durability is counted and reported', async () => {
  const broker = await startAedes();
  const r = rig(broker.url);
  const sub = await Subscriber.open(broker.url, [topic, t.bridgeStatus.topic]);
  try {
    r.publisher.start();
    await waitFor('connected', () => r.publisher.isConnected);
    r.publish(100);
    await sub.until('100 durable results', (m) => m.filter((x) => x.topic === topic).length >= 100);
    assert.ok(r.disk.fill() > 0);
    const states: string[] = [];
    r.publisher.events.on('storage', (s) => states.push(s.state));
    for (let i = 0; i < 20; i++) {
      r.publish(100); // ~150 bytes each: far more than the WAL's reused space holds
      await new Promise((resolve) => setImmediate(resolve));
    }
    await sub.until('all 2100 results', (m) => m.filter((x) => x.topic === topic).length >= 2100, 10_000);
    assert.equal(seqs(sub.messages, topic), Array.from({ length: 2100 }, (_, i) => i), 'every seq once, in order');
    const stats = r.publisher.stats();
    assert.is(r.publisher.storage.state, 'degraded');
    assert.ok(stats.notDurable > 0, `notDurable ${stats.notDurable}`);
    assert.is(stats.lost, 0);
    assert.equal(states, ['degraded']);
    // bridge/status goes out from memory while the disk is full.
    r.publisher.publish(t.bridgeStatus, { t: Date.now(), storage: { ...r.publisher.storage, freeBytes: 0 } });
    await sub.until('bridge/status degraded', (m) => m.some((x) => x.topic === t.bridgeStatus.topic && x.text.includes('"degraded"')));
    // Space comes back: results are durable again.
    r.disk.free();
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the disk is retried at most once a second
    r.publish(10);
    await waitFor('storage ok again', () => r.publisher.storage.state === 'ok');
    assert.equal(states, ['degraded', 'ok']);
  } finally {
    await sub.close();
    await r.close();
    r.disk.unmount();
    await broker.stop();
  }
});

maybe('broker down, disk full: memory holds what it can, the newest beyond it are dropped and counted', async () => {
  const port = await freePort();
  const r = rig(`mqtt://127.0.0.1:${port}`, 64 * 1024);
  let broker: Awaited<ReturnType<typeof startAedes>> | undefined;
  let sub: Subscriber | undefined;
  try {
    r.publisher.start();
    r.publish(200);
    assert.is(r.outbox.stats().depth, 200, 'durable while there is space');
    r.disk.fill();
    for (let i = 0; i < 20; i++) r.publish(100);
    const stats = r.publisher.stats();
    assert.is(r.publisher.storage.state, 'degraded');
    assert.ok(stats.lost > 0, 'memory (64 KiB) cannot hold 2000 results');
    const kept = 2200 - stats.lost;
    broker = await startAedes({ port });
    sub = await Subscriber.open(broker.url, [topic]);
    await sub.until(`the ${kept} kept results`, (m) => m.length >= kept, 10_000);
    const received = seqs(sub.messages, topic);
    assert.equal(received, Array.from({ length: kept }, (_, i) => i), 'the oldest are kept, in order; the newest were dropped');
    assert.is(r.publisher.stats().lost, stats.lost, 'every dropped result is counted');
  } finally {
    await sub?.close();
    await r.close();
    r.disk.unmount();
    await broker?.stop();
  }
});

maybe('seq never repeats across restarts after a full disk; the old store refuses instead of pretending', () => {
  const disk = mountSmallDisk('disk-full seq', 2 * 1024 * 1024)!;
  try {
    const path = join(disk.dir, 'sequences.bin');
    const outbox = new Outbox({ path: join(disk.dir, 'outbox.sqlite') });
    outbox.reserveSequence('legacy', 10);
    let file = new SequenceFile({ path, capacityKeys: 16 });
    const handed: number[] = [];
    let counter = new SequenceCounter(file, 'dev1/ecg/beats', 10);
    for (let i = 0; i < 25; i++) handed.push(counter.next());
    disk.fill();
    for (let i = 0; i < 100; i++) handed.push(counter.next()); // 10 reservations on a full disk
    // The outbox's own reservation must fail loudly on a full disk, never hand out an unsaved block.
    let legacyError: unknown;
    try {
      for (let i = 0; i < 200; i++) outbox.reserveSequence(`legacy-${i}`, 10);
    } catch (err) {
      legacyError = err;
    }
    assert.ok(legacyError instanceof Error && /full/.test(legacyError.message), `outbox reservation on a full disk: ${String(legacyError)}`);
    // "Restart" with the disk still full: the new handle continues above everything handed out.
    file.close();
    file = new SequenceFile({ path, capacityKeys: 16 });
    counter = new SequenceCounter(file, 'dev1/ecg/beats', 10);
    const next = counter.next();
    assert.ok(next > Math.max(...handed), `after restart ${next}, handed out up to ${Math.max(...handed)}`);
    assert.is(new Set(handed).size, handed.length, 'no number twice');
    file.close();
    outbox.close();
  } finally {
    disk.unmount();
  }
});

test.run();
