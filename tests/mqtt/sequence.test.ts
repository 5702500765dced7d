// `seq` never repeats for a stream: not after a clean restart, not after a crash.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox } from '../../src/mqtt/outbox.js';
import { SequenceCounter } from '../../src/mqtt/sequence.js';

const dbPath = () => join(mkdtempSync(join(tmpdir(), 'wg-seq-')), 'outbox.sqlite');

test('a fresh stream starts at 0 and counts up; streams are independent', () => {
  const outbox = new Outbox({ path: ':memory:' });
  const a = new SequenceCounter(outbox, 'd1/ecg/beats', 4);
  const b = new SequenceCounter(outbox, 'd1/ecg/hr', 4);
  assert.equal([a.next(), a.next(), a.next(), a.next(), a.next(), a.next()], [0, 1, 2, 3, 4, 5]);
  assert.equal([b.next(), b.next()], [0, 1]);
  outbox.close();
});

test('after a restart (clean or crash) numbers continue above everything handed out', () => {
  const path = dbPath();
  const first = new Outbox({ path });
  const counter = new SequenceCounter(first, 'd1/ecg/beats', 10);
  const before = Array.from({ length: 13 }, () => counter.next());
  // No close(): the process "dies" here; a second handle on the same file is the restarted gateway.
  const second = new Outbox({ path });
  const after = new SequenceCounter(second, 'd1/ecg/beats', 10);
  const next = after.next();
  assert.ok(next > Math.max(...before), `restarted at ${next}, already used up to ${Math.max(...before)}`);
  first.close();
  second.close();
});

test('bad reservation sizes are refused', () => {
  const outbox = new Outbox({ path: ':memory:' });
  assert.throws(() => outbox.reserveSequence('k', 0), /positive integer/);
  outbox.close();
});

test.run();
