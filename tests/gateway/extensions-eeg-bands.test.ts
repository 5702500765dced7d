// The eeg-bands extension over a fake context (no broker, no device): EEG blocks on the bus become
// `<device>/eeg/bands` messages with their own seq; ECG blocks and devices with `eeg.enabled: false`
// are ignored; a stream without electrode names is counted as refused; epochs wait while no seq can
// be had and go out in the next message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../../src/common/events.js';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import type { ExtensionContext, GatewayEvents } from '../../src/gateway/context.js';
import { eegBandsExtension } from '../../src/gateway/extensions/eeg-bands.js';
import { StatusBoard } from '../../src/gateway/status-board.js';
import { ModelHost } from '../../src/models/host.js';
import { topics as buildTopics, type ApiTopic, type EegBands, type TopicRef } from '../../src/mqtt/api.js';
import type { MqttPublisher } from '../../src/mqtt/publisher.js';
import type { SequenceCounter } from '../../src/mqtt/sequence.js';
import { waitFor } from '../_support/env.js';
import { block, CAP, synthetic } from '../streaming/eeg/_synthetic.js';

const FS = 250;

class FlakySequence {
  private n = 0;
  constructor(
    readonly key: string,
    private failures: number,
  ) {}
  next(): number {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('disk full');
    }
    return this.n++;
  }
}

function rig(failures = 0) {
  const eegCap = CAP.slice(0, 8);
  const config = validateConfig({
    version: 1,
    gatewayId: 'gw',
    dataDir: '/nonexistent',
    devices: [
      { id: 'cap', kind: 'cyton', transport: { type: 'serial', path: '/dev/null' }, channels: eegCap.map((label) => ({ label })), eeg: { publishIntervalS: 1 } },
      { id: 'off', kind: 'cyton', transport: { type: 'serial', path: '/dev/null' }, eeg: { enabled: false } },
      { id: 'unnamed', kind: 'cyton', transport: { type: 'serial', path: '/dev/null' } },
    ],
  });
  const published: Array<{ key: ApiTopic; deviceId: string; payload: unknown }> = [];
  const publisher = {
    publish: (ref: TopicRef<ApiTopic>, payload: unknown) => published.push({ key: ref.key, deviceId: ref.topic.split('/')[2], payload }),
  } as unknown as MqttPublisher;
  const topics = buildTopics('weargate', 'gw');
  const log = createMemoryLogger();
  const bus = new EventBus<GatewayEvents>(log);
  const status = new StatusBoard(publisher, topics);
  const ctx: ExtensionContext = {
    config,
    version: 'test',
    startedAt: new Date(),
    log,
    bus,
    publisher,
    topics,
    sequence: (key) => new FlakySequence(key, failures) as unknown as SequenceCounter,
    status,
    devices: new Map(),
    models: new ModelHost(),
  };
  const extension = eegBandsExtension(ctx);
  const bands = (id: string) => published.filter((p) => p.key === '<deviceId>/eeg/bands' && p.deviceId === id).map((p) => p.payload as EegBands);
  const push = (deviceId: string, labels: string[], seconds: number, stream: 'eeg' | 'ecg' = 'eeg') => {
    const values = synthetic(seconds, FS, labels);
    for (let o = 0; o < seconds * FS; o += 25) bus.emit('device:block', { deviceId, block: { ...block(values, labels, FS, o, o + 25), deviceId, stream } });
  };
  return { extension, bands, push, status, log, eegCap };
}

test('EEG blocks become eeg/bands for the device with eeg settings; ECG blocks and eeg.enabled false do not', async () => {
  const r = rig();
  await r.extension.start();
  r.push('cap', r.eegCap, 12);
  r.push('cap', r.eegCap, 12, 'ecg');
  r.push('off', r.eegCap, 12);
  await r.extension.stop();
  const [b] = r.bands('cap');
  assert.ok(b, 'published on stop');
  assert.is(b.seq, 0);
  assert.is(b.epochs.total, 4);
  assert.equal(b.channels, r.eegCap.map((n) => (n === 'T3' ? 'T7' : n)));
  assert.equal(b.montage.labels, r.eegCap);
  assert.is(b.montage.reference, 'average');
  assert.is(r.bands('cap').length, 1);
  assert.is(r.bands('off').length, 0);
});

test('a stream without electrode names is refused and counted once per layout', async () => {
  const r = rig();
  await r.extension.start();
  r.push('unnamed', ['EEG1', 'EEG2', 'EEG3'], 3);
  await r.extension.stop();
  assert.equal(r.status.rejected('unnamed'), { 'eeg-montage': 1 });
  assert.is(r.bands('unnamed').length, 0);
  assert.ok(r.log.lines.some((l) => /label the electrodes/.test(String(l.text))));
});

test('no seq: the epochs wait and leave with the next message', async () => {
  const r = rig(1);
  await r.extension.start();
  r.push('cap', r.eegCap, 8);
  // The first tick (1 s) fails to get a seq; the second publishes everything.
  await waitFor('eeg/bands after a failed seq', () => r.bands('cap').length > 0, 5_000);
  await r.extension.stop();
  const [b] = r.bands('cap');
  assert.is(b.seq, 0);
  assert.is(b.epochs.total, 2);
  assert.ok(r.log.lines.some((l) => /no durable seq/.test(String(l.text))));
});

test.run();
