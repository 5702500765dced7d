// The garment-ble kind over SimGattLink and a simulated garment sending real protocol v1 frames in
// real SPEC.md §7 fragments: ECG blocks on the device clock, battery and lead-off status, lost
// fragments counted as lost frames, and a lost link that is reopened.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimGattLink } from '../../../hardware/ble/sim-link.js';
import { SimulatedBleGarment } from '../../../hardware/ble/peripherals/garment.js';
import { syntheticSource } from '../../../hardware/signals/source.js';
import { createMemoryLogger } from '../../../src/common/logger.js';
import type { GarmentBleConfig } from '../../../src/device/kinds/garment-ble/schema.js';
import { createGarmentBleSession } from '../../../src/device/kinds/garment-ble/session.js';
import type { DeviceStatusReport } from '../../../src/device/kinds/kind.js';
import type { SampleBlock } from '../../../src/streaming/types.js';
import { waitFor } from '../../_support/env.js';

const config: GarmentBleConfig = {
  id: 'gb1',
  kind: 'garment-ble',
  enabled: true,
  reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
  silenceTimeoutS: 2,
  transport: { type: 'ble', address: 'C0:FF:EE:00:00:01' },
  ecg: { detector: 'pan-tompkins', fallbackDetector: 'pan-tompkins', channel: 0, beatsPublishIntervalS: 1, hrPublishIntervalS: 5, hrvWindowS: 60, maxGapFillS: 2 },
};

function rig(mtu: number) {
  const garment = new SimulatedBleGarment({
    address: config.transport.address!,
    deviceId: 0x1234,
    mtu,
    speed: 4,
    source: syntheticSource({ sampleRateHz: 250, heartRateBpm: 60, noiseMicrovolts: 5, seed: 9 }),
  });
  const blocks: SampleBlock[] = [];
  const statuses: DeviceStatusReport[] = [];
  const session = createGarmentBleSession(
    { deviceId: config.id, config, log: createMemoryLogger(), onBlock: (b) => blocks.push(b), onStatus: (s) => statuses.push(s) },
    new SimGattLink(garment.peripheral),
  );
  return { garment, session, blocks, statuses };
}

test('MTU 23 (4 fragments a frame): contiguous ECG blocks, battery and lead-off status', async () => {
  const { garment, session, blocks, statuses } = rig(23);
  garment.start();
  session.start();
  try {
    await waitFor('40 blocks', () => blocks.length >= 40);
    assert.is(blocks[0].stream, 'ecg');
    assert.is(blocks[0].sampleRateHz, 250);
    assert.equal(blocks[0].channels, ['ECG']);
    for (let i = 1; i < blocks.length; i++) assert.is(blocks[i].firstSampleIndex, blocks[i - 1].firstSampleIndex + 25);
    assert.ok(statuses.some((s) => s.connected && s.batteryPercent === 90));
    garment.leadOffMask = 1;
    await waitFor('lead-off', () => statuses.some((s) => s.leadOff === true) && blocks.at(-1)!.status?.leadOff === true);
    const c = session.counters();
    assert.ok(c.connected);
    assert.is(c.framesLost, 0);
    assert.is(c.errors.crc, 0);
  } finally {
    await session.stop();
    garment.stop();
  }
});

test('a lost fragment loses its frame (counted); a lost link is reopened', async () => {
  const { garment, session, blocks } = rig(23);
  garment.start();
  session.start();
  try {
    await waitFor('20 blocks', () => blocks.length >= 20);
    garment.peripheral.dropNotifications(1);
    await waitFor('one frame lost', () => session.counters().framesLost === 1);
    assert.is(session.counters().samplesLost, 25);
    const before = blocks.length;
    garment.peripheral.loseLink();
    await waitFor('reconnected', () => session.counters().reconnects >= 1 && blocks.length > before + 10);
    for (let i = before; i < blocks.length; i++) assert.ok(blocks[i].firstSampleIndex > blocks[i - 1].firstSampleIndex, 'indices keep rising');
  } finally {
    await session.stop();
    garment.stop();
  }
});

test.run();
