import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { RequestRouter } from '../../src/mqtt/requests.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function router(timeoutMs?: number): RequestRouter {
  const r = new RequestRouter(createMemoryLogger(), timeoutMs);
  r.register('echo', (req) => ({ got: req.value ?? null }), 'read-only');
  r.register('fail', () => {
    throw new Error('device busy');
  }, 'read-only');
  r.register('hang', () => new Promise(() => undefined), 'read-only');
  return r;
}

test('ok replies carry data and echo the transaction', async () => {
  assert.equal(await router().dispatch('echo', bytes('{"transaction":"abc","value":3}')), {
    transaction: 'abc',
    status: 'ok',
    data: { got: 3 },
  });
  assert.equal(await router().dispatch('echo', bytes('{"transaction":12}')), { transaction: 12, status: 'ok', data: { got: null } });
  assert.equal(await router().dispatch('echo', bytes('')), { status: 'ok', data: { got: null } }, 'empty payload = {}');
});

test('every failure becomes an error reply', async () => {
  const r = router(50);
  assert.equal(await r.dispatch('fail', bytes('{"transaction":"t1"}')), { transaction: 't1', status: 'error', error: 'device busy' });
  const badJson = await r.dispatch('echo', bytes('{"transaction":'));
  assert.is(badJson.status, 'error');
  assert.match(badJson.status === 'error' ? badJson.error : '', /invalid JSON/);
  assert.equal(await r.dispatch('echo', bytes('[1,2]')), { status: 'error', error: 'request payload must be a JSON object' });
  const unknown = await r.dispatch('nope', bytes('{"transaction":"u"}'));
  assert.equal(unknown, { transaction: 'u', status: 'error', error: "unknown request 'nope' (known: echo, fail, hang)" });
  const hung = await r.dispatch('hang', bytes('{"transaction":"h"}'));
  assert.equal(hung, { transaction: 'h', status: 'error', error: "request 'hang' timed out after 50 ms" });
});

test('a non-scalar or oversized transaction is refused, not echoed; duplicates and bad verbs are refused', async () => {
  const r = router();
  const refusal = { status: 'error', error: 'transaction must be a string of at most 128 characters or a finite number' };
  assert.equal(await r.dispatch('echo', bytes('{"transaction":{"x":1}}')), refusal);
  assert.equal(await r.dispatch('echo', bytes(JSON.stringify({ transaction: 'x'.repeat(129) }))), refusal);
  assert.equal(await r.dispatch('echo', bytes(JSON.stringify({ transaction: 'x'.repeat(128) }))), {
    transaction: 'x'.repeat(128),
    status: 'ok',
    data: { got: null },
  });
  assert.throws(() => r.register('echo', () => 1, 'read-only'), /already registered/);
  assert.throws(() => r.register('a/b', () => 1, 'read-only'), /verb/);
  const off = r.register('temp', () => 1, 'read-only');
  off();
  assert.not.ok(r.verbs.includes('temp'));
});

test('mutating verbs run only when the command check passes; refusals carry the code and are counted', async () => {
  const log = createMemoryLogger();
  const ran: unknown[] = [];
  const none = new RequestRouter(log);
  none.register('change', (args) => ran.push(args), 'mutating');
  none.register('look', () => 'ok', 'read-only');
  const r0 = await none.dispatch('change', bytes('{"x":1}'));
  assert.is(r0.status === 'error' && r0.code, 'no-trusted-keys', 'no check given: refused');
  assert.equal(await none.dispatch('look', bytes('{}')), { status: 'ok', data: 'ok' });
  const guarded = new RequestRouter(log, undefined, {
    check: (_verb, req) => (req.sig === 'good' ? { ok: true, args: { from: 'command' }, by: 'k1', nonce: 'n1' } : { ok: false, code: 'bad-signature', error: 'nope' }),
  });
  guarded.register('change', (args, signed) => (ran.push([args, signed]), 'done'), 'mutating');
  assert.equal(await guarded.dispatch('change', bytes('{"sig":"bad","transaction":"t"}')), { transaction: 't', status: 'error', code: 'bad-signature', error: 'nope' });
  assert.equal(await guarded.dispatch('change', bytes('{"sig":"good"}')), { status: 'ok', data: 'done' });
  assert.equal(ran, [[{ from: 'command' }, { keyId: 'k1', nonce: 'n1' }]], 'the handler got the checked args, not the raw request');
  assert.equal(guarded.commandStats, { accepted: 1, refused: { 'bad-signature': 1 } });
  assert.equal(none.commandStats.refused, { 'no-trusted-keys': 1 });
  assert.ok(log.lines.some((l) => l.level === 'warn' && l.text.includes("refused 'change' (bad-signature)")));
  assert.throws(() => guarded.register('other', () => 1, 'sometimes' as never), /access/);
});

test.run();
