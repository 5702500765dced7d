// The polar-h10 kind over SimGattLink and a simulated H10 speaking the real PMD protocol: the
// control point sequence (settings, start; stop on close), 130 Hz ECG blocks with contiguous
// sample indices on the strap's clock, lost frames counted from the timestamp gap, RR over HRS,
// battery, a refused start, and a lost link after which ECG is started again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimGattLink } from '../../../hardware/ble/sim-link.js';
import { H10_SAMPLES_PER_FRAME, SimulatedPolarH10 } from '../../../hardware/ble/peripherals/polar-h10.js';
import { createMemoryLogger } from '../../../src/common/logger.js';
import type { DeviceStatusReport, HeartRateReport } from '../../../src/device/kinds/kind.js';
import { createPolarH10Session } from '../../../src/device/kinds/polar-h10/index.js';
import type { PolarH10Config } from '../../../src/device/kinds/polar-h10/schema.js';
import { PMD_CONTROL_POINT_UUID, PMD_SERVICE_UUID } from '../../../src/device/protocols/polar-h10/index.js';
import type { SampleBlock } from '../../../src/streaming/types.js';
import { waitFor } from '../../_support/env.js';

const address = 'A0:9E:1A:00:00:10';

function config(acc: PolarH10Config['acc'] = { enabled: false, sampleRateHz: 50, rangeG: 8 }): PolarH10Config {
  return {
    id: 'h10',
    kind: 'polar-h10',
    enabled: true,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    silenceTimeoutS: 2,
    transport: { type: 'ble', address },
    ecg: { detector: 'pan-tompkins', fallbackDetector: 'pan-tompkins', channel: 0, beatsPublishIntervalS: 2, hrPublishIntervalS: 5, hrvWindowS: 60, maxGapFillS: 2 },
    hr: { publishIntervalS: 5 },
    acc,
  };
}

function rig(h10: SimulatedPolarH10, cfg = config()) {
  const blocks: SampleBlock[] = [];
  const reports: HeartRateReport[] = [];
  const statuses: DeviceStatusReport[] = [];
  const log = createMemoryLogger();
  const session = createPolarH10Session(
    {
      deviceId: 'h10',
      config: cfg,
      log,
      onBlock: (b) => blocks.push(b),
      onStatus: (s) => statuses.push(s),
      onHeartRate: (r) => reports.push(r),
    },
    new SimGattLink(h10.peripheral),
  );
  return { session, blocks, reports, statuses, log };
}

test('settings, start, 130 Hz blocks on the strap clock, RR, battery; stop on close', async () => {
  const h10 = new SimulatedPolarH10({ address, heartRateBpm: 64, seed: 2, speed: 8, batteryPercent: 77 });
  h10.start();
  const { session, blocks, reports, statuses } = rig(h10);
  session.start();
  try {
    await waitFor('20 ECG blocks', () => blocks.length >= 20);
    assert.equal(h10.commands.slice(0, 2), [1, 2], 'get-settings then start');
    for (const [i, b] of blocks.entries()) {
      assert.is(b.stream, 'ecg');
      assert.is(b.sampleRateHz, 130);
      assert.is(b.values[0].length, H10_SAMPLES_PER_FRAME);
      assert.is(b.firstSampleIndex, i * H10_SAMPLES_PER_FRAME, 'contiguous indices');
      // Device time: the frame's last sample is its timestamp, earlier ones step back by 1/130 s.
      if (i > 0) assert.ok(Math.abs(b.t0Us - blocks[i - 1].t0Us - (H10_SAMPLES_PER_FRAME * 1e6) / 130) < 2, `t0Us step ${b.t0Us - blocks[i - 1].t0Us}`);
    }
    // Samples are the strap's µV: an R wave of about 1.2 mV is in there.
    const peakUv = Math.max(...blocks.flatMap((b) => Array.from(b.values[0])));
    assert.ok(peakUv > 600 && peakUv < 2500, `peak ${peakUv} uV`);
    await waitFor('RR over HRS', () => reports.some((r) => r.rrMs.length > 0));
    const rr = reports.flatMap((r) => r.rrMs);
    assert.ok(rr.every((ms) => Math.abs(60_000 / ms - 64) < 15), `RR ${rr.join(',')}`);
    await waitFor('battery', () => statuses.some((s) => s.connected && s.batteryPercent === 77));
    assert.is(session.counters().samplesLost, 0);
  } finally {
    await session.stop();
    h10.stop();
  }
  assert.is(h10.commands.at(-1), 3, 'stop measurement on close');
});

test('dropped ECG notifications: counted from the timestamp gap, indices skip the missing samples', async () => {
  const h10 = new SimulatedPolarH10({ address, seed: 3, speed: 8 });
  h10.start();
  const { session, blocks } = rig(h10);
  session.start();
  try {
    await waitFor('5 blocks', () => blocks.length >= 5);
    // HR notifications share the air: drop until two ECG frames are gone.
    const sentBefore = h10.framesSent;
    h10.peripheral.dropNotifications(3);
    await waitFor('blocks after the drop', () => h10.framesSent >= sentBefore + 6 && blocks.length >= 8);
    const c = session.counters();
    assert.ok(c.samplesLost > 0 && c.samplesLost % H10_SAMPLES_PER_FRAME === 0, `samplesLost ${c.samplesLost}`);
    const last = blocks.at(-1)!;
    const received = blocks.reduce((n, b) => n + b.values[0].length, 0);
    assert.is(last.firstSampleIndex + last.values[0].length, received + c.samplesLost, 'indices cover received + lost');
  } finally {
    await session.stop();
    h10.stop();
  }
});

test('ACC when configured: started after ECG at the configured rate and range, x/y/z milli-g blocks on the strap clock; stopped on close', async () => {
  const h10 = new SimulatedPolarH10({ address, heartRateBpm: 60, seed: 4, speed: 8 });
  h10.start();
  const { session, blocks } = rig(h10, config({ enabled: true, sampleRateHz: 100, rangeG: 4 }));
  session.start();
  const acc = (): SampleBlock[] => blocks.filter((b) => b.stream === 'acc');
  try {
    await waitFor('5 s of ACC', () => acc().length >= 50);
    assert.is(h10.acc.rateHz, 100);
    assert.is(h10.acc.rangeG, 4);
    assert.ok(blocks.some((b) => b.stream === 'ecg'), 'ECG still flows');
    const a = acc();
    for (const [i, b] of a.entries()) {
      assert.is(b.sampleRateHz, 100);
      assert.equal(b.channels, ['x', 'y', 'z']);
      assert.is(b.firstSampleIndex, i * 10, 'contiguous indices');
      if (i > 0) assert.ok(Math.abs(b.t0Us - a[i - 1].t0Us - 100_000) < 2, `t0Us step ${b.t0Us - a[i - 1].t0Us}`);
    }
    // Gravity on z: about 1 g; the strap's ECG and ACC share its clock.
    const z = a.flatMap((b) => Array.from(b.values[2]));
    const meanZ = z.reduce((s, v) => s + v, 0) / z.length;
    assert.ok(Math.abs(meanZ - 1000) < 50, `mean z ${meanZ} mg`);
    const ecg = blocks.filter((b) => b.stream === 'ecg');
    assert.ok(Math.abs(a[0].t0Us - ecg[0].t0Us) < 2e6, 'ACC and ECG on the same strap clock');
    assert.is(session.counters().samplesLost, 0);
  } finally {
    await session.stop();
    h10.stop();
  }
  assert.is(h10.acc.stopCommands, 1, 'ACC stopped on close');
});

test('a refused start is an error that is retried; a lost link starts ECG again', async () => {
  const h10 = new SimulatedPolarH10({ address, seed: 4, speed: 8 });
  h10.start();
  // The first start is answered "invalid state" (e.g. in the charger); the second is accepted.
  const cp = h10.peripheral.characteristic(PMD_SERVICE_UUID, PMD_CONTROL_POINT_UUID);
  const real = cp.onWrite!;
  let refused = false;
  cp.onWrite = (bytes, options) => {
    if (bytes[0] === 2 && !refused) {
      refused = true;
      setImmediate(() => h10.peripheral.notify(PMD_CONTROL_POINT_UUID, Uint8Array.of(0xf0, 2, 0, 13)));
      return;
    }
    return real(bytes, options);
  };
  const { session, blocks, statuses } = rig(h10);
  session.start();
  try {
    await waitFor('blocks after the retry', () => blocks.length >= 3);
    assert.ok(statuses.some((s) => !s.connected && /device-in-charger/.test(s.reason ?? '')), JSON.stringify(statuses));
    h10.peripheral.loseLink();
    await waitFor('lost', () => statuses.some((s) => !s.connected && /link lost|supervision/.test(s.reason ?? '')));
    const before = blocks.length;
    await waitFor('ECG again', () => blocks.length >= before + 3);
    assert.is(session.counters().reconnects, 1, "a failed setup is not an opened link; the loss is");
    // The strap clock ran on while disconnected: the indices jump by the gap, never back.
    for (let i = 1; i < blocks.length; i++) assert.ok(blocks[i].firstSampleIndex > blocks[i - 1].firstSampleIndex);
  } finally {
    await session.stop();
    h10.stop();
  }
});

test.run();
