import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthleteStore, athletesDbPath, checkAthleteId, type AthleteRecord } from '../../../src/models/similarity/athletes-store.js';

const dir = mkdtempSync(join(tmpdir(), 'wg-athletes-'));
const record = (id: string, seed: number): AthleteRecord => ({
  id,
  name: `Athlete ${id}`,
  createdAtMs: 1_764_000_000_000 + seed,
  model: { name: 'ecg-similarity', version: '1.0.0', sha256: 'ab'.repeat(32), variant: 'int8' },
  template: Float32Array.from({ length: 32 }, (_, i) => Math.sin(seed + i)),
  quality: { segments: 100 + seed, consistency: 0.9 },
});

test('templates survive closing and reopening the store; re-enrollment replaces; remove is durable', () => {
  const path = athletesDbPath(dir);
  let store = new AthleteStore(path);
  store.put(record('a1', 1));
  store.put(record('b2', 2));
  store.close();

  store = new AthleteStore(path);
  const got = store.get('a1');
  assert.ok(got);
  assert.equal(Array.from(got.template), Array.from(record('a1', 1).template));
  assert.equal(got.model, record('a1', 1).model);
  assert.equal(got.quality, { segments: 101, consistency: 0.9 });
  assert.equal(store.list().map((r) => r.id), ['a1', 'b2']);
  store.put(record('a1', 7));
  assert.is(store.get('a1')?.createdAtMs, record('a1', 7).createdAtMs);
  store.bind('chest1', 'a1');
  store.bind('chest2', 'b2');
  store.bind('chest2', 'a1');
  assert.equal([...store.bindings()], [['chest1', 'a1'], ['chest2', 'a1']]);
  store.bind('chest3', 'b2');
  assert.is(store.remove('b2'), true);
  assert.equal([...store.bindings().keys()], ['chest1', 'chest2'], 'removing an athlete unbinds its devices');
  assert.is(store.remove('b2'), false);
  store.close();

  store = new AthleteStore(path);
  assert.equal(store.list().map((r) => r.id), ['a1']);
  assert.equal(Array.from(store.get('a1')?.template ?? []), Array.from(record('a1', 7).template));
  assert.equal([...store.bindings()], [['chest1', 'a1'], ['chest2', 'a1']]);
  store.remove('a1');
  assert.equal(store.bindings().size, 0);
  store.close();
});

test('athlete ids are checked', () => {
  assert.throws(() => checkAthleteId(''));
  assert.throws(() => checkAthleteId('a/b'));
  assert.throws(() => checkAthleteId('x'.repeat(65)));
  checkAthleteId('runner_07.A-b');
  const store = new AthleteStore(':memory:');
  assert.throws(() => store.put(record('bad id', 1)));
  store.close();
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
