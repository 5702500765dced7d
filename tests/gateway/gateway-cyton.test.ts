// The whole gateway with an OpenBCI Cyton + Daisy: the Cyton simulator on a real PTY -> serialport
// -> the cyton kind -> the eeg-raw extension -> SQLite outbox -> a real MQTT broker over TCP -> a
// real subscriber. `<device>/eeg/raw` carries 16 channels at 125 Hz, contiguous on the sample
// index, equal to the simulator's source within quantisation; dropped packets show up as nulls and
// samplesLost; an unplugged dongle is reported and reconnected.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedCyton } from '../../hardware/openbci/cyton-sim.js';
import { syntheticEegSource } from '../../hardware/signals/eeg.js';
import { createMemoryLogger } from '../../src/common/logger.js';
import { microvoltsPerCount } from '../../src/device/protocols/openbci/index.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { Controller } from '../../src/gateway/controller.js';
import type { EegRaw } from '../../src/mqtt/api.js';
import { waitFor } from '../_support/env.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { tempDir } from './_harness.js';

const parse = <T>(text: string): T => JSON.parse(text) as T;
type Status = { connected: boolean };

test('cyton + Daisy: eeg/raw 16 ch at 125 Hz matching the source, losses counted, reconnect after unplug', async () => {
  const dir = tempDir();
  const tty = join(dir, 'tty-cyton');
  const labels = ['Fp1', 'Fp2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2', 'F7', 'F8', 'T7', 'T8', 'P7', 'P8'];
  const sim = new SimulatedCyton({
    linkPath: tty,
    daisy: true,
    seed: 3,
    makeSource: (sampleRateHz, n) => syntheticEegSource({ sampleRateHz, channels: labels.slice(0, n), seed: 11 }),
  });
  await sim.start();
  const config = validateConfig({
    version: 1,
    gatewayId: 'gw-cyton',
    dataDir: join(dir, 'state'),
    logLevel: 'debug',
    mqtt: { embeddedBroker: { port: 0 }, reconnectPeriodMs: 100 },
    health: { intervalS: 1 },
    statusLine: { enabled: false },
    devices: [
      {
        id: 'cyton',
        kind: 'cyton',
        transport: { type: 'serial', path: tty, baudRate: 115200 },
        reconnect: { initialDelayMs: 50, maxDelayMs: 300 },
        daisy: true,
        channels: labels.map((label) => ({ label })),
        eegRaw: { enabled: true, publishIntervalS: 0.5 },
      },
    ],
  });
  const log = createMemoryLogger();
  const controller = new Controller({ config, log });
  const base = 'weargate/gw-cyton';
  let sub: Subscriber | undefined;
  try {
    await controller.start();
    sub = await Subscriber.open(controller.brokerUrl, [`${base}/#`]);
    const s = sub;
    const raw = (): EegRaw[] => s.on(`${base}/cyton/eeg/raw`).map((m) => parse<EegRaw>(m.text));
    await s.until('status connected', () => s.on(`${base}/cyton/status`).some((m) => parse<Status>(m.text).connected), 10_000);
    await s.until('4 raw batches', () => raw().length >= 4, 10_000);
    const batches = raw();
    for (const b of batches) {
      assert.is(b.sampleRateHz, 125);
      assert.equal(b.channels, labels);
      assert.is(b.values.length, 16);
    }
    for (let i = 1; i < batches.length; i++) {
      assert.is(batches[i].firstSampleIndex, batches[i - 1].firstSampleIndex + batches[i - 1].values[0].length, `batch ${i} follows ${i - 1}`);
    }
    // Values: the simulator's source, quantised at gain 24 and rounded to 0.01 uV by eeg-raw.
    const toleranceUv = microvoltsPerCount(24) / 2 + 0.005 + 1e-3;
    let compared = 0;
    let maxErrUv = 0;
    for (const b of batches) {
      for (let i = 0; i < b.values[0].length; i++) {
        const want = sim.truth[b.firstSampleIndex + i];
        for (let c = 0; c < 16; c++) {
          const got = b.values[c][i];
          assert.ok(got !== null, `no loss yet (sample ${b.firstSampleIndex + i})`);
          maxErrUv = Math.max(maxErrUv, Math.abs(got - want[c]));
          compared++;
        }
      }
    }
    assert.ok(compared >= 16 * 125, `compared ${compared}`);
    assert.ok(maxErrUv <= toleranceUv, `max error ${maxErrUv} uV > ${toleranceUv}`);

    // Packets lost on the radio: 5 packets = parts of 3 samples; nulls in the batch, counted.
    const seen = raw().length;
    sim.dropPackets(5);
    await s.until('a batch with samplesLost', () => raw().slice(seen).some((b) => b.samplesLost > 0), 10_000);
    const stats = controller.devices.get('cyton')!.stats();
    assert.is(stats.framesLost, 5);
    assert.is(stats.samplesLost, 3);
    const lossy = raw().slice(seen).filter((b) => b.samplesLost > 0);
    const nullSamples = lossy.reduce((n, b) => n + b.values[0].filter((_, i) => b.values.some((v) => v[i] === null)).length, 0);
    assert.is(nullSamples, 3);

    // Unplug: status goes connected:false; plug back: reconnected, batches flow again.
    sim.unplug();
    await s.until('status disconnected', () => s.on(`${base}/cyton/status`).some((m) => !parse<Status>(m.text).connected), 10_000);
    sim.plug();
    const statusCount = s.on(`${base}/cyton/status`).length;
    await s.until('status reconnected', () => s.on(`${base}/cyton/status`).slice(statusCount).some((m) => parse<Status>(m.text).connected), 10_000);
    await waitFor('reconnects counted', () => controller.devices.get('cyton')!.stats().reconnects >= 1);
    const after = raw().length;
    await s.until('batches after re-plug', () => raw().length >= after + 2, 10_000);
    const later = raw().slice(after);
    assert.ok(later.every((b) => b.channels.length === 16 && b.sampleRateHz === 125));
    await s.until('health shows the device', () =>
      s.on(`${base}/bridge/health`).some((m) => Number(parse<{ devices: Record<string, { framesLost?: number }> }>(m.text).devices.cyton?.framesLost) >= 5),
    );
  } catch (err) {
    console.log(log.lines.slice(-40).map((l) => `${l.level} ${l.namespace}: ${l.text}`).join('\n'));
    throw err;
  } finally {
    await sub?.close();
    await controller.stop();
    sim.stop();
  }
});

test.run();
