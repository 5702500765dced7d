// The durable replay cache on its own: a nonce is refused once claimed, also by a new instance on
// the same file; entries are pruned only well past expiry; an unreadable file makes the cache
// refuse everything until every command it could have held has expired (fail closed).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CommandRefusal } from '../../src/fleet/command.js';
import { ReplayCache } from '../../src/fleet/replay-cache.js';

const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof CommandRefusal ? err.code : `other: ${(err as Error).message}`;
  }
};

test('claimed nonces are refused, durably; pruned only blindMs past expiry', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'wg-replay-')), 'fleet', 'command-nonces.json');
  let nowMs = 1_000_000;
  const cache = new ReplayCache({ path, blindMs: 660_000, nowMs: () => nowMs });
  assert.is(codeOf(() => cache.claim('a'.repeat(32), nowMs + 60_000)), undefined);
  assert.is(codeOf(() => cache.claim('a'.repeat(32), nowMs + 60_000)), 'replayed');
  assert.is(codeOf(() => new ReplayCache({ path, blindMs: 660_000, nowMs: () => nowMs }).claim('a'.repeat(32), nowMs + 60_000)), 'replayed', 'a restart keeps it');
  nowMs += 60_000 + 600_000; // expired, but within blindMs of expiry: kept
  cache.claim('b'.repeat(32), nowMs + 60_000);
  assert.is(cache.size, 2);
  nowMs += 61_000; // a's expiry + blindMs passed
  cache.claim('c'.repeat(32), nowMs + 60_000);
  assert.equal(Object.keys((JSON.parse(readFileSync(path, 'utf8')) as { nonces: object }).nonces).sort(), ['b'.repeat(32), 'c'.repeat(32)]);
});

test('an unreadable cache file refuses every command for blindMs, then accepts again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wg-replay-'));
  const path = join(dir, 'command-nonces.json');
  writeFileSync(path, '{"nonces": {"aaaa": 12');
  let nowMs = 5_000_000;
  const cache = new ReplayCache({ path, blindMs: 660_000, nowMs: () => nowMs });
  assert.ok(cache.loadError !== undefined);
  assert.is(codeOf(() => cache.claim('d'.repeat(32), nowMs + 60_000)), 'replay-cache');
  nowMs += 660_001;
  assert.is(codeOf(() => cache.claim('d'.repeat(32), nowMs + 60_000)), undefined);
});

test.run();
