// Crash durability: a process queues results and dies by SIGKILL before it could publish; a new
// publisher on the same outbox file delivers every one of them, in order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, startAedes } from '../_support/brokers.js';
import { makePublisher, t, tempDbPath } from './_publisher.js';
import { nextEvent, seqs, Subscriber } from './_subscriber.js';

const childPath = fileURLToPath(new URL('./_crash-child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function runChildUntilQueued(dbPath: string, url: string, count: number): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', childPath, dbPath, url, String(count)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not queue in time:\n${out}\n${err}`));
    }, 20_000);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      child.once('exit', (_code, signal) => resolve(`${out.trim()} / ${signal}`));
      child.kill('SIGKILL');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!out.includes('\n')) reject(new Error(`child exited (${code}) before queueing:\n${err}`));
    });
  });
}

test('results queued by a process killed with SIGKILL are all delivered, in order, after restart', async () => {
  const count = 300;
  const { dbPath, cleanup } = tempDbPath();
  const deadUrl = `mqtt://127.0.0.1:${await freePort()}`;
  const report = await runChildUntilQueued(dbPath, deadUrl, count);
  assert.is(report, `queued ${count} / SIGKILL`);

  const broker = await startAedes();
  const sub = await Subscriber.open(broker.url, [t.ecgBeats('dev1').topic]);
  const pub = makePublisher(broker.url, {}, dbPath);
  try {
    assert.is(pub.outbox.stats().depth, count, 'the new process finds every row');
    const drained = nextEvent(pub.publisher.events, 'published', () => pub.outbox.stats().depth === 0, 10_000);
    pub.publisher.start();
    await sub.until(`${count} results`, (m) => m.length >= count, 10_000);
    await drained;
    assert.equal(seqs(sub.messages, t.ecgBeats('dev1').topic), Array.from({ length: count }, (_, i) => i));
  } finally {
    await sub.close();
    await pub.close();
    await broker.stop();
    cleanup();
  }
});

test.run();
