// The eeg-mdd extension over a fake context (no broker, no device): EEG blocks of a real recording
// excerpt (22 channels, file order) become one `<device>/eeg/mdd` message with the session score of
// the shipped model, screening_only and the notice; a Muse-like montage is refused once and counted;
// devices without eeg.mdd.enabled get nothing.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../../src/common/events.js';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import type { ExtensionContext, GatewayEvents } from '../../src/gateway/context.js';
import { eegMddExtension } from '../../src/gateway/extensions/eeg-mdd.js';
import { StatusBoard } from '../../src/gateway/status-board.js';
import { ModelHost } from '../../src/models/host.js';
import { MDD_RESEARCH_NOTICE } from '../../src/models/mdd/session.js';
import { topics as buildTopics, type ApiTopic, type EegMdd, type TopicRef } from '../../src/mqtt/api.js';
import type { MqttPublisher } from '../../src/mqtt/publisher.js';
import type { SequenceCounter } from '../../src/mqtt/sequence.js';
import { readNpy } from '../../src/quantize/npy.js';
import { resampleSinc } from '../../src/streaming/resample.js';
import { waitFor } from '../_support/env.js';

const fixture = (name: string) => new URL(`../fixtures/mdd/${name}`, import.meta.url);
const excerpt = readNpy(new Uint8Array(readFileSync(fixture('excerpt.npy'))));
const labels = (JSON.parse(readFileSync(fixture('excerpt.json'), 'utf8')) as { labels: string[] }).labels;
const N = excerpt.shape[1]!;
const rows = labels.map((_, i) => excerpt.data.subarray(i * N, (i + 1) * N));

test('excerpt blocks -> one eeg/mdd message with the session score; Muse refused; disabled ignored', async () => {
  const serial = { type: 'serial', path: '/dev/null' };
  const config = validateConfig({
    version: 1, gatewayId: 'gw', dataDir: '/nonexistent',
    devices: [
      { id: 'cap', kind: 'cyton', transport: serial, eeg: { mdd: { enabled: true, publishIntervalS: 3600 } } },
      { id: 'muse', kind: 'cyton', transport: serial, eeg: { mdd: { enabled: true, publishIntervalS: 3600 } } },
      { id: 'plain', kind: 'cyton', transport: serial },
      { id: 'cyton250', kind: 'cyton', transport: serial, eeg: { mdd: { enabled: true, model: 'mdd-cnn-cyton8', publishIntervalS: 3600 } } },
      { id: 'slow', kind: 'cyton', transport: serial, eeg: { mdd: { enabled: true, publishIntervalS: 3600 } } },
    ],
  });
  const published: Array<{ key: ApiTopic; deviceId: string; payload: unknown }> = [];
  const publisher = { publish: (ref: TopicRef<ApiTopic>, payload: unknown) => published.push({ key: ref.key, deviceId: ref.topic.split('/')[2]!, payload }) } as unknown as MqttPublisher;
  const topics = buildTopics('weargate', 'gw');
  const log = createMemoryLogger();
  const bus = new EventBus<GatewayEvents>(log);
  const status = new StatusBoard(publisher, topics);
  let n = 0;
  const models = new ModelHost();
  const ctx: ExtensionContext = {
    config, version: 'test', startedAt: new Date(), log, bus, publisher, topics,
    sequence: (key) => ({ key, next: () => n++ }) as unknown as SequenceCounter,
    status, devices: new Map(), models,
  };
  const ext = eegMddExtension(ctx);
  await ext.start();
  await waitFor('the mdd-cnn slot', () => log.lines.some((l) => /cap: MDD screening with mdd-cnn/.test(l.text)), 30_000);
  await waitFor('the mdd-cnn-cyton8 slot', () => log.lines.some((l) => /cyton250: MDD screening with mdd-cnn-cyton8/.test(l.text)), 30_000);
  await waitFor('the slow device slot', () => log.lines.some((l) => /slow: MDD screening with mdd-cnn/.test(l.text)), 30_000);
  const emit = (deviceId: string, names: string[], values: Float32Array[], rate: number) => {
    for (let o = 0; o < values[0]!.length; o += 64) {
      bus.emit('device:block', { deviceId, block: { deviceId, stream: 'eeg', sampleRateHz: rate, channels: names, t0Us: 0, firstSampleIndex: o, values: values.map((v) => v.slice(o, o + 64)) } });
    }
  };
  // 4 x the 8 s excerpt: 15 epochs of 4 s at a 2 s hop
  const long = rows.map((r) => { const x = new Float32Array(4 * N); for (let k = 0; k < 4; k++) x.set(r, k * N); return x; });
  emit('cap', labels, long, 256);
  emit('muse', ['TP9', 'AF7', 'AF8', 'TP10'], long.slice(0, 4), 256);
  emit('plain', labels, long, 256);
  // A 250 Hz Cyton (the same EEG resampled): scored by the 8-electrode model after on-the-fly resampling.
  emit('cyton250', labels, long.map((x) => resampleSinc(x, 256, 250)), 250);
  emit('slow', labels, long.map((x) => resampleSinc(x, 256, 64)), 64);
  await ext.stop();
  const mdd = published.filter((p) => p.key === '<deviceId>/eeg/mdd');
  assert.equal(mdd.map((p) => p.deviceId), ['cap', 'cyton250']);
  const c8 = mdd[1]!.payload as EegMdd;
  assert.is(c8.model.name, 'mdd-cnn-cyton8');
  assert.ok(c8.epochs + c8.rejectedEpochs >= 14, `${c8.epochs} + ${c8.rejectedEpochs} epochs`);
  assert.ok(log.lines.some((l) => /slow: MDD screening off for this stream: EEG at 64 Hz.*need at least 66 Hz/.test(l.text)));
  const m = mdd[0]!.payload as EegMdd;
  assert.is(m.screening_only, true);
  assert.is(m.notice, MDD_RESEARCH_NOTICE);
  assert.is(m.model.name, 'mdd-cnn');
  assert.is(m.epochs + m.rejectedEpochs, 15);
  assert.ok(m.probability >= 0 && m.probability <= 1 && m.interval.low <= m.probability && m.probability <= m.interval.high);
  assert.ok(log.lines.some((l) => /muse: MDD screening off for this stream: .*no channel for Fp1/.test(l.text)), log.lines.map((l) => l.text).join('\n'));
  await models.close();
});

test.run();
