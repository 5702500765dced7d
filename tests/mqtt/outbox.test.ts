import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox } from '../../src/mqtt/outbox.js';

const dirs: string[] = [];
function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wg-outbox-'));
  dirs.push(dir);
  return join(dir, 'outbox.db');
}

test.after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('rows come back in enqueue order with their options, and ack deletes them', () => {
  const outbox = new Outbox({ path: dbPath() });
  const ids = [0, 1, 2, 3, 4].map((i) => outbox.enqueue({ topic: `t/${i}`, payload: JSON.stringify({ seq: i }), retain: i === 2, qos: i === 4 ? 0 : 1 }));
  assert.equal(ids, [...ids].sort((a, b) => a - b));
  const rows = outbox.peek(10);
  assert.equal(rows.map((r) => r.topic), ['t/0', 't/1', 't/2', 't/3', 't/4']);
  assert.equal(rows[2].retain, true);
  assert.equal(rows[0].retain, false);
  assert.equal(rows[4].qos, 0);
  assert.equal(JSON.parse(rows[3].payload.toString()), { seq: 3 });
  assert.equal(outbox.peek(2, ids[1]).map((r) => r.topic), ['t/2', 't/3']);
  assert.ok(outbox.ack(ids[0]));
  assert.not.ok(outbox.ack(ids[0]), 'a second ack finds nothing');
  assert.is(outbox.ackMany([ids[1], ids[3], 999_999]), 2);
  assert.equal(outbox.peek(10).map((r) => r.topic), ['t/2', 't/4']);
  assert.is(outbox.stats().depth, 2);
  outbox.close();
});

test('stats count bytes of topic and payload and survive reopening', () => {
  const path = dbPath();
  const outbox = new Outbox({ path });
  outbox.enqueue({ topic: 'abc', payload: new Uint8Array([1, 2, 3, 4]) });
  outbox.enqueue({ topic: 'é', payload: 'xy' }); // 2-byte topic
  assert.equal(outbox.stats().bytes, 7 + 4);
  outbox.close();
  const reopened = new Outbox({ path });
  assert.equal({ depth: reopened.stats().depth, bytes: reopened.stats().bytes }, { depth: 2, bytes: 11 });
  assert.equal([...reopened.peek(1)[0].payload], [1, 2, 3, 4]);
  reopened.close();
});

test('ids keep growing after the newest row is deleted (the drain cursor depends on it)', () => {
  const outbox = new Outbox({ path: dbPath() });
  const a = outbox.enqueue({ topic: 'x', payload: '1' });
  outbox.ack(a);
  const b = outbox.enqueue({ topic: 'x', payload: '2' });
  assert.ok(b > a);
  outbox.close();
});

test('a coalesce key replaces the older pending row and moves it to the end', () => {
  const outbox = new Outbox({ path: dbPath() });
  const first = outbox.enqueue({ topic: 'gw/dev1/status', payload: '{"connected":false}', retain: true, coalesceKey: 'gw/dev1/status' });
  outbox.enqueue({ topic: 'gw/dev1/ecg/hr', payload: '{"seq":1}' });
  outbox.enqueue({ topic: 'gw/dev2/status', payload: '{"connected":true}', retain: true, coalesceKey: 'gw/dev2/status' });
  const latest = outbox.enqueue({ topic: 'gw/dev1/status', payload: '{"connected":true}', retain: true, coalesceKey: 'gw/dev1/status' });
  const rows = outbox.peek(10);
  assert.equal(rows.map((r) => r.topic), ['gw/dev1/ecg/hr', 'gw/dev2/status', 'gw/dev1/status']);
  assert.is(rows[2].payload.toString(), '{"connected":true}');
  assert.is(outbox.stats().depth, 3);
  assert.is(outbox.stats().evicted, 0, 'coalescing is not eviction');
  assert.not.ok(outbox.ack(first), 'the replaced row is gone (an ack for it finds nothing)');
  assert.ok(outbox.ack(latest));
  const bytes = rows.slice(0, 2).reduce((s, r) => s + r.payload.length + Buffer.byteLength(r.topic), 0);
  assert.is(outbox.stats().bytes, bytes);
  outbox.close();
});

test('the byte bound evicts the oldest rows and the count persists across restarts', () => {
  const path = dbPath();
  const rowBytes = 1 + 99; // topic 't' + 99-byte payload
  const outbox = new Outbox({ path, maxBytes: 10 * rowBytes });
  for (let i = 0; i < 25; i++) outbox.enqueue({ topic: 't', payload: String(i).padStart(99, '0') });
  let stats = outbox.stats();
  assert.equal({ depth: stats.depth, bytes: stats.bytes, evicted: stats.evicted }, { depth: 10, bytes: 10 * rowBytes, evicted: 15 });
  assert.is(Number(outbox.peek(1)[0].payload.toString()), 15, 'the oldest survivors are 15..24');
  outbox.close();
  const reopened = new Outbox({ path, maxBytes: 10 * rowBytes });
  assert.is(reopened.stats().evicted, 15);
  reopened.enqueue({ topic: 't', payload: 'z'.repeat(99) });
  stats = reopened.stats();
  assert.equal({ depth: stats.depth, evicted: stats.evicted }, { depth: 10, evicted: 16 });
  reopened.close();
});

test('a message larger than the whole bound is refused and nothing else changes', () => {
  const outbox = new Outbox({ path: dbPath(), maxBytes: 100 });
  outbox.enqueue({ topic: 't', payload: 'small' });
  const counters = (): unknown => ({ ...outbox.stats(), oldestAgeS: 0 });
  const before = counters();
  assert.throws(() => outbox.enqueueMany([{ topic: 't', payload: 'ok' }, { topic: 't', payload: 'x'.repeat(200) }]), /above the outbox bound/);
  assert.equal(counters(), before, 'the batch rolled back, counters too');
  assert.is(outbox.peek(10).length, 1);
  outbox.close();
});

test('the age bound evicts old rows (injected clock) and oldestAgeS reports the backlog', () => {
  let nowMs = 1_700_000_000_000;
  const outbox = new Outbox({ path: dbPath(), maxAgeS: 60, nowMs: () => nowMs });
  outbox.enqueue({ topic: 't', payload: 'a' });
  nowMs += 30_000;
  outbox.enqueue({ topic: 't', payload: 'b' });
  assert.is(outbox.stats().oldestAgeS, 30);
  nowMs += 45_000; // 'a' is 75 s old, 'b' 45 s
  outbox.enqueue({ topic: 't', payload: 'c' });
  assert.equal(outbox.peek(10).map((r) => r.payload.toString()), ['b', 'c']);
  assert.is(outbox.stats().evicted, 1);
  assert.is(outbox.stats().oldestAgeS, 45);
  outbox.close();
});

test('enqueueMany commits a batch in order; an empty outbox reports zeros', () => {
  const outbox = new Outbox({ path: dbPath(), synchronous: 'normal' });
  assert.equal(outbox.stats(), { depth: 0, bytes: 0, oldestAgeS: 0, evicted: 0 });
  const ids = outbox.enqueueMany(Array.from({ length: 100 }, (_, i) => ({ topic: 't', payload: String(i) })));
  assert.is(ids.length, 100);
  assert.equal(outbox.peek(3, ids[49]).map((r) => r.payload.toString()), ['50', '51', '52']);
  outbox.close();
});

test('bad bounds are refused', () => {
  assert.throws(() => new Outbox({ path: ':memory:', maxBytes: 0 }), /must be > 0/);
});

test.run();
