// The behaviour every MessageStore (src/mqtt/store.ts) shares, run over each store by
// store-contract.test.ts (the way MQTT.js runs its abstract store tests over every store). Where
// the stores differ on purpose — what happens beyond the byte bound, and whether there is an age
// bound — the subject says which behaviour it has and the suite checks that one.
//
// Semantics (read from the code, checked here):
// - ids strictly increase with every enqueue and are never reused, even after the newest is acked;
// - peek(limit, afterId) = the first `limit` pending messages with id > afterId, by id;
// - ack/ackMany remove exactly the pending ids given, ignore any other id, and count what they removed;
// - coalescing: a message with key K removes the pending message with key K and is queued at the END
//   with a new id (it does not keep the old place); the old id is no longer pending;
// - bytes = UTF-8 topic bytes + payload bytes; a single message above maxBytes throws a RangeError;
// - beyond maxBytes: 'evict-oldest' (outbox: the newest results matter, the oldest are evicted and
//   counted in stats().evicted) or 'refuse-new' (memory queue: what it holds is older and already
//   waiting, so enqueue returns null and nothing is evicted).
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { EnqueueMessage, MessageStore } from '../../src/mqtt/store.js';

export interface StoreOptions {
  maxBytes?: number;
  /** Age bound, only for subjects with `ageBound`. */
  maxAgeS?: number;
  nowMs?: () => number;
}

export interface StoreSubject {
  make(options: StoreOptions): MessageStore;
  /** What the store does with a message that takes it beyond maxBytes. */
  whenFull: 'evict-oldest' | 'refuse-new';
  /** Whether messages older than maxAgeS are evicted (on enqueue). */
  ageBound: boolean;
}

const big = 1024 * 1024;

function msg(topic: string, payload: string | Uint8Array = '', extra: Partial<EnqueueMessage> = {}): EnqueueMessage {
  return { topic, payload, ...extra };
}

function enq(store: MessageStore, m: EnqueueMessage): number {
  const id = store.enqueue(m);
  assert.type(id, 'number', `${m.topic} accepted`);
  return id as number;
}

function topics(store: MessageStore, limit = 1000, afterId = 0): string[] {
  return store.peek(limit, afterId).map((r) => r.topic);
}

export function storeContract(name: string, subject: StoreSubject): void {
  const t = suite(`store contract: ${name}`);
  const open: MessageStore[] = [];
  const make = (o: StoreOptions = {}): MessageStore => {
    const store = subject.make(o);
    open.push(store);
    return store;
  };
  t.after.each(() => {
    for (const store of open.splice(0)) store.close();
  });

  t('messages come back in id order; ids strictly increase and are never reused', () => {
    const store = make({ maxBytes: big });
    const ids = ['a', 'b', 'c', 'd'].map((x) => enq(store, msg(x, x)));
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], `id ${ids[i]} > ${ids[i - 1]}`);
    assert.equal(topics(store), ['a', 'b', 'c', 'd']);
    assert.equal(store.peek(10).map((r) => r.id), ids);
    assert.ok(store.ack(ids[3]), 'ack the newest');
    const next = enq(store, msg('e'));
    assert.ok(next > ids[3], 'an acked newest id is not handed out again');
    assert.equal(topics(store), ['a', 'b', 'c', 'e']);
  });

  t('peek after a cursor, with a limit', () => {
    const store = make({ maxBytes: big });
    const ids = [0, 1, 2, 3, 4].map((i) => enq(store, msg(`t/${i}`)));
    assert.equal(topics(store, 2), ['t/0', 't/1']);
    assert.equal(topics(store, 2, ids[1]), ['t/2', 't/3']);
    assert.equal(topics(store, 10, ids[3]), ['t/4']);
    assert.equal(topics(store, 10, ids[4]), [], 'nothing after the newest');
    assert.equal(store.peek(0), [], 'limit 0');
    store.ackMany([ids[2]]);
    assert.equal(topics(store, 2, ids[1]), ['t/3', 't/4'], 'a cursor on an acked id still works');
  });

  t('ack removes exactly the ids given and ignores unknown ones', () => {
    const store = make({ maxBytes: big });
    const ids = [0, 1, 2, 3, 4].map((i) => enq(store, msg(`t/${i}`, 'xx')));
    assert.ok(store.ack(ids[0]));
    assert.not.ok(store.ack(ids[0]), 'a second ack finds nothing');
    assert.not.ok(store.ack(ids[4] + 1000), 'an id never handed out');
    assert.is(store.ackMany([ids[1], ids[3], ids[1], ids[4] + 7, -1]), 2, 'duplicates and unknown ids are not counted');
    assert.equal(topics(store), ['t/2', 't/4']);
    assert.is(store.ackMany([]), 0);
    const s = store.stats();
    assert.is(s.depth, 2);
    assert.is(s.bytes, 2 * ('t/2'.length + 2));
  });

  t('coalescing replaces the pending message of the same key; the new one goes to the end', () => {
    const store = make({ maxBytes: big });
    const a = enq(store, msg('a'));
    const k1 = enq(store, msg('state', 'v1', { coalesceKey: 'k' }));
    enq(store, msg('b'));
    enq(store, msg('other', 'o1', { coalesceKey: 'other' }));
    const k2 = enq(store, msg('state', 'v2', { coalesceKey: 'k' }));
    assert.ok(k2 > k1, 'a new id');
    const rows = store.peek(10);
    assert.equal(rows.map((r) => r.topic), ['a', 'b', 'other', 'state']);
    assert.equal(rows[3].payload.toString(), 'v2');
    assert.is(rows[3].coalesceKey, 'k');
    assert.not.ok(store.ack(k1), 'the replaced id is gone');
    assert.is(store.stats().depth, 4);
    assert.is(store.stats().bytes, 1 + 1 + ('other'.length + 2) + ('state'.length + 2));
    assert.is(store.stats().evicted, 0, 'a replacement is not an eviction');
    enq(store, msg('a'));
    enq(store, msg('a', '', { coalesceKey: null }));
    assert.is(store.peek(10).filter((r) => r.topic === 'a').length, 3, 'no key: no coalescing');
    assert.ok(store.ack(a));
    assert.ok(store.ack(k2));
    const k3 = enq(store, msg('state', 'v3', { coalesceKey: 'k' }));
    assert.equal(store.peek(10).filter((r) => r.coalesceKey === 'k').map((r) => r.id), [k3], 'a key acked is free again');
  });

  t('qos, retain and payloads (string and bytes) round trip; payloads are copied', () => {
    const store = make({ maxBytes: big });
    const bytes = new Uint8Array([0, 255, 1, 0, 128]);
    const backing = new Uint8Array([9, 9, 7, 8, 9, 9]);
    enq(store, msg('s', 'héllo ✓ 💓', { qos: 0, retain: true }));
    enq(store, msg('b', bytes, { qos: 2 }));
    enq(store, msg('sub', backing.subarray(2, 4)));
    enq(store, msg('d', ''));
    bytes[0] = 42;
    const rows = store.peek(10);
    assert.equal(rows.map((r) => [r.qos, r.retain]), [[0, true], [2, false], [1, false], [1, false]], 'defaults qos 1, no retain');
    assert.is(rows[0].payload.toString('utf8'), 'héllo ✓ 💓');
    assert.equal([...rows[1].payload], [0, 255, 1, 0, 128], 'bytes kept, not changed by the caller afterwards');
    assert.equal([...rows[2].payload], [7, 8], 'a view is stored as its own bytes only');
    assert.is(rows[3].payload.length, 0);
    assert.is(rows[1].coalesceKey, null);
    assert.is(store.stats().bytes, 1 + Buffer.byteLength('héllo ✓ 💓') + 1 + 5 + 3 + 2 + 1);
  });

  t('stats: depth, bytes of topic + payload, age of the oldest from the clock', () => {
    let nowMs = 1_000_000;
    const store = make({ maxBytes: big, nowMs: () => nowMs });
    assert.equal(store.stats(), { depth: 0, bytes: 0, oldestAgeS: 0, evicted: 0 });
    const first = enq(store, msg('tö', 'abc'));
    nowMs += 5000;
    enq(store, msg('t', new Uint8Array(10)));
    nowMs += 2500;
    assert.equal(store.stats(), { depth: 2, bytes: 3 + 3 + 1 + 10, oldestAgeS: 7.5, evicted: 0 });
    store.ack(first);
    assert.equal(store.stats(), { depth: 1, bytes: 11, oldestAgeS: 2.5, evicted: 0 });
  });

  t('a message larger than the whole bound is refused with a RangeError; one at the bound fits', () => {
    const store = make({ maxBytes: 100, nowMs: () => 1_000_000 }); // a still clock: stats() is read twice below
    const tooBig = msg('t', 'x'.repeat(100));
    assert.throws(() => store.assertFits(tooBig), (e: unknown) => e instanceof RangeError);
    store.assertFits(msg('t', 'x'.repeat(99)));
    enq(store, msg('t', 'x'.repeat(99)));
    assert.is(store.stats().bytes, 100);
    // enqueue itself: the outbox throws (a caller bug: such a message can never be stored), the
    // memory queue refuses it like any message that does not fit. Either way nothing is evicted.
    if (subject.whenFull === 'evict-oldest') assert.throws(() => store.enqueue(tooBig), (e: unknown) => e instanceof RangeError);
    else assert.is(store.enqueue(tooBig), null);
    assert.equal(topics(store), ['t']);
    assert.equal(store.stats(), { ...store.stats(), depth: 1, bytes: 100, evicted: 0 });
  });

  t(`beyond the byte bound: ${subject.whenFull}`, () => {
    const store = make({ maxBytes: 40 });
    const ids = [0, 1, 2, 3].map((i) => enq(store, msg(`t${i}`, 'x'.repeat(8)))); // 10 bytes each: full
    assert.is(store.stats().bytes, 40);
    const id = store.enqueue(msg('t4', 'x'.repeat(18)));
    const s = store.stats();
    if (subject.whenFull === 'evict-oldest') {
      assert.type(id, 'number');
      assert.equal(topics(store), ['t2', 't3', 't4'], 'the two oldest evicted, no more');
      assert.is(s.evicted, 2);
      assert.is(s.bytes, 40);
      assert.not.ok(store.ack(ids[0]), 'an evicted id is gone');
    } else {
      assert.is(id, null);
      assert.equal(topics(store), ['t0', 't1', 't2', 't3'], 'what was queued keeps its place');
      assert.equal(s, { ...s, depth: 4, bytes: 40, evicted: 0 });
    }
  });

  t('a full store still takes the replacement of a coalesced message that frees enough', () => {
    const store = make({ maxBytes: 40 });
    enq(store, msg('s0', 'x'.repeat(8), { coalesceKey: 'k' }));
    enq(store, msg('t1', 'x'.repeat(8)));
    enq(store, msg('t2', 'x'.repeat(8)));
    enq(store, msg('t3', 'x'.repeat(8)));
    enq(store, msg('s0', 'y'.repeat(8), { coalesceKey: 'k' }));
    assert.equal(topics(store), ['t1', 't2', 't3', 's0']);
    assert.equal(store.stats(), { ...store.stats(), depth: 4, bytes: 40, evicted: 0 });
  });

  if (subject.ageBound) {
    t('messages older than the age bound are evicted on the next enqueue', () => {
      let nowMs = 0;
      const store = make({ maxBytes: big, maxAgeS: 10, nowMs: () => nowMs });
      enq(store, msg('old'));
      nowMs = 2000;
      enq(store, msg('mid'));
      nowMs = 10_000;
      enq(store, msg('edge'));
      assert.equal(topics(store), ['old', 'mid', 'edge'], 'exactly 10 s old is kept');
      nowMs = 12_000;
      enq(store, msg('new'));
      assert.equal(topics(store), ['mid', 'edge', 'new'], 'old (12 s) evicted, mid (exactly 10 s) kept');
      assert.is(store.stats().evicted, 1);
    });
  }

  t('property: random enqueue / peek / ack / ackMany match a simple model', () => {
    type Op =
      | { kind: 'enqueue'; topic: string; payload: string; key: string | null }
      | { kind: 'peek'; limit: number; after: number }
      | { kind: 'ack'; pick: number; unknown: boolean }
      | { kind: 'ackMany'; picks: number[] };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('enqueue' as const),
        topic: fc.constantFrom('a', 'b/ü', 'c'),
        payload: fc.string({ maxLength: 12 }),
        key: fc.option(fc.constantFrom('k1', 'k2'), { nil: null }),
      }),
      fc.record({ kind: fc.constant('peek' as const), limit: fc.integer({ min: 0, max: 6 }), after: fc.integer({ min: -1, max: 20 }) }),
      fc.record({ kind: fc.constant('ack' as const), pick: fc.nat(30), unknown: fc.boolean() }),
      fc.record({ kind: fc.constant('ackMany' as const), picks: fc.array(fc.nat(30), { maxLength: 4 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const store = subject.make({ maxBytes: big });
        try {
          type Row = { id: number; topic: string; payload: string; key: string | null };
          let model: Row[] = [];
          const handed: number[] = [];
          const idAt = (pick: number): number => (handed.length === 0 ? 1 : handed[pick % handed.length]);
          for (const o of ops) {
            if (o.kind === 'enqueue') {
              const id = store.enqueue({ topic: o.topic, payload: o.payload, coalesceKey: o.key });
              assert.type(id, 'number');
              assert.ok(handed.every((h) => (id as number) > h), 'a fresh, larger id');
              handed.push(id as number);
              if (o.key !== null) model = model.filter((r) => r.key !== o.key);
              model.push({ id: id as number, topic: o.topic, payload: o.payload, key: o.key });
            } else if (o.kind === 'peek') {
              const after = o.after < 0 ? 0 : idAt(o.after);
              const got = store.peek(o.limit, after).map((r) => ({ id: r.id, topic: r.topic, payload: r.payload.toString('utf8'), key: r.coalesceKey }));
              assert.equal(got, model.filter((r) => r.id > after).slice(0, o.limit));
            } else {
              const ids = o.kind === 'ack' ? [o.unknown ? 1_000_000 + o.pick : idAt(o.pick)] : o.picks.map(idAt);
              const pending = new Set(model.filter((r) => ids.includes(r.id)).map((r) => r.id));
              const removed = o.kind === 'ack' ? Number(store.ack(ids[0])) : store.ackMany(ids);
              assert.is(removed, pending.size);
              model = model.filter((r) => !pending.has(r.id));
            }
            const bytes = model.reduce((sum, r) => sum + Buffer.byteLength(r.topic) + Buffer.byteLength(r.payload), 0);
            const s = store.stats();
            assert.equal([s.depth, s.bytes], [model.length, bytes]);
          }
          assert.equal(store.peek(1000).map((r) => r.id), model.map((r) => r.id));
        } finally {
          store.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  t.run();
}
