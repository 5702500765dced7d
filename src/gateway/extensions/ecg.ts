// Per ECG device: R-peak detection on the live stream, beats batched to `<device>/ecg/beats`,
// HR/HRV and signal quality to `<device>/ecg/hr`. The domain work lives in src/streaming/ecg.
import type { DeviceConfig } from '../config/schema.js';
import { BeatStream, type StreamBeat } from '../../streaming/ecg/beat-stream.js';
import { HrvMonitor, type HeartRateUpdate } from '../../streaming/ecg/hrv.js';
import type { Extension, ExtensionContext } from '../context.js';

interface DevicePipeline {
  config: DeviceConfig;
  beats: BeatStream;
  pendingBeats: StreamBeat[];
  sampleRateHz: number;
  hrv: HrvMonitor | undefined;
  /** HR updates since the last `ecg/hr` message. */
  pendingRr: HeartRateUpdate[];
  leadOff: boolean;
  beatsSeq: number;
  hrSeq: number;
}

export function ecgExtension(ctx: ExtensionContext): Extension {
  const pipelines = new Map<string, DevicePipeline>();
  const timers: NodeJS.Timeout[] = [];
  const offs: Array<() => void> = [];
  const log = ctx.log.child('ecg');

  const flushBeats = (id: string, p: DevicePipeline): void => {
    if (p.pendingBeats.length === 0) return;
    const beats = p.pendingBeats;
    p.pendingBeats = [];
    ctx.publisher.publish(ctx.topics.ecgBeats(id), {
      seq: p.beatsSeq++,
      t: Date.now(),
      detector: p.beats.detectorName,
      sampleRateHz: p.sampleRateHz,
      beats: beats.map((b) => ({ tUs: b.tUs, sampleIndex: b.sampleIndex })),
    });
    ctx.bus.emit('ecg:beats', { deviceId: id, count: beats.length });
  };

  const publishHr = (id: string, p: DevicePipeline): void => {
    if (!p.hrv) return;
    const updates = p.pendingRr;
    p.pendingRr = [];
    const summary = p.hrv.summaries()[0];
    const last = updates.at(-1);
    const hrBpm = last?.smoothedHrBpm ?? null;
    ctx.publisher.publish(ctx.topics.ecgHr(id), {
      seq: p.hrSeq++,
      t: Date.now(),
      detector: p.beats.detectorName,
      hrBpm: hrBpm === null ? null : Math.round(hrBpm * 10) / 10,
      rrMs: updates.filter((u) => u.interval.rejected === undefined).map((u) => Math.round(u.interval.rrMs)),
      sdnnMs: round1(summary.sdnnMs),
      rmssdMs: round1(summary.rmssdMs),
      pnn50: summary.pnn50 === null ? null : Math.round(summary.pnn50 * 1000) / 1000,
      windowS: summary.windowMs / 1000,
      beatsRejected: updates.filter((u) => u.interval.rejected !== undefined).length,
      quality: { sqi: 0, quality: 'unusable' },
      leadOff: p.leadOff,
    });
    ctx.bus.emit('ecg:hr', { deviceId: id, hrBpm });
  };

  return {
    name: 'ecg',
    start() {
      for (const device of ctx.config.devices) {
        if (!device.enabled) continue;
        const p: DevicePipeline = {
          config: device,
          beats: new BeatStream({ detector: device.ecg.detector, channel: device.ecg.channel, maxGapFillS: device.ecg.maxGapFillS }),
          pendingBeats: [],
          sampleRateHz: 0,
          hrv: undefined,
          pendingRr: [],
          leadOff: false,
          beatsSeq: 0,
          hrSeq: 0,
        };
        pipelines.set(device.id, p);
        const beatsTimer = setInterval(() => flushBeats(device.id, p), device.ecg.beatsPublishIntervalS * 1000);
        beatsTimer.unref();
        const hrTimer = setInterval(() => publishHr(device.id, p), device.ecg.hrPublishIntervalS * 1000);
        hrTimer.unref();
        timers.push(beatsTimer, hrTimer);
      }
      offs.push(
        ctx.bus.on('device:status', ({ deviceId, status }) => {
          const p = pipelines.get(deviceId);
          if (p && status.leadOff !== undefined) p.leadOff = status.leadOff;
        }),
        ctx.bus.on('device:block', ({ deviceId, block }) => {
          const p = pipelines.get(deviceId);
          if (!p || block.stream !== 'ecg') return;
          if (block.sampleRateHz !== p.sampleRateHz || !p.hrv) {
            p.sampleRateHz = block.sampleRateHz;
            p.hrv = new HrvMonitor(block.sampleRateHz, { windowsMs: [p.config.ecg.hrvWindowS * 1000] });
          }
          try {
            const beats = p.beats.push(block);
            p.pendingBeats.push(...beats);
            if (beats.length > 0) p.pendingRr.push(...p.hrv.push(beats.map((b) => b.sampleIndex)));
            // Bounded: a consumer-less gateway must not grow this list between publishes.
            if (p.pendingRr.length > 1000) p.pendingRr.splice(0, p.pendingRr.length - 1000);
          } catch (err) {
            log.warn(`${deviceId}: ${(err as Error).message}`);
          }
        }),
      );
    },
    stop() {
      for (const t of timers) clearInterval(t);
      for (const off of offs) off();
      for (const [id, p] of pipelines) flushBeats(id, p);
    },
  };
}

function round1(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}
