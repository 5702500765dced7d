// The garment client on a real PTY: blocks on the device clock, another garment on the same link
// after a re-plug, a foreign garment's frames on a live link, and a garment that stays silent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryLogger } from '../../../src/common/logger.js';
import { GarmentClient } from '../../../src/device/kinds/garment/client.js';
import type { DeviceStatusReport } from '../../../src/device/kinds/kind.js';
import { SerialTransport } from '../../../src/device/transports/serial.js';
import type { SampleBlock } from '../../../src/streaming/types.js';
import { SimulatedGarment } from '../../../hardware/garment-sim.js';
import { syntheticSource } from '../../../hardware/signals/source.js';
import { waitFor } from '../../_support/env.js';

function garment(linkPath: string, deviceId: number): SimulatedGarment {
  return new SimulatedGarment({
    deviceId,
    sampleRateHz: 250,
    samplesPerFrame: 25,
    microvoltsPerCount: 0.5,
    source: syntheticSource({ sampleRateHz: 250, heartRateBpm: 60, noiseMicrovolts: 5, seed: deviceId }),
    linkPath,
    speed: 4,
  });
}

test('a swapped garment on the same dongle is accepted after the re-plug; a foreign one on a live link is not', async () => {
  const link = join(mkdtempSync(join(tmpdir(), 'wg-client-')), 'tty');
  const first = garment(link, 7);
  first.start();
  const client = new GarmentClient({
    deviceId: 'g1',
    transport: new SerialTransport({ path: link, baudRate: 115200 }),
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    log: createMemoryLogger(),
  });
  const blocks: SampleBlock[] = [];
  client.on('block', (b) => blocks.push(b));
  client.start();
  let second: SimulatedGarment | undefined;
  try {
    await waitFor('frames from the first garment', () => client.stats.framesOk >= 10);
    // Blocks are contiguous on the device clock: each starts where the previous ended.
    for (let i = 1; i < blocks.length; i++) {
      assert.is(blocks[i].firstSampleIndex, blocks[i - 1].firstSampleIndex + blocks[i - 1].values[0].length);
    }

    // A foreign garment's frames injected on the live link are counted and skipped.
    const intruder = garment(join(link, '..', 'unused'), 99);
    first.injectBytes(intruder.nextFrameBytes());
    await waitFor('foreign frame counted', () => client.stats.errors['foreign-frame'] === 1);

    // Swap shirts: unplug garment 7, plug garment 8 on the same dongle path.
    first.stop();
    await waitFor('link lost', () => !client.stats.connected);
    const before = client.stats.framesOk;
    second = garment(link, 8);
    second.start();
    await waitFor('frames from the second garment', () => client.stats.framesOk >= before + 10, 10_000);
    assert.is(client.stats.errors['foreign-frame'], 1, 'the new garment is not foreign');
    assert.ok(blocks.at(-1)!.firstSampleIndex >= blocks[0].firstSampleIndex, 'indices never go back');
  } finally {
    await client.stop();
    second?.stop();
    first.stop();
  }
});

test('an open but silent link is reported lost once, however often it is reopened; frames make it connected', async () => {
  const link = join(mkdtempSync(join(tmpdir(), 'wg-client-')), 'tty');
  const sim = garment(link, 7);
  sim.plug(); // the dongle is there, the garment sends nothing
  const client = new GarmentClient({
    deviceId: 'g1',
    transport: new SerialTransport({ path: link, baudRate: 115200 }),
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    silenceTimeoutMs: 500,
    log: createMemoryLogger(),
  });
  const statuses: DeviceStatusReport[] = [];
  client.on('status', (s) => statuses.push(s));
  client.start();
  try {
    await waitFor('three reopens of the silent link', () => client.stats.reconnects >= 3, 10_000);
    assert.equal(statuses, [{ connected: false, reason: 'no data for 0.5 s' }], 'never connected, said once');
    assert.is(client.stats.connected, false);
    sim.start();
    await waitFor('connected once frames flow', () => statuses.some((s) => s.connected), 10_000);
    assert.ok(client.stats.connected);
    assert.is(statuses.filter((s) => !s.connected).length, 1);
  } finally {
    await client.stop();
    sim.stop();
  }
});

test.run();
