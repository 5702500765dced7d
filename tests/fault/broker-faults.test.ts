// Fault tests, broker side: the real gateway (Controller in-process, a simulated garment on a real
// PTY at 4x) publishing to a real Mosquitto on a free loopback port, with a persistent QoS 1
// subscriber. (1) The broker is SIGKILLed mid-stream, kept down, and restarted on the same port.
// (2) The network is cut: a TCP proxy between gateway and broker drops every connection and closes
// its port for a while, then listens again. In both, every result the gateway assigned a seq to
// arrives at least once (gap-free per topic), duplicates are counted, and nothing is counted lost.
import { rmSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { Controller } from '../../src/gateway/controller.js';
import type { MqttPublisher } from '../../src/mqtt/publisher.js';
import { Mosquitto, freePort } from '../_support/brokers.js';
import { requireCommands, waitFor } from '../_support/env.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { configDocument, makeGarment, tempDir } from '../gateway/_harness.js';
import { TcpProxy, base, checkRange, resultTopics, reusedSeqs, seqsOn, sleep } from './_rig.js';

const hasMosquitto = requireCommands('fault tests (broker SIGKILL, network cut)', 'mosquitto');

type Health = { outbox: { depth: number; lost: number; refused: number; resent: number; failed: number; published: number; notDurable: number } };

/** Records the seq of every result the gateway hands to its publisher (a pass-through spy). */
function recordAssigned(publisher: MqttPublisher): Map<string, number[]> {
  const assigned = new Map<string, number[]>();
  const original = publisher.publish.bind(publisher);
  publisher.publish = ((ref, payload) => {
    const seq = (payload as { seq?: unknown }).seq;
    if (typeof seq === 'number') assigned.set(ref.topic, [...(assigned.get(ref.topic) ?? []), seq]);
    original(ref, payload);
  }) as typeof publisher.publish;
  return assigned;
}

/**
 * Runs the stream, calls `fault.down()` once results flow, waits `downMs` while the gateway keeps
 * producing, calls `fault.up()`, stops the garment, and checks delivery. Returns duplicates seen.
 */
async function scenario(name: string, broker: Mosquitto, gatewayUrl: string, fault: { down(): Promise<void>; up(): Promise<void> }, downMs: number): Promise<void> {
  const dir = tempDir();
  const garment = makeGarment(dir, 4);
  const config = validateConfig(configDocument(dir, { url: gatewayUrl, reconnectPeriodMs: 100, keepaliveS: 5 }));
  const controller = new Controller({ config, log: createMemoryLogger() });
  // Its session survives the broker's SIGKILL through the autosaved persistence file.
  const sub = await Subscriber.open(broker.url, [...resultTopics, `${base}/bridge/health`], { clientId: `wg-fault-${name}`, clean: false, reconnectPeriod: 50 });
  try {
    await controller.start();
    const assigned = recordAssigned(controller.mqtt!);
    garment.start();
    await sub.until('results flow', (m) => seqsOn(m, resultTopics[0]).length >= 3 && seqsOn(m, resultTopics[1]).length >= 2, 30_000);
    await sleep(1_100); // at least one autosave of the subscriber's session after its first messages
    const disconnected = new Promise<void>((resolve) => {
      const off = controller.mqtt!.events.on('disconnected', () => {
        off();
        resolve();
      });
    });
    await fault.down();
    await disconnected;
    const beatsAtCut = assigned.get(resultTopics[0])?.length ?? 0;
    await sleep(downMs);
    const depthWhileDown = controller.mqtt!.stats().depth;
    assert.ok((assigned.get(resultTopics[0])?.length ?? 0) > beatsAtCut, 'results kept coming while the broker was unreachable');
    assert.ok(depthWhileDown > 0, `results wait in the outbox while the broker is unreachable (depth ${depthWhileDown})`);
    await fault.up();
    const afterUp = assigned.get(resultTopics[0])!.length;
    await waitFor('results after the fault', () => assigned.get(resultTopics[0])!.length > afterUp + 1, 20_000);
    garment.stop();
    await waitFor('outbox drained', () => controller.mqtt!.stats().depth === 0 && controller.mqtt!.stats().memoryDepth === 0, 20_000);
    const expected = (topic: string): number => Math.max(...(assigned.get(topic) ?? [-1]));
    await sub.until('every assigned seq', (m) => resultTopics.every((t) => checkRange(seqsOn(m, t), 0, expected(t)).missing.length === 0), 15_000).catch(() => undefined);
    for (const topic of resultTopics) {
      const mine = assigned.get(topic) ?? [];
      // The spy saw every result: this dataDir is fresh, so the gateway's seqs start at 0 and count up.
      assert.equal(mine, mine.map((_, i) => i), `${topic}: the gateway assigned 0,1,2,...`);
      const report = checkRange(seqsOn(sub.messages, topic), 0, expected(topic));
      console.log(`# ${name}: ${topic.slice(base.length + 1)} seq 0..${expected(topic)}: ${report.unique} distinct received, ${report.duplicates} duplicates, ${report.missing.length} missing; outbox depth ${depthWhileDown} while down`);
      assert.equal(report.missing, [], `${topic}: seqs never received`);
      assert.equal(reusedSeqs(sub.messages, topic), [], `${topic}: seqs that name two different results`);
    }
    const stats = controller.mqtt!.stats();
    assert.is(stats.lost, 0, 'lost');
    assert.is(stats.notDurable, 0, 'notDurable');
    assert.is(stats.refused, 0, 'refused by the broker');
    console.log(`# ${name}: ${stats.failed} publishes interrupted, ${stats.resent} re-sent`);
    await sub.until('a health report after the fault', (m) => m.some((x) => x.topic === `${base}/bridge/health` && (JSON.parse(x.text) as Health).outbox.published > 0 && (JSON.parse(x.text) as Health).outbox.depth === 0), 10_000);
    const health = sub.on(`${base}/bridge/health`).map((x) => JSON.parse(x.text) as Health);
    assert.ok(health.every((h) => h.outbox.lost === 0 && h.outbox.refused === 0), 'bridge/health never reports a loss');
    assert.ok(health.every((h) => typeof h.outbox.resent === 'number'), 'bridge/health carries resent');
    const last = health.at(-1)!.outbox;
    const results = resultTopics.reduce((n, t) => n + (assigned.get(t)?.length ?? 0), 0);
    assert.ok(last.published >= results - last.depth, `bridge/health published ${last.published} covers the ${results} results`);
  } finally {
    garment.stop();
    await sub.close();
    await controller.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

(hasMosquitto ? test : test.skip)('broker SIGKILL mid-stream, down 3 s, restarted on the same port: every result arrives', async () => {
  const broker = await Mosquitto.start({ persistence: true, extraConfig: ['autosave_interval 1'] });
  try {
    await scenario('broker-kill', broker, broker.url, { down: () => broker.stop('SIGKILL'), up: () => broker.start() }, 3_000);
  } finally {
    await broker.dispose();
  }
});

(hasMosquitto ? test : test.skip)('network cut (proxy port closed 3 s, then reopened): every result arrives', async () => {
  const broker = await Mosquitto.start();
  const proxy = new TcpProxy(await freePort(), broker.port);
  await proxy.restore();
  try {
    await scenario('network-cut', broker, proxy.url, { down: () => proxy.cut(), up: () => proxy.restore() }, 3_000);
    assert.ok(proxy.connections >= 2, `the gateway reconnected through the proxy (${proxy.connections} connections)`);
  } finally {
    await proxy.cut();
    await broker.dispose();
  }
});

test.run();
