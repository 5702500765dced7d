// The whole gateway with BLE EEG and a BLE garment: a simulated Muse and a simulated garment on a
// fake BlueZ (hardware/ble/fake-bluez.ts) on a private dbus-daemon, reached by the real node-ble
// link; the real controller; a real aedes broker and a real subscriber. `<muse>/eeg/raw` batches
// carry 4 channels at 256 Hz, contiguous on the sample index, with the simulated alpha rhythm
// dominating TP9; lost notifications show as samplesLost; status says connected with battery;
// the garment's ECG goes through the ECG pipeline to `<garment>/ecg/beats`.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeBluez } from '../../hardware/ble/fake-bluez.js';
import { SimulatedBleGarment } from '../../hardware/ble/peripherals/garment.js';
import { SimulatedMuse } from '../../hardware/ble/peripherals/muse.js';
import { syntheticSource } from '../../hardware/signals/source.js';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { Controller } from '../../src/gateway/controller.js';
import type { EegRaw } from '../../src/mqtt/api.js';
import { startAedes } from '../_support/brokers.js';
import { haveDbusDaemon, startPrivateBus } from '../_support/dbus.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { tempDir } from './_harness.js';

const parse = <T>(text: string): T => JSON.parse(text) as T;
type Status = { connected: boolean; batteryPercent?: number };
type Beats = { sampleRateHz: number; beats: { tUs: number }[] };

const museAddress = '00:55:DA:B0:00:31';
const garmentAddress = 'C0:FF:EE:00:00:32';

/** Power of `x` (mean removed, nulls as 0) at whole-Hz frequencies by a plain DFT. */
function powerAt(x: (number | null)[], sampleRateHz: number, hz: number): number {
  const values = x.map((v) => v ?? 0);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  let re = 0;
  let im = 0;
  for (let n = 0; n < values.length; n++) {
    const phase = (2 * Math.PI * hz * n) / sampleRateHz;
    re += (values[n] - mean) * Math.cos(phase);
    im -= (values[n] - mean) * Math.sin(phase);
  }
  return re * re + im * im;
}

const bandPower = (x: (number | null)[], rate: number, lowHz: number, highHz: number): number => {
  let sum = 0;
  for (let f = lowHz; f <= highHz; f++) sum += powerAt(x, rate, f);
  return sum / (highHz - lowHz + 1);
};

if (haveDbusDaemon('gateway over BLE with EEG (node-ble, fake BlueZ)')) {
  test('muse eeg/raw and garment-ble ECG through node-ble, the controller and a real broker', async () => {
    const bus = await startPrivateBus();
    bus.useAsSystemBus();
    const bluez = await FakeBluez.start({ busAddress: bus.address });
    const broker = await startAedes();
    // Muse at 2x real time: 170 notifications/s through D-Bus on a 2-core machine.
    const muse = new SimulatedMuse({ address: museAddress, seed: 21, batteryPercent: 64 });
    const garment = new SimulatedBleGarment({
      address: garmentAddress,
      deviceId: 0x4242,
      speed: 4,
      source: syntheticSource({ sampleRateHz: 250, heartRateBpm: 66, noiseMicrovolts: 10, seed: 22 }),
    });
    bluez.addPeripheral(muse.peripheral);
    bluez.addPeripheral(garment.peripheral);
    muse.start();
    garment.start();
    const dir = tempDir();
    const config = validateConfig({
      version: 1,
      gatewayId: 'gw-eeg',
      dataDir: join(dir, 'state'),
      logLevel: 'debug',
      mqtt: { url: broker.url, reconnectPeriodMs: 100 },
      health: { intervalS: 1 },
      statusLine: { enabled: false },
      devices: [
        {
          id: 'muse',
          kind: 'muse',
          transport: { type: 'ble', address: museAddress },
          reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
          preset: 'p50',
          eegRaw: { enabled: true, publishIntervalS: 1 },
          ppgRaw: { enabled: true, publishIntervalS: 1 },
        },
        {
          id: 'shirt',
          kind: 'garment-ble',
          transport: { type: 'ble', address: garmentAddress },
          reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
          ecg: { detector: 'pan-tompkins', beatsPublishIntervalS: 0.5, hrPublishIntervalS: 1 },
        },
      ],
    });
    const log = createMemoryLogger();
    const controller = new Controller({ config, log });
    const base = 'weargate/gw-eeg';
    const sub = await Subscriber.open(broker.url, [`${base}/#`]);
    const raw = (): EegRaw[] => sub.on(`${base}/muse/eeg/raw`).map((m) => parse<EegRaw>(m.text));
    try {
      await controller.start();
      await sub.until(
        'muse connected with battery',
        () => sub.on(`${base}/muse/status`).some((m) => parse<Status>(m.text).connected && parse<Status>(m.text).batteryPercent === 64),
        20_000,
      );

      await sub.until('4 raw batches', () => raw().length >= 4, 20_000);
      const batches = raw();
      assert.equal(batches.map((b) => b.seq), batches.map((_, i) => i), 'seq 0, 1, 2, ...');
      for (const b of batches) {
        assert.is(b.sampleRateHz, 256);
        assert.equal(b.channels, ['TP9', 'AF7', 'AF8', 'TP10']);
        assert.is(b.values.length, 4);
        assert.ok(b.values.every((v) => v.length === b.values[0].length));
        // On gateway time: the batch's last sample was taken before it was published, and not long before.
        assert.type(b.gatewayT0Ms, 'number');
        const lastMs = b.gatewayT0Ms! + ((b.values[0].length - 1) * 1000) / b.sampleRateHz;
        assert.ok(lastMs <= b.t + 50 && lastMs > b.t - 3000, `last sample ${lastMs} vs published ${b.t}`);
      }
      for (let i = 1; i < batches.length; i++) {
        const expectedMs = batches[i - 1].gatewayT0Ms! + (batches[i - 1].values[0].length * 1000) / 256;
        // The clock estimate still moves in the first seconds (by tens of ms on a loaded machine); a unit
        // or offset error would be a whole batch (1000 ms) or more.
        assert.ok(Math.abs(batches[i].gatewayT0Ms! - expectedMs) < 150, `batch ${i} starts ${batches[i].gatewayT0Ms! - expectedMs} ms off where ${i - 1} ended`);
      }
      for (let i = 1; i < batches.length; i++) {
        assert.is(batches[i].firstSampleIndex, batches[i - 1].firstSampleIndex + batches[i - 1].values[0].length, `batch ${i} follows ${i - 1}`);
      }
      // The simulated alpha (10 Hz, strongest on TP9) dominates theta and beta there.
      const tp9 = batches.slice(1).flatMap((b) => b.values[0]);
      const alpha = bandPower(tp9, 256, 8, 12);
      const theta = bandPower(tp9, 256, 4, 7);
      const beta = bandPower(tp9, 256, 13, 30);
      assert.ok(alpha > 5 * theta && alpha > 5 * beta, `alpha ${alpha.toExponential(2)} theta ${theta.toExponential(2)} beta ${beta.toExponential(2)}`);

      // Preset p50: the PPG's three photodiode channels, batched on their own topic at 64 Hz.
      await sub.until('2 ppg batches', () => sub.on(`${base}/muse/ppg/raw`).length >= 2, 10_000);
      const ppg = sub.on(`${base}/muse/ppg/raw`).map((m) => parse<EegRaw>(m.text));
      assert.equal(ppg.map((b) => b.seq), ppg.map((_, i) => i));
      assert.is(ppg[0].sampleRateHz, 64);
      assert.equal(ppg[0].channels, ['ambient', 'infrared', 'red']);
      assert.ok(ppg[1].values.every((v) => v.length >= 48 && v.every((x) => x !== null && x > 10_000)), 'photodiode counts at their DC level');

      // Notifications lost in the air: nulls in the batch, counted as samplesLost.
      const count = raw().length;
      muse.peripheral.dropNotifications(6);
      await sub.until('samplesLost in a batch', () => raw().slice(count).some((b) => b.samplesLost >= 12), 10_000);
      const lossy = raw().slice(count).find((b) => b.samplesLost > 0)!;
      assert.is(lossy.values.flat().filter((v) => v === null).length, lossy.samplesLost);
      assert.ok(controller.devices.get('muse')!.stats().samplesLost >= 12);

      // The garment over BLE: ECG through the ECG pipeline, R-peaks published.
      await sub.until('shirt beats', () => sub.on(`${base}/shirt/ecg/beats`).flatMap((m) => parse<Beats>(m.text).beats).length >= 5, 30_000);
      assert.is(parse<Beats>(sub.on(`${base}/shirt/ecg/beats`)[0].text).sampleRateHz, 250);
      assert.ok(sub.on(`${base}/shirt/status`).some((m) => parse<Status>(m.text).connected && parse<Status>(m.text).batteryPercent === 90));
    } catch (err) {
      console.log(log.lines.slice(-40).map((l) => `${l.level} ${l.namespace}: ${l.text}`).join('\n'));
      throw err;
    } finally {
      await controller.stop();
      sub.client.end(true);
      muse.stop();
      garment.stop();
      await bluez.stop();
      await broker.stop();
      await bus.stop();
    }
  });
} else {
  test.skip('gateway over BLE with EEG (needs dbus-daemon)', () => undefined);
}

test.run();
