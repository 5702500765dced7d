// The whole gateway end to end: simulated garment on a real PTY -> serialport -> protocol ->
// detector -> SQLite outbox -> real MQTT broker over TCP -> a real subscriber.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { Controller } from '../../src/gateway/controller.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { waitFor } from '../_support/env.js';
import { invalidVectorNames, makeConfig, makeGarment, tempDir, vector } from './_harness.js';

const parse = <T>(text: string): T => JSON.parse(text) as T;
type Beats = { seq: number; detector: string; beats: { tUs: number; sampleIndex: number; t?: number }[] };
type Health = { devices: Record<string, { errors: Record<string, number> } & Record<string, unknown>>; outbox: { depth: number } };

test('results, status, faults and re-plugging, over a real broker and a real PTY', async () => {
  const testStartMs = Date.now();
  const dir = tempDir();
  const garment = makeGarment(dir, 4);
  garment.start();
  const config = makeConfig(dir, { embeddedBroker: { port: 0 } });
  const log = createMemoryLogger();
  const controller = new Controller({ config, log });
  await controller.start();
  const base = 'weargate/gw-test';
  const sub = await Subscriber.open(controller.brokerUrl, [`${base}/#`]);
  try {
    await sub.until('bridge/state online', (m) => m.some((x) => x.topic === `${base}/bridge/state` && x.text === 'online'));
    await sub.until('bridge/info', (m) => m.some((x) => x.topic === `${base}/bridge/info`));
    const info = parse<{ devices: { id: string }[]; notice: string }>(sub.on(`${base}/bridge/info`)[0].text);
    assert.equal(info.devices.map((d) => d.id), ['g1']);
    assert.match(info.notice, /not diagnoses/);
    await sub.until('status connected', (m) => m.some((x) => x.topic === `${base}/g1/status` && parse<{ connected: boolean }>(x.text).connected));

    // Beats: 20 s of simulated ECG (5 s at 4x). Compare with the simulator's ground truth.
    await sub.until('20 beats', () => sub.on(`${base}/g1/ecg/beats`).flatMap((x) => parse<Beats>(x.text).beats).length >= 20, 15_000);
    const beatMsgs = sub.on(`${base}/g1/ecg/beats`).map((x) => parse<Beats>(x.text));
    assert.equal(beatMsgs.map((b) => b.seq), beatMsgs.map((_, i) => i), 'seq counts 0,1,2,...');
    const device = config.devices[0];
    assert.is(beatMsgs[0].detector, 'ecg' in device ? device.ecg.detector : undefined);
    // Every published beat is a true R peak on the device clock (within 50 ms), and few are missed.
    const detectedUs = beatMsgs.flatMap((b) => b.beats.map((x) => x.tUs));
    const truthUs = garment.truthBeatTimesUs().filter((t) => t >= detectedUs[0] - 50_000 && t <= detectedUs.at(-1)! + 50_000);
    const matched = detectedUs.filter((t) => truthUs.some((u) => Math.abs(u - t) <= 50_000));
    const unmatched = detectedUs.filter((t) => !truthUs.some((u) => Math.abs(u - t) <= 50_000));
    assert.is(matched.length, detectedUs.length, `false beats at ${unmatched.map((t) => `${t} (nearest truth ${Math.min(...truthUs.map((u) => Math.abs(u - t)))} us)`).join(", ")}`);
    assert.ok(matched.length >= truthUs.length - 1, `missed ${truthUs.length - matched.length} of ${truthUs.length}`);
    // Each beat also carries gateway time (the device clock mapped per device), in order. This garment
    // runs 4x faster than real time, so only presence and order are checked here; the mapping's
    // accuracy is tests/streaming/clock-sync.test.ts's.
    const gatewayMs = beatMsgs.flatMap((b) => b.beats.map((x) => x.t ?? Number.NaN));
    assert.ok(gatewayMs.every((t) => t >= testStartMs - 60_000), `beat gateway times ${gatewayMs.slice(0, 5).join(', ')}…`);
    assert.ok(gatewayMs.every((t, i) => i === 0 || t >= gatewayMs[i - 1]), 'gateway times in order');

    await sub.until('hr', (m) => m.some((x) => x.topic === `${base}/g1/ecg/hr` && parse<{ hrBpm: number | null }>(x.text).hrBpm !== null), 10_000);
    const hr = parse<{ hrBpm: number; detector: string; sdnnMs: number | null }>(
      sub.on(`${base}/g1/ecg/hr`).filter((x) => parse<{ hrBpm: number | null }>(x.text).hrBpm !== null).at(-1)!.text,
    );
    assert.ok(Math.abs(hr.hrBpm - 72) < 8, `hrBpm ${hr.hrBpm}`);
    const hrMsg = parse<{ quality: { sqi: number; quality: string }; windowS: number }>(sub.on(`${base}/g1/ecg/hr`).at(-1)!.text);
    assert.is(hrMsg.quality.quality, 'good', JSON.stringify(hrMsg.quality));
    assert.ok(hrMsg.quality.sqi > 0.5);

    // Faults on the wire: garbage, every invalid vector, then good frames again. Counted, not fatal.
    const before = controller.devices.get('g1')!.stats();
    garment.injectBytes(Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff));
    for (const name of invalidVectorNames()) garment.injectBytes(vector(name));
    await waitFor('fault counters', () => {
      const s = controller.devices.get('g1')!.stats();
      return s.errors.crc > before.errors.crc && s.errors.version > before.errors.version && s.errors.field > before.errors.field;
    });
    const framesAfterFaults = controller.devices.get('g1')!.stats().framesOk;
    await waitFor('frames keep flowing', () => controller.devices.get('g1')!.stats().framesOk > framesAfterFaults + 20);
    await sub.until('health shows the faults', (m) =>
      m.some((x) => x.topic === `${base}/bridge/health` && Number(parse<Health>(x.text).devices.g1?.errors.crc) > 0),
    );

    // Electrodes off: status says so at once; the next quality window is 'unusable' and ecg/hr says why.
    garment.setLeadOff(1);
    await sub.until('status lead-off', (m) =>
      m.some((x) => x.topic === `${base}/g1/status` && parse<{ leadOff?: boolean }>(x.text).leadOff === true),
    );
    type Hr = { leadOff: boolean; quality: { quality: string; reasons: string } };
    await sub.until(
      'hr says unusable because of lead-off',
      () => sub.on(`${base}/g1/ecg/hr`).some((x) => parse<Hr>(x.text).leadOff && parse<Hr>(x.text).quality.quality === 'unusable'),
      15_000,
    );
    garment.setLeadOff(0);

    // Status reports the declared rate beside what arrives: this garment runs 4x real time.
    type RateStatus = { sampleRateHz?: { nominal: number; measured: number }; framesLost?: number };
    await sub.until('status with the measured rate', (m) => m.some((x) => x.topic === `${base}/g1/status` && parse<RateStatus>(x.text).sampleRateHz !== undefined), 15_000);
    const rate = parse<RateStatus>(sub.on(`${base}/g1/status`).filter((x) => parse<RateStatus>(x.text).sampleRateHz).at(-1)!.text);
    assert.is(rate.sampleRateHz!.nominal, 250);
    assert.ok(rate.sampleRateHz!.measured > 500 && rate.sampleRateHz!.measured < 1100, `measured ${rate.sampleRateHz!.measured} Hz at 4x`);
    assert.is(typeof rate.framesLost, 'number');

    // Unplug: status goes connected:false; plug back: the gateway reconnects by itself.
    garment.unplug();
    await sub.until('status disconnected', (m) =>
      m.some((x) => x.topic === `${base}/g1/status` && parse<{ connected: boolean }>(x.text).connected === false),
    );
    garment.plug();
    const statusCount = sub.on(`${base}/g1/status`).length;
    await sub.until('status reconnected', () =>
      sub.on(`${base}/g1/status`).slice(statusCount).some((x) => parse<{ connected: boolean }>(x.text).connected),
    );
    const stats = controller.devices.get('g1')!.stats();
    assert.ok(stats.reconnects >= 1, `reconnects ${stats.reconnects}`);
    const beatsBefore = sub.on(`${base}/g1/ecg/beats`).length;
    await sub.until('beats after re-plug', () => sub.on(`${base}/g1/ecg/beats`).length > beatsBefore + 1, 10_000);
    await waitFor('frames lost while unplugged are counted', () => controller.devices.get('g1')!.stats().framesLost > 0);
  } finally {
    await sub.close();
    await controller.stop();
    garment.stop();
  }
});

test.run();
