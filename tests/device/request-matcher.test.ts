import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TimeoutError } from '../../src/common/errors.js';
import { RequestCancelledError, RequestMatcher, type MatcherTimers } from '../../src/device/request-matcher.js';

/** A fake clock: timers fire only when the test advances time. */
class FakeTimers implements MatcherTimers {
  nowMs = 0;
  private nextId = 1;
  private readonly due = new Map<number, { atMs: number; callback: () => void }>();
  set(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.due.set(id, { atMs: this.nowMs + ms, callback });
    return id;
  }
  clear(handle: unknown): void {
    this.due.delete(handle as number);
  }
  get active(): number {
    return this.due.size;
  }
  advance(ms: number): void {
    this.nowMs += ms;
    for (const [id, t] of [...this.due].sort((a, b) => a[1].atMs - b[1].atMs)) {
      if (t.atMs <= this.nowMs) {
        this.due.delete(id);
        t.callback();
      }
    }
  }
}

interface Response {
  op: number;
  status: number;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('resolved, expected a rejection');
}

test('a matching response resolves the waiter; others are left alone and resolve() says so', async () => {
  const timers = new FakeTimers();
  const m = new RequestMatcher<Response>({ timers });
  const start = m.waitFor((r) => r.op === 2, 1000);
  const stop = m.waitFor((r) => r.op === 3, 1000);
  assert.is(m.resolve({ op: 9, status: 0 }), false);
  assert.is(m.resolve({ op: 3, status: 0 }), true);
  assert.equal(await stop.promise, { op: 3, status: 0 });
  assert.is(m.pending, 1);
  assert.is(m.resolve({ op: 2, status: 6 }), true);
  assert.equal(await start.promise, { op: 2, status: 6 });
  assert.is(timers.active, 0, 'timers cleared');
});

test('two waiters for the same response: the oldest gets it, the next response goes to the other', async () => {
  const m = new RequestMatcher<Response>({ timers: new FakeTimers() });
  const a = m.waitFor((r) => r.op === 1, 1000);
  const b = m.waitFor((r) => r.op === 1, 1000);
  m.resolve({ op: 1, status: 10 });
  m.resolve({ op: 1, status: 11 });
  assert.equal([(await a.promise).status, (await b.promise).status], [10, 11]);
});

test('timeout rejects with TimeoutError at the deadline, not before; a late response is unclaimed', async () => {
  const timers = new FakeTimers();
  const m = new RequestMatcher<Response>({ timers, what: 'pmd control point' });
  const p = m.waitFor((r) => r.op === 2, 500);
  timers.advance(499);
  assert.is(m.pending, 1);
  timers.advance(1);
  const err = await rejection(p.promise);
  assert.instance(err, TimeoutError);
  assert.is((err as TimeoutError).timeoutMs, 500);
  assert.match(err.message, 'pmd control point');
  assert.is(m.resolve({ op: 2, status: 0 }), false);
});

test('cancel() rejects with RequestCancelledError, frees the timer, and is idempotent', async () => {
  const timers = new FakeTimers();
  const m = new RequestMatcher<Response>({ timers });
  const p = m.waitFor(() => true, 1000);
  p.cancel();
  p.cancel();
  assert.instance(await rejection(p.promise), RequestCancelledError);
  assert.is(timers.active, 0);
  assert.is(m.resolve({ op: 1, status: 0 }), false);
});

test('close() rejects every waiter with its reason; later waits reject at once', async () => {
  const timers = new FakeTimers();
  const m = new RequestMatcher<Response>({ timers });
  const waits = [m.waitFor(() => true, 1000), m.waitFor(() => true, 2000)];
  m.close('disconnected');
  for (const w of waits) {
    const err = await rejection(w.promise);
    assert.instance(err, RequestCancelledError);
    assert.is((err as RequestCancelledError).reason, 'disconnected');
  }
  assert.is(timers.active, 0);
  assert.instance(await rejection(m.waitFor(() => true, 10).promise), RequestCancelledError);
});

test('a predicate that throws rejects only its own waiter', async () => {
  const m = new RequestMatcher<Response>({ timers: new FakeTimers() });
  const bad = m.waitFor(() => {
    throw new Error('bad predicate');
  }, 1000);
  const good = m.waitFor((r) => r.op === 1, 1000);
  assert.is(m.resolve({ op: 1, status: 0 }), true);
  assert.match((await rejection(bad.promise)).message, 'bad predicate');
  assert.is((await good.promise).op, 1);
});

test('bad timeouts are refused', () => {
  const m = new RequestMatcher<Response>({ timers: new FakeTimers() });
  assert.throws(() => m.waitFor(() => true, -1), RangeError);
  assert.throws(() => m.waitFor(() => true, Number.NaN), RangeError);
});

test('real timers: a short timeout fires within a deadline', async () => {
  const m = new RequestMatcher<Response>();
  const started = performance.now();
  const err = await rejection(m.waitFor(() => true, 20).promise);
  assert.instance(err, TimeoutError);
  const elapsedMs = performance.now() - started;
  assert.ok(elapsedMs >= 15 && elapsedMs < 2000, `${elapsedMs} ms`);
});

test.run();
