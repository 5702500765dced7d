// The muse kind over SimGattLink and a simulated Muse speaking the real protocol: the start
// sequence and keep-alives, 4-channel 256 Hz blocks with contiguous sample indices across the
// 16-bit sequence wrap, battery from telemetry, lost notifications counted per channel and shown
// as NaN, and a lost link that is reopened.
import { Value } from '@sinclair/typebox/value';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimGattLink } from '../../../hardware/ble/sim-link.js';
import { SimulatedMuse } from '../../../hardware/ble/peripherals/muse.js';
import { createMemoryLogger } from '../../../src/common/logger.js';
import type { DeviceStatusReport } from '../../../src/device/kinds/kind.js';
import { EegProcessing } from '../../../src/device/kinds/common-schema.js';
import type { MuseConfig } from '../../../src/device/kinds/muse/schema.js';
import { createMuseSession } from '../../../src/device/kinds/muse/session.js';
import type { SampleBlock } from '../../../src/streaming/types.js';
import { waitFor } from '../../_support/env.js';

function config(overrides: Partial<MuseConfig> = {}): MuseConfig {
  return {
    id: 'muse1',
    kind: 'muse',
    enabled: true,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    silenceTimeoutS: 2,
    transport: { type: 'ble', address: '00:55:DA:B0:00:01' },
    preset: 'p21',
    aux: false,
    ppgRaw: { enabled: false, publishIntervalS: 1 },
    eegRaw: { enabled: false, publishIntervalS: 1 },
    eeg: Value.Create(EegProcessing),
    ...overrides,
  };
}

function rig(muse: SimulatedMuse, cfg = config(), keepAliveIntervalMs = 50) {
  const blocks: SampleBlock[] = [];
  const statuses: DeviceStatusReport[] = [];
  const session = createMuseSession(
    { deviceId: cfg.id, config: cfg, log: createMemoryLogger(), onBlock: (b) => blocks.push(b), onStatus: (s) => statuses.push(s) },
    new SimGattLink(muse.peripheral),
    { keepAliveIntervalMs },
  );
  return { session, blocks, statuses };
}

test('start sequence, keep-alive, contiguous 4-channel blocks across the seq wrap, battery', async () => {
  const muse = new SimulatedMuse({ address: '00:55:DA:B0:00:01', seed: 5, speed: 4, firstSeq: 65_530, batteryPercent: 73 });
  muse.start();
  const { session, blocks, statuses } = rig(muse);
  session.start();
  try {
    await waitFor('60 blocks', () => blocks.length >= 60);
    assert.equal(muse.commands.slice(0, 3), ['h', 'p21', 'd']);
    await waitFor('keep-alives', () => muse.commands.filter((c) => c === 'k').length >= 2);
    const b0 = blocks[0];
    assert.is(b0.stream, 'eeg');
    assert.is(b0.sampleRateHz, 256);
    assert.equal(b0.channels, ['TP9', 'AF7', 'AF8', 'TP10']);
    assert.is(b0.values.length, 4);
    assert.is(b0.firstSampleIndex, 65_530 * 12);
    for (let i = 1; i < blocks.length; i++) {
      assert.is(blocks[i].firstSampleIndex, blocks[i - 1].firstSampleIndex + 12, `block ${i} follows block ${i - 1}`);
      assert.is(blocks[i].t0Us - blocks[i - 1].t0Us, 46_875);
      assert.ok(blocks[i].values.every((v) => v.length === 12 && v.every(Number.isFinite)));
    }
    assert.is(blocks[0].status?.contact, undefined, 'contact unknown');
    await waitFor('battery', () => statuses.some((s) => s.batteryPercent === 73));
    assert.ok(statuses.some((s) => s.connected));
    const c = session.counters();
    assert.ok(c.connected);
    assert.is(c.framesLost, 0);
    assert.ok(c.framesOk >= 240);
  } finally {
    await session.stop();
    muse.stop();
  }
  assert.is(muse.commands.at(-1), 'h', 'halted on stop');
});

test('dropped notifications: NaN in that channel, counted as lost; a lost link is reopened and indices keep rising', async () => {
  const muse = new SimulatedMuse({ address: '00:55:DA:B0:00:02', seed: 6, speed: 4 });
  muse.start();
  // No keep-alives here: their control responses would share the dropped notifications.
  const { session, blocks } = rig(muse, config(), 60_000);
  session.start();
  try {
    await waitFor('20 blocks', () => blocks.length >= 20);
    muse.peripheral.dropNotifications(3);
    const from = blocks.length;
    // Three notifications vanish; one of them may be the telemetry (once a second), not EEG.
    await waitFor('samples lost', () => session.counters().samplesLost >= 24);
    await waitFor('more blocks', () => blocks.length > from + 10);
    const c = session.counters();
    assert.ok(c.framesLost === 2 || c.framesLost === 3, `framesLost ${c.framesLost}`);
    assert.is(c.samplesLost, c.framesLost * 12);
    const withNaN = blocks.slice(from).flatMap((b) => b.values.filter((v) => v.some(Number.isNaN)));
    assert.is(withNaN.length, c.framesLost, 'each lost channel packet is NaN in its block');
    for (let i = from; i < blocks.length; i++) assert.is(blocks[i].firstSampleIndex, blocks[i - 1].firstSampleIndex + 12);

    const before = blocks.length;
    const lastIndex = blocks.at(-1)!.firstSampleIndex;
    muse.peripheral.loseLink();
    await waitFor('reconnected and streaming', () => session.counters().reconnects >= 1 && blocks.length > before + 10);
    assert.ok(blocks.slice(before).every((b) => b.firstSampleIndex > lastIndex), 'indices keep rising after the reconnect');
    assert.ok(muse.commands.filter((cmd) => cmd === 'd').length >= 2, 'started again');
  } finally {
    await session.stop();
    muse.stop();
  }
});

test('aux: five channels with preset p20', async () => {
  const muse = new SimulatedMuse({ address: '00:55:DA:B0:00:03', seed: 7, speed: 4 });
  muse.start();
  const { session, blocks } = rig(muse, config({ aux: true }));
  session.start();
  try {
    await waitFor('blocks', () => blocks.length >= 10);
    assert.equal(muse.commands.slice(0, 3), ['h', 'p20', 'd']);
    assert.equal(blocks[0].channels, ['TP9', 'AF7', 'AF8', 'TP10', 'AUX']);
    assert.ok(blocks.slice(1).every((b) => b.values[4].every(Number.isFinite)));
  } finally {
    await session.stop();
    muse.stop();
  }
});

test('preset p50: PPG zipped into 64 Hz 3-channel blocks beside the EEG; the pulse rate is in the infrared', async () => {
  const muse = new SimulatedMuse({ address: '00:55:DA:B0:00:04', seed: 8, speed: 8, ppgHeartRateBpm: 72 });
  muse.start();
  const { session, blocks } = rig(muse, config({ preset: 'p50' }));
  session.start();
  const ppg = (): SampleBlock[] => blocks.filter((b) => b.stream === 'ppg');
  try {
    // 10 s of PPG: 640 samples, about 12 beats.
    await waitFor('10 s of PPG', () => ppg().length >= 107, 10_000);
    assert.equal(muse.commands.slice(0, 3), ['h', 'p50', 'd']);
    const p = ppg();
    assert.is(p[0].sampleRateHz, 64);
    assert.equal(p[0].channels, ['ambient', 'infrared', 'red']);
    for (let i = 1; i < p.length; i++) {
      assert.is(p[i].firstSampleIndex, p[i - 1].firstSampleIndex + 6, `PPG block ${i} follows ${i - 1}`);
      assert.is(p[i].t0Us - p[i - 1].t0Us, 93_750);
    }
    assert.ok(blocks.some((b) => b.stream === 'eeg'), 'EEG still flows');
    // Pulse rate from the infrared: the strongest autocorrelation lag between 0.33 s and 1.5 s.
    const ir = p.flatMap((b) => Array.from(b.values[1]));
    assert.ok(ir.every((v) => v > 100_000 && v < 230_000), 'infrared counts at their DC level');
    const mean = ir.reduce((a, b) => a + b, 0) / ir.length;
    let bestLag = 0;
    let best = -Infinity;
    for (let lag = 21; lag <= 96; lag++) {
      let r = 0;
      for (let i = 0; i + lag < ir.length; i++) r += (ir[i] - mean) * (ir[i + lag] - mean);
      if (r > best) [best, bestLag] = [r, lag];
    }
    const bpm = (60 * 64) / bestLag;
    assert.ok(Math.abs(bpm - 72) < 4, `pulse ${bpm.toFixed(1)} bpm from the PPG`);
    const c = session.counters();
    assert.is(c.framesLost, 0);
    assert.is(c.errors.length, 0);
  } finally {
    await session.stop();
    muse.stop();
  }
});

test.run();
