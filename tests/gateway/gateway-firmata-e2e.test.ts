// The ad8232-firmata kind end to end: the StandardFirmata Nano emulator on a real PTY -> serialport
// -> firmata.js + johnny-five -> the ECG pipeline -> SQLite outbox -> a real MQTT broker over TCP ->
// a real subscriber. R-peaks are checked against the synthetic source's true beats; button presses
// arrive on `<device>/marker`; a pulled cable is reported and the link comes back by itself.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedFirmataAd8232 } from '../../hardware/firmata/emulator.js';
import { syntheticSource } from '../../hardware/signals/source.js';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { Controller } from '../../src/gateway/controller.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { waitFor } from '../_support/env.js';
import { tempDir } from './_harness.js';

const parse = <T>(text: string): T => JSON.parse(text) as T;
type Beats = { seq: number; beats: { tUs: number }[] };
type Status = { connected: boolean; leadOff?: boolean; sampleRateHz?: { nominal: number; measured: number } };
type Marker = { seq: number; t: number; tUs: number; source: string };

test('AD8232 on StandardFirmata: beats match the true R peaks, markers and lead-off reach MQTT, re-plugging recovers', async () => {
  const dir = tempDir();
  const path = join(dir, 'tty-n1');
  const sim = new SimulatedFirmataAd8232({ linkPath: path, source: syntheticSource({ sampleRateHz: 250, heartRateBpm: 80, noiseMicrovolts: 10, seed: 5 }) });
  sim.start();
  const config = validateConfig({
    version: 1,
    gatewayId: 'gw-firmata',
    dataDir: join(dir, 'state'),
    logLevel: 'debug',
    mqtt: { reconnectPeriodMs: 100, embeddedBroker: { port: 0 } },
    health: { intervalS: 1 },
    statusLine: { enabled: false },
    devices: [
      {
        id: 'n1',
        kind: 'ad8232-firmata',
        transport: { type: 'serial', path, baudRate: 57600 },
        reconnect: { initialDelayMs: 50, maxDelayMs: 300 },
        ecg: { detector: 'pan-tompkins', beatsPublishIntervalS: 0.5, hrPublishIntervalS: 1 },
      },
    ],
  });
  const controller = new Controller({ config, log: createMemoryLogger() });
  await controller.start();
  const base = 'weargate/gw-firmata';
  const sub = await Subscriber.open(controller.brokerUrl, [`${base}/#`]);
  const statuses = () => sub.on(`${base}/n1/status`).map((x) => parse<Status>(x.text));
  try {
    await sub.until('status connected', () => statuses().some((s) => s.connected), 10_000);
    const info = parse<{ devices: { id: string; kind: string; transport: string }[] }>(
      (await sub.until('bridge/info', (m) => m.some((x) => x.topic === `${base}/bridge/info`)), sub.on(`${base}/bridge/info`).at(-1)!.text),
    );
    assert.equal(info.devices, [{ id: 'n1', kind: 'ad8232-firmata', transport: 'serial', address: `serial:${path}@57600` }]);

    // Beats on the device clock (sample index x 4 ms) against the source's truth, within 150 ms.
    const detected = () => sub.on(`${base}/n1/ecg/beats`).flatMap((x) => parse<Beats>(x.text).beats.map((b) => b.tUs));
    await sub.until('12 beats', () => detected().length >= 12, 25_000);
    const detectedUs = detected();
    const truthUs = sim.truthBeatTimesUs().filter((t) => t >= detectedUs[0] - 150_000 && t <= detectedUs.at(-1)! + 150_000);
    const nearest = (t: number) => Math.min(...truthUs.map((u) => Math.abs(u - t)));
    const off = detectedUs.filter((t) => nearest(t) > 150_000);
    assert.is(off.length, 0, `beats off the truth: ${off.map((t) => `${t} (${nearest(t)} us)`).join(', ')}`);
    const matchedTruth = truthUs.filter((u) => detectedUs.some((t) => Math.abs(u - t) <= 150_000));
    assert.ok(matchedTruth.length >= truthUs.length - 1, `missed ${truthUs.length - matchedTruth.length} of ${truthUs.length}`);
    const worstMs = Math.max(...detectedUs.map(nearest)) / 1000;
    console.log(`${detectedUs.length} beats, worst offset from the true R peak ${worstMs.toFixed(1)} ms`);

    // The measured rate beside the configured one on the retained status (10 s windows of arrivals).
    await sub.until('status with the measured rate', () => statuses().some((s) => s.sampleRateHz !== undefined), 15_000);
    const rate = statuses().find((s) => s.sampleRateHz)!.sampleRateHz!;
    console.log(`status sampleRateHz ${JSON.stringify(rate)}`);
    assert.is(rate.nominal, 250);
    assert.ok(Math.abs(rate.measured - 250) <= 5, `measured ${rate.measured} Hz`);

    // Button presses: one marker each, seq 0, 1 on the device's clock.
    sim.pressButton(100);
    await sub.until('marker', () => sub.on(`${base}/n1/marker`).length >= 1, 5000);
    await waitFor('button released', () => !sim.buttonIsDown, 2000);
    sim.pressButton(100);
    await sub.until('second marker', () => sub.on(`${base}/n1/marker`).length >= 2, 5000);
    await waitFor('button released', () => !sim.buttonIsDown, 2000);
    const markers = sub.on(`${base}/n1/marker`).map((x) => parse<Marker>(x.text));
    assert.equal(markers.map((m) => [m.seq, m.source]), [[0, 'button'], [1, 'button']]);
    assert.ok(markers[1].tUs > markers[0].tUs && markers[0].tUs > detectedUs[0], JSON.stringify(markers));

    // Electrodes off: LO+ reaches the retained status.
    sim.setLeadOff(true);
    await sub.until('status lead-off', () => statuses().some((s) => s.leadOff === true), 5000);
    sim.setLeadOff(false);
    await sub.until('lead back on', () => statuses().at(-1)?.leadOff === false, 5000);

    // Pull the cable while the button is held: reported lost; plug back: reconnected and beats again,
    // and the press still held at connect is not a second marker.
    sim.pressButton(1500);
    await sub.until('third marker', () => sub.on(`${base}/n1/marker`).length >= 3, 5000);
    sim.unplug();
    await sub.until('status disconnected', () => statuses().some((s) => !s.connected), 5000);
    const seen = statuses().length;
    sim.plug();
    await sub.until('reconnected', () => statuses().slice(seen).some((s) => s.connected), 10_000);
    const beatsBefore = detected().length;
    await sub.until('beats after re-plug', () => detected().length > beatsBefore + 1, 15_000);
    await waitFor('button released', () => !sim.buttonIsDown, 3000);
    assert.is(sub.on(`${base}/n1/marker`).length, 3, 'one marker per press, across the re-plug');
    const stats = controller.devices.get('n1')!.stats();
    assert.ok(stats.reconnects >= 1, `reconnects ${stats.reconnects}`);
    assert.is(stats.samplesLost, 0);
  } finally {
    await sub.close();
    await controller.stop();
    sim.stop();
  }
});

test.run();
