// The similarity extension over a fake context: synthetic ECG blocks on the bus, the `enroll` and
// `unenroll` request handlers called directly, publishes captured; the real model slot and store.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from '../../src/common/events.js';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import type { ExtensionContext, GatewayEvents } from '../../src/gateway/context.js';
import { similarityExtension } from '../../src/gateway/extensions/similarity.js';
import { StatusBoard } from '../../src/gateway/status-board.js';
import { ModelHost } from '../../src/models/host.js';
import { topics as buildTopics, type ApiTopic, type EcgSimilarity, type TopicRef } from '../../src/mqtt/api.js';
import type { MqttPublisher } from '../../src/mqtt/publisher.js';
import type { RequestHandler } from '../../src/mqtt/requests.js';
import type { SequenceCounter } from '../../src/mqtt/sequence.js';
import { McSharryEcg } from '../../hardware/signals/mcsharry.js';

const rateHz = 250;
async function rejects(run: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await run();
  } catch (err) {
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected an error matching ${pattern}`);
}
const dataDir = mkdtempSync(join(tmpdir(), 'wg-sim-ext-'));
const models = new ModelHost();

function rig() {
  const config = validateConfig({
    version: 1,
    gatewayId: 'gw',
    dataDir,
    devices: [{ id: 'g1', kind: 'garment', transport: { type: 'serial', path: '/dev/null' } }],
    similarity: { enabled: true },
  });
  const published: { key: ApiTopic; payload: unknown }[] = [];
  const handlers = new Map<string, RequestHandler>();
  const publisher = {
    publish: (ref: TopicRef<ApiTopic>, payload: unknown) => published.push({ key: ref.key, payload }),
    handle: (verb: string, h: RequestHandler) => {
      handlers.set(verb, h);
      return () => handlers.delete(verb);
    },
  } as unknown as MqttPublisher;
  const topics = buildTopics('weargate', 'gw');
  const log = createMemoryLogger();
  let n = 0;
  const ctx: ExtensionContext = {
    config, version: 'test', startedAt: new Date(), log, bus: new EventBus<GatewayEvents>(log), publisher, topics,
    sequence: () => ({ next: () => n++ }) as unknown as SequenceCounter,
    status: new StatusBoard(publisher, topics), devices: new Map(), models,
  };
  const ecg = new McSharryEcg({ sampleRateHz: rateHz, heartRateBpm: 64, noiseMicrovolts: 10, seed: 21 });
  let index = 0;
  const feed = (seconds: number) => {
    for (let s = 0; s < seconds; s++) {
      const values = [ecg.next(rateHz)];
      ctx.bus.emit('device:block', { deviceId: 'g1', block: { deviceId: 'g1', stream: 'ecg', sampleRateHz: rateHz, channels: ['ECG'], t0Us: (index / rateHz) * 1e6, firstSampleIndex: index, values } });
      index += rateHz;
    }
  };
  const scores = () => published.filter((p) => p.key === '<deviceId>/ecg/similarity').map((p) => p.payload as EcgSimilarity);
  const request = async (verb: string, body: Record<string, unknown>) => (handlers.get(verb) as RequestHandler)(body as never);
  return { ext: similarityExtension(ctx), feed, scores, request, handlers };
}

test('enroll from the last minutes of a device, then scores on ecg/similarity; durable across a restart; unenroll stops them', async () => {
  let r = rig();
  await r.ext.start();
  assert.ok(r.handlers.has('enroll') && r.handlers.has('unenroll'));
  r.feed(40);
  await rejects(() => r.request('enroll', { athleteId: 'demo', deviceId: 'g1' }), /refused: too little signal: 40 s/);
  await rejects(() => r.request('enroll', { athleteId: 'demo', deviceId: 'nope' }), /no ECG device/);
  r.feed(160);
  assert.equal(r.scores(), [], 'no scores before an athlete is enrolled');
  const res = (await r.request('enroll', { athleteId: 'demo', deviceId: 'g1', seconds: 180, name: 'Demo' })) as { stats: { segments: number } };
  assert.ok(res.stats.segments >= 100);
  r.feed(30);
  const s = r.scores();
  assert.ok(s.length >= 2, `${s.length} scores`);
  for (const p of s) {
    assert.is(p.athleteId, 'demo');
    assert.is(p.same_wearer, true);
    assert.is(p.signal_change, false);
    assert.is(p.beats, 8);
    assert.is(p.note, 'research screening signal, not an identity proof');
    assert.is(p.model.name, 'similarity');
  }
  await r.ext.stop();

  r = rig();
  await r.ext.start();
  r.feed(20);
  assert.ok(r.scores().length >= 1, 'the binding survived the restart');
  await r.request('unenroll', { athleteId: 'demo' });
  const before = r.scores().length;
  r.feed(20);
  assert.is(r.scores().length, before);
  await rejects(() => r.request('unenroll', { athleteId: 'demo' }), /no athlete/);
  await r.ext.stop();
});

test.after(async () => {
  await models.close();
  rmSync(dataDir, { recursive: true, force: true });
});
test.run();
