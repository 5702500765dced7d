// A garment that goes silent on an open link (the dongle stays plugged, no frames come), against
// the real controller, a real PTY and a real broker (aedes): ecg/hr and status must say so at once,
// stay steady while the gateway keeps reopening the link, and recover when the frames come back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { Controller } from '../../src/gateway/controller.js';
import type { DeviceStatus, EcgHr } from '../../src/mqtt/api.js';
import { Subscriber, type Received } from '../mqtt/_subscriber.js';
import { startAedes } from '../_support/brokers.js';
import { waitFor } from '../_support/env.js';
import { configDocument, makeGarment, tempDir } from './_harness.js';

const base = 'weargate/gw-test';
const silenceTimeoutS = 1;
const parse = <T>(m: Received): T => JSON.parse(m.text) as T;

test('silence: the first ecg/hr after the timeout says so, status goes connected:false once and stays, both recover', async () => {
  const dir = tempDir();
  const broker = await startAedes();
  // The simulator's own pacing (4x real time), but the test decides when frames reach the link.
  const garment = makeGarment(dir, 4);
  garment.plug();
  let silent = false;
  const pump = setInterval(() => {
    const bytes = garment.nextFrameBytes(); // the garment keeps sampling while silent: a gap in device time
    if (!silent) garment.injectBytes(bytes);
  }, 25);
  const doc = configDocument(dir, { url: broker.url });
  const device = (doc.devices as Record<string, unknown>[])[0];
  device.silenceTimeoutS = silenceTimeoutS;
  device.ecg = { ...(device.ecg as object), hrPublishIntervalS: 0.5 };
  const controller = new Controller({ config: validateConfig(doc), log: createMemoryLogger() });
  await controller.start();
  const sub = await Subscriber.open(broker.url, [`${base}/#`]);
  const hrAfter = (from: number) => sub.messages.slice(from).filter((m) => m.topic === `${base}/g1/ecg/hr`).map((m) => parse<EcgHr>(m));
  const statusAfter = (from: number) => sub.messages.slice(from).filter((m) => m.topic === `${base}/g1/status`).map((m) => parse<DeviceStatus>(m));
  try {
    await sub.until('good ecg/hr', () => hrAfter(0).some((h) => h.quality.quality === 'good'), 20_000);
    assert.ok(statusAfter(0).at(-1)!.connected);

    silent = true;
    const silentFrom = sub.messages.length;
    const reconnectsAtSilence = controller.devices.get('g1')!.stats().reconnects;
    await sub.until('status connected:false', () => statusAfter(silentFrom).some((s) => !s.connected), 5_000);
    const lostAt = sub.messages.findIndex((m, i) => i >= silentFrom && m.topic === `${base}/g1/status` && !parse<DeviceStatus>(m).connected);
    const lost = parse<DeviceStatus>(sub.messages[lostAt]);
    assert.is(lost.reason, `no data for ${silenceTimeoutS} s`);

    // The first ecg/hr published after the silence timeout already says so.
    await sub.until('ecg/hr after the timeout', () => hrAfter(lostAt).length > 0, 5_000);
    const first = hrAfter(lostAt)[0];
    assert.is(first.hrBpm, null);
    assert.not.equal(first.quality.quality, 'good', JSON.stringify(first.quality));
    assert.ok(Number(first.quality.missingFraction) >= 0.1, JSON.stringify(first.quality));
    assert.match(String(first.quality.reasons), /^no samples for \d+\.\d s/);

    // Steady while the reopen attempts go on (each takes a whole silence timeout): more than three of them.
    await waitFor('four reopens of the silent link', () => controller.devices.get('g1')!.stats().reconnects >= reconnectsAtSilence + 4, 15_000);
    await sub.until('ecg/hr unusable', () => hrAfter(lostAt).some((h) => h.quality.quality === 'unusable'), 15_000);
    const whileSilent = statusAfter(lostAt); // before the timeout the link was still presumed up
    assert.ok(whileSilent.every((s) => !s.connected), `status flipped while silent: ${JSON.stringify(whileSilent)}`);
    assert.equal([...new Set(whileSilent.map((s) => s.reason))], [`no data for ${silenceTimeoutS} s`]);
    assert.is(whileSilent.at(-1)!.signalQuality, 0);
    assert.ok(hrAfter(lostAt).every((h) => h.hrBpm === null && h.quality.quality !== 'good'));
    assert.is(controller.devices.get('g1')!.stats().connected, false);

    silent = false;
    const resumedFrom = sub.messages.length;
    await sub.until('status connected again', () => statusAfter(resumedFrom).some((s) => s.connected), 10_000);
    await sub.until('good ecg/hr again', () => hrAfter(resumedFrom).some((h) => h.quality.quality === 'good' && h.quality.missingFraction === 0), 20_000);
    await sub.until('status signal quality back', () => (statusAfter(resumedFrom).at(-1)?.signalQuality ?? 0) > 0.5, 5_000);
  } finally {
    clearInterval(pump);
    await sub.close();
    await controller.stop();
    garment.stop();
    await broker.stop();
  }
});

test.run();
