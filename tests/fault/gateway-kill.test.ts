// Fault test, gateway side: `weargate run` as a child process (the real CLI, its own SQLite outbox
// and seq file in a temporary dataDir), a simulated garment on a PTY in this process, a real
// Mosquitto. The link to the broker is cut first (a TCP proxy) so results pile up unacknowledged,
// then the gateway is SIGKILLed mid-stream. Its outbox, read read-only, holds the rows the broker
// never acknowledged; a new gateway on the same dataDir delivers every one of them, and its own
// seqs continue above every seq handed out before (never reused).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Mosquitto, freePort } from '../_support/brokers.js';
import { requireCommands } from '../_support/env.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { configDocument, makeGarment, tempDir } from '../gateway/_harness.js';
import { GatewayChild, TcpProxy, base, checkRange, pendingRows, resultTopics, reusedSeqs, seqsOn, sleep, writeConfig } from './_rig.js';

const hasMosquitto = requireCommands('fault test (gateway SIGKILL mid-stream)', 'mosquitto');

type Health = { outbox: { depth: number; memoryDepth: number; lost: number } };

(hasMosquitto ? test : test.skip)('gateway SIGKILL mid-stream (child process): every committed result arrives after the restart, seqs never reused', async () => {
  const broker = await Mosquitto.start();
  const proxy = new TcpProxy(await freePort(), broker.port);
  await proxy.restore();
  const dir = tempDir();
  const dataDir = join(dir, 'state');
  const garment = makeGarment(dir, 4);
  garment.start();
  const configPath = writeConfig(dir, configDocument(dir, { url: proxy.url, reconnectPeriodMs: 100, keepaliveS: 5 }));
  const sub = await Subscriber.open(broker.url, [...resultTopics, `${base}/bridge/health`]);
  const children: GatewayChild[] = [];
  const failWith = (err: unknown): never => {
    throw new Error(`${(err as Error).message}\n--- gateway output (tail) ---\n${children.at(-1)?.log.slice(-3000) ?? ''}`);
  };
  try {
    children.push(GatewayChild.start(configPath));
    await sub.until('results from the first gateway', (m) => seqsOn(m, resultTopics[0]).length >= 3 && seqsOn(m, resultTopics[1]).length >= 2, 45_000).catch(failWith);

    // Cut the link, let results pile up in the outbox, then kill the gateway without warning.
    await proxy.cut();
    await sleep(2_500);
    await children[0].kill('SIGKILL');
    const pending = pendingRows(dataDir);
    const received = new Map(resultTopics.map((t) => [t, seqsOn(sub.messages, t)]));
    const maxBefore = new Map<string, number>();
    for (const topic of resultTopics) {
      const rows = pending.filter((r) => r.topic === topic).map((r) => r.seq!);
      maxBefore.set(topic, Math.max(...received.get(topic)!, ...rows));
      console.log(`# gateway-kill: ${topic.slice(base.length + 1)}: ${received.get(topic)!.length} received before the kill, ${rows.length} unacknowledged in the outbox (seq ${rows[0] ?? '-'}..${rows.at(-1) ?? '-'})`);
    }
    assert.ok(pending.some((r) => r.topic === resultTopics[0]), 'beats were left unacknowledged in the outbox at the kill');

    // Same dataDir, link back: everything handed out before the kill arrives at least once.
    await proxy.restore();
    children.push(GatewayChild.start(configPath));
    const coversBefore = (m: Parameters<typeof seqsOn>[0]): boolean => resultTopics.every((t) => checkRange(seqsOn(m, t), 0, maxBefore.get(t)!).missing.length === 0);
    await sub.until('every seq from before the kill', coversBefore, 45_000).catch(() => undefined);
    const newer = (t: string): number[] => seqsOn(sub.messages, t).filter((s) => s > maxBefore.get(t)!);
    await sub.until('results from the second gateway', () => newer(resultTopics[0]).length >= 3 && newer(resultTopics[1]).length >= 2, 45_000).catch(failWith);

    // No more results: the second gateway's outbox drains and its tail is complete too.
    garment.stop();
    const healthFrom = sub.on(`${base}/bridge/health`).length;
    await sub.until('bridge/health with an empty outbox', () => sub.on(`${base}/bridge/health`).slice(healthFrom).some((x) => {
      const h = JSON.parse(x.text) as Health;
      return h.outbox.depth === 0 && h.outbox.memoryDepth === 0;
    }), 20_000).catch(failWith);
    for (const topic of resultTopics) {
      const all = seqsOn(sub.messages, topic);
      const before = checkRange(all, 0, maxBefore.get(topic)!);
      const after = newer(topic);
      const firstAfter = Math.min(...after);
      const lastAfter = Math.max(...after);
      const run2 = checkRange(after, firstAfter, lastAfter);
      console.log(`# gateway-kill: ${topic.slice(base.length + 1)}: run 1 seq 0..${maxBefore.get(topic)} ${before.missing.length} missing, run 2 seq ${firstAfter}..${lastAfter} ${run2.missing.length} missing; ${before.duplicates + run2.duplicates} duplicates`);
      assert.equal(before.missing, [], `${topic}: seqs from before the kill never arrived`);
      assert.equal(reusedSeqs(sub.messages, topic), [], `${topic}: seqs that name two different results`);
      assert.ok(firstAfter > maxBefore.get(topic)!, `${topic}: seqs continue above ${maxBefore.get(topic)} (got ${firstAfter})`);
      assert.equal(run2.missing, [], `${topic}: gaps in the second run's seqs`);
    }
    const health = sub.on(`${base}/bridge/health`).map((x) => JSON.parse(x.text) as Health);
    assert.ok(health.every((h) => h.outbox.lost === 0), 'bridge/health never reports a loss');
    await children[1].kill('SIGTERM');
  } finally {
    for (const c of children) await c.kill('SIGKILL');
    garment.stop();
    await sub.close();
    await proxy.cut();
    await broker.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
