// Power-cut durability of the real daemon: `weargate run` computes results while the broker is
// away, is killed with SIGKILL, and is started again. The broker then receives every result queued
// before the kill, in order, and the restarted daemon's results carry seq numbers above them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { EmbeddedBroker } from '../../src/mqtt/broker.js';
import { freePort } from '../_support/brokers.js';
import { waitFor } from '../_support/env.js';
import { configDocument, makeGarment, tempDir } from './_harness.js';

const bin = new URL('../../bin/weargate.js', import.meta.url).pathname;
const beatsTopic = 'weargate/gw-crash/g1/ecg/beats';

function startDaemon(configPath: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [bin, 'run', '--config', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL' && signal !== 'SIGTERM') console.error(`daemon exited ${code}:\n${stderr}`);
  });
  return { child, exited };
}

/** Seq numbers of the beats rows waiting in the outbox, in outbox order (read-only, beside the daemon). */
function queuedBeatSeqs(dbPath: string): number[] {
  if (!existsSync(dbPath)) return [];
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT payload FROM outbox WHERE topic = ? ORDER BY id').all(beatsTopic) as { payload: Buffer }[];
    return rows.map((r) => (JSON.parse(r.payload.toString('utf8')) as { seq: number }).seq);
  } catch {
    return []; // schema not created yet
  } finally {
    db.close();
  }
}

test('SIGKILL with results queued: after restart they reach the broker in order; seq is never reused', async () => {
  const dir = tempDir();
  const port = await freePort();
  const garment = makeGarment(dir, 4);
  garment.start();
  const configPath = join(dir, 'weargate.yaml');
  writeFileSync(configPath, stringify(configDocument(dir, { url: `mqtt://127.0.0.1:${port}` }, 'gw-crash')));
  const dbPath = join(dir, 'state', 'outbox.sqlite');
  const received: number[] = [];
  const broker = new EmbeddedBroker({
    port,
    aedes: {
      published: (packet, client, done) => {
        if (client && packet.topic === beatsTopic) received.push((JSON.parse(packet.payload.toString()) as { seq: number }).seq);
        done();
      },
    },
  });
  let second: ReturnType<typeof startDaemon> | undefined;
  try {
    const first = startDaemon(configPath);
    await waitFor('beats results queued by the first daemon', () => queuedBeatSeqs(dbPath).length >= 4, 30_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const queued = queuedBeatSeqs(dbPath);
    assert.equal(queued, queued.map((_, i) => queued[0] + i), `queued seqs ${queued.join(',')}`);

    await broker.start();
    second = startDaemon(configPath);
    await waitFor('the queued results and new ones reach the broker', () => received.length >= queued.length + 2, 30_000);
    assert.equal(received.slice(0, queued.length), queued, 'the queue drains first, in order');
    const fresh = received.slice(queued.length);
    assert.ok(
      fresh.every((s) => s > Math.max(...queued)),
      `restarted daemon reused seq: queued ${queued.join(',')}, then ${fresh.join(',')}`,
    );
  } finally {
    second?.child.kill('SIGTERM');
    await second?.exited;
    garment.stop();
    await broker.stop();
  }
});

test.run();
