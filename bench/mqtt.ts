// MQTT room benchmark: durable outbox throughput (enqueue, ack) per synchronous mode, and the
// end-to-end rate outbox -> QoS 1 publish -> PUBACK -> delete to an embedded aedes broker on
// loopback, as seen by a subscriber; latency from a result's publish() call to its PUBACK (the
// outbox row's delete) at a steady rate, p50/p99, with fsync on every commit (synchronous=full);
// disk use of 100,000 results queued while the broker is away. Run: npx tsx bench/mqtt.ts
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connect } from 'mqtt';
import { silentLogger } from '../src/common/logger.js';
import { topics, type EcgHr } from '../src/mqtt/api.js';
import { EmbeddedBroker } from '../src/mqtt/broker.js';
import { MqttPublisher } from '../src/mqtt/publisher.js';
import { Outbox } from '../src/mqtt/outbox.js';

type Sync = 'full' | 'normal';

const t = topics('weargate', 'bench');

function hr(seq: number): EcgHr {
  return {
    seq,
    t: 1_700_000_000_000 + seq * 1000,
    detector: 'pan-tompkins',
    hrBpm: 61.8,
    rrMs: [968, 975],
    sdnnMs: 23.4,
    rmssdMs: 19.1,
    pnn50: 0.031,
    windowS: 60,
    beatsRejected: 1,
    quality: { sqi: 0.94, quality: 'good' },
    leadOff: false,
  };
}

function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'wg-bench-mqtt-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

interface Row {
  what: string;
  count: number;
  ms: number;
}

async function outboxRows(sync: Sync, count: number): Promise<Row[]> {
  return withDir(async (dir) => {
    const outbox = new Outbox({ path: join(dir, 'o.db'), synchronous: sync });
    const payload = JSON.stringify(hr(1));
    const topic = t.ecgHr('dev1').topic;
    let t0 = performance.now();
    for (let i = 0; i < count; i++) outbox.enqueue({ topic, payload });
    const single = performance.now() - t0;
    const ids = outbox.peek(count).map((r) => r.id);
    t0 = performance.now();
    for (let i = 0; i < ids.length; i += 16) outbox.ackMany(ids.slice(i, i + 16));
    const acks = performance.now() - t0;
    t0 = performance.now();
    for (let i = 0; i < count; i += 16) outbox.enqueueMany(Array.from({ length: 16 }, () => ({ topic, payload })));
    const batched = performance.now() - t0;
    outbox.close();
    return [
      { what: `outbox ${sync}: enqueue (1 per commit)`, count, ms: single },
      { what: `outbox ${sync}: enqueueMany (16 per commit)`, count, ms: batched },
      { what: `outbox ${sync}: ackMany (16 per commit)`, count, ms: acks },
    ];
  });
}

async function endToEnd(sync: Sync, window: number, count: number, onePerTurn = false): Promise<Row> {
  return withDir(async (dir) => {
    const broker = new EmbeddedBroker();
    await broker.start();
    const outbox = new Outbox({ path: join(dir, 'o.db'), synchronous: sync });
    const publisher = new MqttPublisher({
      connection: { url: broker.url, clientId: 'bench-pub', inFlightWindow: window },
      outbox,
      topics: t,
      log: silentLogger,
    });
    const sub = connect(broker.url, { reconnectPeriod: 0 });
    sub.on('error', () => undefined);
    await new Promise<void>((resolve) => sub.once('connect', () => resolve()));
    await sub.subscribeAsync(t.ecgHr('dev1').topic, { qos: 1 });
    await new Promise<void>((resolve) => {
      const off = publisher.events.on('connected', () => (off(), resolve()));
      publisher.start();
    });
    let received = 0;
    const t0 = performance.now();
    const done = new Promise<void>((resolve) => {
      const check = (): void => {
        if (received >= count && outbox.stats().depth === 0) resolve();
      };
      sub.on('message', () => (received++, check()));
      publisher.events.on('published', check);
    });
    for (let seq = 0; seq < count; seq++) {
      publisher.publish(t.ecgHr('dev1'), hr(seq));
      // One result per event-loop turn: each gets its own commit, as when results trickle in.
      if (onePerTurn) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await done;
    const ms = performance.now() - t0;
    await publisher.stop();
    await sub.endAsync(true);
    outbox.close();
    await broker.stop();
    return { what: `end-to-end aedes, outbox ${sync}, window ${window}${onePerTurn ? ', 1/turn' : ''}`, count, ms };
  });
}

/** publish() -> PUBACK (the row's delete) per result, at `ratePerS` for `seconds`, through a real broker. */
async function steadyLatency(sync: Sync, ratePerS: number, seconds: number): Promise<{ p50: number; p99: number; max: number; count: number }> {
  return withDir(async (dir) => {
    const broker = new EmbeddedBroker();
    await broker.start();
    const outbox = new Outbox({ path: join(dir, 'o.db'), synchronous: sync });
    const publishedAt = new Map<number, number>(); // seq -> publish() time
    const seqOfRow = new Map<number, number>(); // outbox id -> seq
    const latencyMs: number[] = [];
    const enqueueMany = outbox.enqueueMany.bind(outbox);
    outbox.enqueueMany = (messages) => {
      const ids = enqueueMany(messages);
      ids.forEach((id, i) => seqOfRow.set(id, (JSON.parse(String(messages[i]!.payload)) as { seq: number }).seq));
      return ids;
    };
    const ackMany = outbox.ackMany.bind(outbox);
    outbox.ackMany = (ids) => {
      const now = performance.now();
      for (const id of ids) {
        const seq = seqOfRow.get(id);
        if (seq !== undefined) latencyMs.push(now - publishedAt.get(seq)!);
      }
      return ackMany(ids);
    };
    const publisher = new MqttPublisher({ connection: { url: broker.url, clientId: 'bench-lat' }, outbox, topics: t, log: silentLogger });
    await new Promise<void>((resolve) => {
      const off = publisher.events.on('connected', () => (off(), resolve()));
      publisher.start();
    });
    const count = Math.round(ratePerS * seconds);
    const started = performance.now();
    for (let seq = 0; seq < count; seq++) {
      const due = started + (seq * 1000) / ratePerS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      publishedAt.set(seq, performance.now());
      publisher.publish(t.ecgHr('dev1'), hr(seq));
    }
    const deadline = performance.now() + 10_000;
    while (latencyMs.length < count && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await publisher.stop();
    outbox.close();
    await broker.stop();
    latencyMs.sort((a, b) => a - b);
    const at = (q: number): number => latencyMs[Math.min(latencyMs.length - 1, Math.floor(q * latencyMs.length))]!;
    return { p50: at(0.5), p99: at(0.99), max: latencyMs.at(-1)!, count: latencyMs.length };
  });
}

/** Bytes on disk (database + WAL) for 100,000 ecg/hr results queued with no broker. */
async function diskPer100k(): Promise<number> {
  return withDir(async (dir) => {
    const path = join(dir, 'o.db');
    const outbox = new Outbox({ path, synchronous: 'normal' });
    const topic = t.ecgHr('dev1').topic;
    for (let i = 0; i < 100_000; i += 100) outbox.enqueueMany(Array.from({ length: 100 }, (_, k) => ({ topic, payload: JSON.stringify(hr(i + k)) })));
    const depth = outbox.stats().depth;
    outbox.close();
    const bytes = [path, `${path}-wal`].filter(existsSync).reduce((n, f) => n + statSync(f).size, 0);
    if (depth !== 100_000) throw new Error(`outbox holds ${depth} rows, expected 100000`);
    return bytes;
  });
}

export async function run(): Promise<void> {
  const rows: Row[] = [
    ...(await outboxRows('full', 400)),
    ...(await outboxRows('normal', 20_000)),
    await endToEnd('normal', 1, 2_000),
    await endToEnd('normal', 16, 10_000),
    await endToEnd('full', 16, 400),
    await endToEnd('full', 16, 400, true),
  ];
  const payloadBytes = Buffer.byteLength(JSON.stringify(hr(1)));
  console.log(`mqtt: ecg/hr payload ${payloadBytes} bytes; disk-bound rows depend on fsync latency`);
  console.log(['what'.padEnd(52), 'msgs'.padStart(7), 'ms'.padStart(9), 'msgs/s'.padStart(9)].join(' '));
  for (const r of rows) {
    console.log([r.what.padEnd(52), String(r.count).padStart(7), r.ms.toFixed(0).padStart(9), ((r.count / r.ms) * 1000).toFixed(0).padStart(9)].join(' '));
  }
  console.log('\npublish() -> PUBACK (outbox row deleted), steady rate, aedes on loopback:');
  for (const [sync, rate] of [['full', 50], ['full', 200], ['normal', 200]] as const) {
    const l = await steadyLatency(sync, rate, 10);
    console.log(`  outbox ${sync.padEnd(6)} ${String(rate).padStart(4)} results/s x 10 s: p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms (${l.count} acked)`);
  }
  const bytes = await diskPer100k();
  console.log(`\ndisk: 100,000 queued ecg/hr results (${payloadBytes}-byte payloads) take ${(bytes / 2 ** 20).toFixed(1)} MiB (database + WAL), ${(bytes / 100_000).toFixed(0)} bytes per result`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
