// The ECG extension over a fake context (no broker, no PTY): a fake clock for "how long nothing
// arrived", blocks pushed on the bus, publishes captured. What reaches ecg/hr and status when the
// device goes silent and comes back, and what happens to blocks the detector cannot take.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../../src/common/events.js';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import type { ExtensionContext, GatewayEvents } from '../../src/gateway/context.js';
import { ecgExtension } from '../../src/gateway/extensions/ecg.js';
import { StatusBoard } from '../../src/gateway/status-board.js';
import { ModelHost } from '../../src/models/host.js';
import { topics as buildTopics, type ApiTopic, type DeviceStatus, type EcgBeats, type EcgHr, type TopicRef } from '../../src/mqtt/api.js';
import type { MqttPublisher } from '../../src/mqtt/publisher.js';
import { SequenceCounter } from '../../src/mqtt/sequence.js';
import type { SequenceReserver } from '../../src/mqtt/sequence-file.js';
import type { SampleBlock } from '../../src/streaming/types.js';
import { syntheticSource } from '../../hardware/signals/source.js';
import { waitFor } from '../_support/env.js';

interface Published {
  key: ApiTopic;
  payload: unknown;
}

class CountingSequence {
  private n = 0;
  next(): number {
    return this.n++;
  }
}

function rig(
  ecg: Record<string, unknown> = {},
  sequence: (key: string) => SequenceCounter = () => new CountingSequence() as unknown as SequenceCounter,
  models = new ModelHost(),
) {
  const config = validateConfig({
    version: 1,
    gatewayId: 'gw',
    dataDir: '/nonexistent',
    devices: [
      {
        id: 'g1',
        kind: 'garment',
        transport: { type: 'serial', path: '/dev/null' },
        silenceTimeoutS: 1,
        ecg: { hrPublishIntervalS: 0.5, beatsPublishIntervalS: 0.5, ...ecg },
      },
    ],
  });
  const published: Published[] = [];
  const publisher = {
    publish: (ref: TopicRef<ApiTopic>, payload: unknown) => published.push({ key: ref.key, payload }),
  } as unknown as MqttPublisher;
  const topics = buildTopics('weargate', 'gw');
  const log = createMemoryLogger();
  const clock = { nowMs: 0 };
  const ctx: ExtensionContext = {
    config,
    version: 'test',
    startedAt: new Date(),
    log,
    bus: new EventBus<GatewayEvents>(log),
    publisher,
    topics,
    sequence,
    status: new StatusBoard(publisher, topics),
    devices: new Map(),
    models,
  };
  const extension = ecgExtension(ctx, { nowMs: () => clock.nowMs });
  const hr = (): EcgHr[] => published.filter((p) => p.key === '<deviceId>/ecg/hr').map((p) => p.payload as EcgHr);
  const status = (): DeviceStatus[] => published.filter((p) => p.key === '<deviceId>/status').map((p) => p.payload as DeviceStatus);
  /** Waits for the next ecg/hr publish (the extension's own 0.5 s timer) and returns it. */
  const nextHr = async (): Promise<EcgHr> => {
    const before = hr().length;
    await waitFor('the next ecg/hr', () => hr().length > before, 3_000);
    return hr().at(-1)!;
  };
  const beats = (): EcgBeats[] => published.filter((p) => p.key === '<deviceId>/ecg/beats').map((p) => p.payload as EcgBeats);
  return { ctx, extension, clock, log, hr, status, nextHr, beats };
}

/** A 250 Hz (or `rateHz`) garment: blocks of 0.1 s; the gateway clock advances as they arrive. */
function stream(r: ReturnType<typeof rig>, rateHz = 250, channels = 1) {
  const source = syntheticSource({ sampleRateHz: rateHz, heartRateBpm: 72, noiseMicrovolts: 10, seed: 5 });
  const perBlock = rateHz / 10;
  let index = 0;
  return {
    /** Sends `seconds` of ECG, one block per 100 ms of gateway time. */
    send(seconds: number): void {
      for (let b = 0; b < seconds * 10; b++) {
        const samples = source.next(perBlock);
        const block: SampleBlock = {
          deviceId: 'g1',
          stream: 'ecg',
          sampleRateHz: rateHz,
          channels: Array.from({ length: channels }, (_v, c) => `ECG${c}`),
          t0Us: Math.round((index * 1e6) / rateHz),
          firstSampleIndex: index,
          values: Array.from({ length: channels }, () => samples),
        };
        index += perBlock;
        r.clock.nowMs += 100;
        r.ctx.bus.emit('device:block', { deviceId: 'g1', block });
      }
    },
    /** The device keeps sampling but nothing reaches the gateway for `seconds`. */
    silence(seconds: number): void {
      source.next(seconds * rateHz);
      index += seconds * rateHz;
      r.clock.nowMs += seconds * 1000;
    },
  };
}

test('silence: ecg/hr says how much of the window had no samples, status goes to 0, both recover', async () => {
  const r = rig();
  await r.extension.start();
  const garment = stream(r);
  try {
    garment.send(14); // a quality window needs 10 s plus the detector latency (2.7 s)
    const good = await r.nextHr();
    assert.is(good.quality.quality, 'good', JSON.stringify(good.quality));
    assert.is(good.quality.missingFraction, 0);
    assert.ok(r.status().at(-1)!.signalQuality! > 0.7);

    garment.silence(3);
    const partial = await r.nextHr();
    assert.is(partial.hrBpm, null);
    assert.is(partial.quality.quality, 'poor', JSON.stringify(partial.quality));
    assert.ok(Math.abs(Number(partial.quality.missingFraction) - 0.3) < 0.01, String(partial.quality.missingFraction));
    assert.ok(partial.quality.sqi < good.quality.sqi * 0.71);
    assert.match(String(partial.quality.reasons), /^no samples for 3\.0 s; 30\.0% samples missing/);
    assert.is(r.status().at(-1)!.signalQuality, 0, 'the status is the signal now: none');

    garment.silence(9);
    const gone = await r.nextHr();
    assert.is(gone.quality.quality, 'unusable');
    assert.is(gone.quality.sqi, 0);
    assert.is(gone.quality.missingFraction, 1);
    assert.match(String(gone.quality.reasons), /^no samples for 12\.0 s/);

    // Data again, but no new window yet: the silence (12.1 s, up to the first new block) still covers 8.1 s of the last 10.
    garment.send(2);
    const resumed = await r.nextHr();
    assert.is(resumed.quality.quality, 'unusable', JSON.stringify(resumed.quality));
    assert.ok(Math.abs(Number(resumed.quality.missingFraction) - 0.81) < 0.005, String(resumed.quality.missingFraction));
    assert.is(r.status().at(-1)!.signalQuality, 0);

    // A window assessed from the new samples replaces the estimate.
    garment.send(11);
    const back = await r.nextHr();
    assert.is(back.quality.quality, 'good', JSON.stringify(back.quality));
    assert.is(back.quality.missingFraction, 0);
    assert.ok(r.status().at(-1)!.signalQuality! > 0.7);
  } finally {
    await r.extension.stop();
  }
});

test('arrival jitter below the grace is not silence', async () => {
  const r = rig();
  await r.extension.start();
  const garment = stream(r);
  try {
    garment.send(14); // a quality window needs 10 s plus the detector latency (2.7 s)
    r.clock.nowMs += 400; // silenceTimeoutS 1: grace 0.5 s
    const hr = await r.nextHr();
    assert.is(hr.quality.quality, 'good');
    assert.is(hr.quality.missingFraction, 0);
  } finally {
    await r.extension.stop();
  }
});

test('blocks without the configured channel are counted, and logged once', async () => {
  const r = rig({ channel: 3 });
  await r.extension.start();
  try {
    stream(r).send(50); // 500 blocks
    const warnings = r.log.lines.filter((l) => l.level === 'warn');
    assert.is(warnings.length, 1, warnings.map((l) => l.text).join('\n'));
    assert.match(warnings[0].text, /g1: block rejected \(ecg-channel\): ecg\.channel 3 but the device sends 1 channel/);
    assert.equal(r.ctx.status.rejected('g1'), { 'ecg-channel': 500 });
    // A minute later the same fault is logged again, with the count in between.
    r.clock.nowMs += 60_000;
    stream(r).send(0.1);
    assert.match(r.log.lines.at(-1)!.text, /\(499 repeats suppressed since the previous line\)$/);
    assert.equal(r.hr(), []);
  } finally {
    await r.extension.stop();
  }
});

test('a rate the detector refuses is counted per block; a good rate afterwards is processed', async () => {
  const r = rig();
  await r.extension.start();
  try {
    stream(r, 2000).send(30);
    assert.equal(r.ctx.status.rejected('g1'), { 'ecg-rate': 300 });
    const warnings = r.log.lines.filter((l) => l.level === 'warn');
    assert.is(warnings.length, 1);
    assert.match(warnings[0].text, /ecg-rate.*pan-tompkins refuses 2000 Hz/);
    stream(r, 250).send(14);
    assert.equal(r.ctx.status.rejected('g1'), { 'ecg-rate': 300 });
    const hr = await r.nextHr();
    assert.is(hr.quality.quality, 'good');
  } finally {
    await r.extension.stop();
  }
});

test('no durable seq (a failing sequence file): nothing throws, beats wait, and go out once a seq can be had', async () => {
  let failures = 3;
  let next = 0;
  const store: SequenceReserver = {
    reserveSequence(_key, count) {
      if (failures > 0) {
        failures--;
        throw new Error('cannot save sequence reservation: disk I/O error');
      }
      next += count;
      return next - count;
    },
  };
  const r = rig({}, (key) => new SequenceCounter(store, key, 5));
  await r.extension.start();
  const garment = stream(r);
  try {
    garment.send(20);
    await waitFor('beats published after the store recovers', () => r.beats().length > 0, 5_000);
    const published = r.beats().flatMap((b) => b.beats.map((x) => x.sampleIndex));
    assert.ok(published.length >= 20, `${published.length} beats in ${r.beats().length} messages`);
    assert.equal(published, [...published].sort((a, b) => a - b), 'in order');
    assert.is(new Set(published).size, published.length, 'none twice');
    assert.ok(r.log.lines.some((l) => l.level === 'warn' && /no durable seq/.test(l.text)));
  } finally {
    await r.extension.stop();
  }
});

test('a model-backed detector that cannot load: the device runs its fallback detector and says so', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const empty = mkdtempSync(join(tmpdir(), 'wg-no-models-'));
  const r = rig({ detector: 'cnn', fallbackDetector: 'two-average' }, undefined, new ModelHost({ dir: empty }));
  try {
    await r.extension.start();
    assert.ok(
      r.log.lines.some((l) => l.level === 'error' && /g1: R-peak detector 'cnn' cannot start \(.*\); running 'two-average' instead/.test(l.text)),
      JSON.stringify(r.log.lines),
    );
    stream(r).send(6);
    await waitFor('beats', () => r.beats().length > 0, 5_000);
    assert.is(r.beats()[0].detector, 'two-average');
    assert.ok(r.beats()[0].beats.length >= 3);
  } finally {
    await r.extension.stop();
    rmSync(empty, { recursive: true, force: true });
  }
});

test.run();
