// Blocks the ECG stage cannot take, end to end (real controller, PTY garments, aedes): a garment
// streaming at a rate the detector refuses, and a config naming channel 3 of a 1-channel garment.
// One warning each, not one per frame, and a growing `rejected` count on bridge/health.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { Controller } from '../../src/gateway/controller.js';
import type { BridgeHealth } from '../../src/mqtt/api.js';
import { SimulatedGarment } from '../../hardware/garment-sim.js';
import { syntheticSource } from '../../hardware/signals/source.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { startAedes } from '../_support/brokers.js';
import { configDocument, tempDir } from './_harness.js';

const base = 'weargate/gw-test';

test('a refused rate and a missing channel: one warning each, rejected counts on bridge/health', async () => {
  const dir = tempDir();
  const broker = await startAedes();
  // g1: 2000 Hz, outside pan-tompkins' 100..1000 Hz; g2: 250 Hz, 1 channel, configured for channel 3.
  const fast = new SimulatedGarment({
    deviceId: 11,
    sampleRateHz: 2000,
    samplesPerFrame: 100,
    microvoltsPerCount: 0.5,
    source: syntheticSource({ sampleRateHz: 2000, heartRateBpm: 72, noiseMicrovolts: 15, seed: 4 }),
    linkPath: join(dir, 'tty-g1'),
    speed: 4,
  });
  const g2Link = join(dir, 'tty-g2');
  const second = new SimulatedGarment({
    deviceId: 12,
    sampleRateHz: 250,
    samplesPerFrame: 25,
    microvoltsPerCount: 0.5,
    source: syntheticSource({ sampleRateHz: 250, heartRateBpm: 72, noiseMicrovolts: 15, seed: 3 }),
    linkPath: g2Link,
    speed: 4,
  });
  fast.start();
  second.start();
  const doc = configDocument(dir, { url: broker.url });
  const [first] = doc.devices as Record<string, unknown>[];
  doc.devices = [first, { ...first, id: 'g2', transport: { type: 'serial', path: g2Link }, ecg: { ...(first.ecg as object), channel: 3 } }];
  const log = createMemoryLogger();
  const controller = new Controller({ config: validateConfig(doc), log });
  await controller.start();
  const sub = await Subscriber.open(broker.url, [`${base}/bridge/health`]);
  const health = () => sub.messages.map((m) => JSON.parse(m.text) as BridgeHealth);
  const rejected = (h: BridgeHealth, id: string, code: string) => h.devices[id]?.rejected[code] ?? 0;
  try {
    await sub.until('hundreds of rejected blocks on bridge/health', () => {
      const last = health().at(-1);
      return last !== undefined && rejected(last, 'g1', 'ecg-rate') > 200 && rejected(last, 'g2', 'ecg-channel') > 200;
    }, 15_000);
    const counts = health().map((h) => [rejected(h, 'g1', 'ecg-rate'), rejected(h, 'g2', 'ecg-channel')]);
    for (let i = 1; i < counts.length; i++) assert.ok(counts[i][0] >= counts[i - 1][0] && counts[i][1] >= counts[i - 1][1], JSON.stringify(counts));
    const last = health().at(-1)!;
    assert.equal(Object.keys(last.devices.g1.rejected), ['ecg-rate']);
    assert.equal(Object.keys(last.devices.g2.rejected), ['ecg-channel']);
    // The frames themselves were fine on the wire: the rejection is the ECG stage's, counted there.
    assert.ok(last.devices.g1.framesOk >= rejected(last, 'g1', 'ecg-rate'));

    const warnings = log.lines.filter((l) => l.level === 'warn' && /block rejected/.test(l.text));
    assert.is(warnings.length, 2, warnings.map((l) => l.text).join('\n'));
    assert.ok(warnings.some((l) => /^g1: block rejected \(ecg-rate\): detector pan-tompkins refuses 2000 Hz/.test(l.text)));
    assert.ok(warnings.some((l) => /^g2: block rejected \(ecg-channel\): ecg\.channel 3 but the device sends 1 channel/.test(l.text)));
  } finally {
    await sub.close();
    await controller.stop();
    fast.stop();
    second.stop();
    await broker.stop();
  }
});

test.run();
