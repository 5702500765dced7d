// The replay kind with EEG: an eegmat EDF+ (19 channels 10-20, 500 Hz) played at 20x through the
// gateway: raw EEG batches on MQTT equal the file's samples, and the recording extension writes the
// stream to BDF+ (auto), which reads back equal within one 24-bit step. And at 20x with 1 s batches
// (200,000 values a second): every message stays under the broker's packet limit (a batch leaves
// early at MAX_VALUES_PER_BATCH), and every sample still arrives, contiguous.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { Controller } from '../../src/gateway/controller.js';
import { MAX_VALUES_PER_BATCH } from '../../src/gateway/extensions/raw-stream.js';
import { physicalStep } from '../../src/streaming/formats/edf-writer.js';
import { loadEdf } from '../../src/streaming/formats/load.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { dataDir, tempDir } from './_harness.js';

const file = join(dataDir, 'eegmat-train', 'Subject00_1.edf');
const base = 'weargate/gw-eeg';
const SECONDS = 8;
type Raw = { channels: string[]; sampleRateHz: number; firstSampleIndex: number; values: (number | null)[][]; samplesLost: number };

test(`replay eegmat Subject00 (${SECONDS} s at 4x): raw EEG on MQTT and a BDF+ recording equal to the file`, async () => {
  const dir = tempDir();
  const config = validateConfig({
    version: 1,
    gatewayId: 'gw-eeg',
    dataDir: join(dir, 'state'),
    mqtt: { embeddedBroker: { port: 0 }, reconnectPeriodMs: 100 },
    statusLine: { enabled: false },
    recording: { enabled: true, streams: ['eeg'], rangeUv: { eeg: 5000 } },
    devices: [{ id: 'eeg1', kind: 'replay', transport: { type: 'replay', path: file }, speed: 4, durationS: SECONDS, eegRaw: { enabled: true, publishIntervalS: 0.2 } }],
  });
  const log = createMemoryLogger();
  const controller = new Controller({ config, log });
  await controller.start();
  const sub = await Subscriber.open(controller.brokerUrl, [`${base}/#`]);
  const source = await loadEdf(file);
  const eeg = source.signals.filter((s) => s.header.label.startsWith('EEG '));
  try {
    await sub.until("status 'ended'", (m) => m.some((x) => x.topic === `${base}/eeg1/status` && (JSON.parse(x.text) as { reason?: string }).reason === 'ended'), 20_000);
    const samples = () => sub.on(`${base}/eeg1/eeg/raw`).reduce((n, x) => n + (JSON.parse(x.text) as Raw).values[0].length, 0);
    await sub.until('every sample on eeg/raw', () => samples() >= SECONDS * 500, 5_000);
  } catch (err) {
    console.log(log.lines.filter((l) => l.level !== 'debug').map((l) => `${l.level} ${l.namespace} ${String(l.text)}`).join('\n'));
    console.log(sub.messages.filter((m) => m.topic.endsWith('/status')).map((m) => m.text).join('\n'));
    throw err;
  } finally {
    await sub.close();
    await controller.stop();
  }
  const batches = sub.on(`${base}/eeg1/eeg/raw`).map((x) => JSON.parse(x.text) as Raw);
  assert.equal(batches[0].channels, eeg.map((s) => s.header.label));
  assert.is(batches[0].sampleRateHz, 500);
  for (const b of batches) {
    assert.is(b.samplesLost, 0);
    b.values.forEach((v, c) => v.forEach((x, i) => assert.ok(Math.abs((x ?? NaN) - eeg[c].physical[b.firstSampleIndex + i]) <= 0.006, `channel ${c} sample ${b.firstSampleIndex + i}`)));
  }
  const recorded = readdirSync(join(dir, 'state', 'recordings', 'eeg1'));
  assert.is(recorded.length, 1);
  assert.match(recorded[0], /\.bdf$/);
  const bdf = await loadEdf(join(dir, 'state', 'recordings', 'eeg1', recorded[0]));
  assert.is(bdf.header.format, 'bdf');
  assert.is(bdf.header.numberOfRecords, SECONDS);
  assert.equal(bdf.signals.map((s) => s.header.label), eeg.map((s) => s.header.label).map((l) => l.slice(0, 16)));
  const step = physicalStep('bdf', -5000, 5000);
  bdf.signals.forEach((s, c) => {
    for (let i = 0; i < SECONDS * 500; i++) if (Math.abs(s.physical[i] - eeg[c].physical[i]) > step) throw new Error(`BDF channel ${c} sample ${i}: ${s.physical[i]} vs ${eeg[c].physical[i]}`);
  });
});

test('replay at 20x with 1 s batches: messages split under the packet limit, nothing lost, contiguous', async () => {
  const dir = tempDir();
  const seconds = 6;
  const config = validateConfig({
    version: 1,
    gatewayId: 'gw-eeg',
    dataDir: join(dir, 'state'),
    mqtt: { embeddedBroker: { port: 0 }, reconnectPeriodMs: 100 },
    statusLine: { enabled: false },
    devices: [{ id: 'eeg1', kind: 'replay', transport: { type: 'replay', path: file }, speed: 20, durationS: seconds, eegRaw: { enabled: true, publishIntervalS: 1 } }],
  });
  const log = createMemoryLogger();
  const controller = new Controller({ config, log });
  await controller.start();
  const sub = await Subscriber.open(controller.brokerUrl, [`${base}/#`]);
  try {
    const samples = () => sub.on(`${base}/eeg1/eeg/raw`).reduce((n, x) => n + (JSON.parse(x.text) as Raw).values[0].length, 0);
    await sub.until('every sample on eeg/raw', () => samples() >= seconds * 500, 20_000);
  } finally {
    await sub.close();
    await controller.stop();
  }
  const raw = sub.on(`${base}/eeg1/eeg/raw`);
  const batches = raw.map((x) => JSON.parse(x.text) as Raw);
  assert.ok(batches.length >= 2, `${batches.length} messages`);
  for (const [i, b] of batches.entries()) {
    assert.ok(b.values.length * b.values[0].length <= MAX_VALUES_PER_BATCH, `message ${i}: ${b.values.length * b.values[0].length} values`);
    assert.ok(raw[i].text.length < 256 * 1024, `message ${i}: ${raw[i].text.length} bytes`);
    if (i > 0) assert.is(b.firstSampleIndex, batches[i - 1].firstSampleIndex + batches[i - 1].values[0].length, `message ${i} follows ${i - 1}`);
  }
  assert.ok(!log.lines.some((l) => /oversized|packet of/.test(String(l.text))), 'the broker closed no connection for size');
});

test.run();
