// Per ECG device: the live ECG pipeline (src/streaming/ecg/pipeline.ts: R-peaks, quality, HR/HRV,
// the rules) on the device's `ecg` blocks; this extension keeps the timers, the sequence numbers
// and the mapping from results to topics: beats batched to `<device>/ecg/beats`, HR/HRV and signal
// quality to `<device>/ecg/hr`. Blocks the pipeline refuses are counted per device (`bridge/health`
// `rejected`), logged once a minute; a device that sends nothing makes the quality say so.
import { RateLimitedLog } from '../../common/rate-limited-log.js';
import { modelDetectorLoaders } from '../../models/detectors.js';
import type { DetectorFactory, DetectorName } from '../../streaming/ecg/detector.js';
import { EcgPipeline } from '../../streaming/ecg/pipeline.js';
import { loadDetectorFactory } from '../../streaming/ecg/registry.js';
import type { SequenceCounter } from '../../mqtt/sequence.js';
import type { Extension, ExtensionContext } from '../context.js';

export interface EcgExtensionOptions {
  /** Monotonic milliseconds: how long a device has sent no samples is measured on it. */
  nowMs?: () => number;
}

interface DeviceEcg {
  pipeline: EcgPipeline;
  beatsSeq: SequenceCounter;
  hrSeq: SequenceCounter;
}

export function ecgExtension(ctx: ExtensionContext, options: EcgExtensionOptions = {}): Extension {
  const nowMs = options.nowMs ?? (() => performance.now());
  const devices = new Map<string, DeviceEcg>();
  const timers: NodeJS.Timeout[] = [];
  const offs: Array<() => void> = [];
  const log = ctx.log.child('ecg');
  const warnings = new RateLimitedLog(log, { nowMs });

  /** The next seq, or undefined (logged) when no durable reservation can be made: the results wait. */
  const nextSeq = (id: string, counter: SequenceCounter): number | undefined => {
    try {
      return counter.next();
    } catch (err) {
      warnings.warn(`${id}/seq`, `${id}: no durable seq for ${counter.key} (${(err as Error).message}); results wait for the next try`);
      return undefined;
    }
  };

  const publishBeats = (id: string, d: DeviceEcg): void => {
    const payload = d.pipeline.beats();
    if (!payload) return;
    const seq = nextSeq(id, d.beatsSeq);
    if (seq === undefined) return;
    ctx.publisher.publish(ctx.topics.ecgBeats(id), { seq, t: Date.now(), ...payload });
    d.pipeline.commitBeats();
    ctx.bus.emit('ecg:beats', { deviceId: id, count: payload.beats.length });
  };

  const publishHr = (id: string, d: DeviceEcg): void => {
    const result = d.pipeline.hr(nowMs());
    if (!result) return;
    // The status is the signal now, not over the window: with no samples arriving there is none.
    if (result.silentNow) ctx.status.update(id, { signalQuality: 0 });
    const seq = nextSeq(id, d.hrSeq);
    if (seq === undefined) return;
    if (result.payload.hrBpm === null) ctx.bus.emit('ecg:hr', { deviceId: id, hrBpm: null });
    ctx.publisher.publish(ctx.topics.ecgHr(id), { seq, t: Date.now(), ...result.payload });
    d.pipeline.commitHr();
  };

  /**
   * The device's detector: a model-backed one loads its model first (shared by every device naming
   * it); when that fails the device runs its classic fallback detector, loudly, rather than no ECG.
   */
  const detectorFor = async (id: string, detector: DetectorName, fallback: DetectorName): Promise<{ name: DetectorName; factory: DetectorFactory }> => {
    try {
      return { name: detector, factory: await loadDetectorFactory(detector, modelDetectorLoaders(ctx.models)) };
    } catch (err) {
      log.error(`${id}: R-peak detector '${detector}' cannot start (${(err as Error).message}); running '${fallback}' instead`);
      return { name: fallback, factory: await loadDetectorFactory(fallback) };
    }
  };

  return {
    name: 'ecg',
    async start() {
      // By stream, not by kind: every device whose kind produces ECG has `ecg` settings.
      for (const device of ctx.config.devices) {
        if (!device.enabled || !('ecg' in device)) continue;
        const { channel, maxGapFillS, hrvWindowS } = device.ecg;
        const { name: detector, factory } = await detectorFor(device.id, device.ecg.detector, device.ecg.fallbackDetector);
        const silenceGraceMs = Math.min(1000, (device.silenceTimeoutS * 1000) / 2);
        const d: DeviceEcg = {
          pipeline: new EcgPipeline({ detector, createDetector: factory, channel, maxGapFillS, hrvWindowS, silenceGraceMs }),
          beatsSeq: ctx.sequence(`${device.id}/ecg/beats`),
          hrSeq: ctx.sequence(`${device.id}/ecg/hr`),
        };
        devices.set(device.id, d);
        const beatsTimer = setInterval(() => publishBeats(device.id, d), device.ecg.beatsPublishIntervalS * 1000);
        beatsTimer.unref();
        const hrTimer = setInterval(() => publishHr(device.id, d), device.ecg.hrPublishIntervalS * 1000);
        hrTimer.unref();
        timers.push(beatsTimer, hrTimer);
      }
      offs.push(
        ctx.bus.on('device:status', ({ deviceId, status }) => {
          if (!devices.has(deviceId)) return;
          // No link, no signal: the status must not keep the last window's quality.
          if (!status.connected && ctx.status.get(deviceId)?.signalQuality !== undefined) ctx.status.update(deviceId, { signalQuality: 0 });
        }),
        ctx.bus.on('device:block', ({ deviceId, block }) => {
          const d = devices.get(deviceId);
          if (!d || block.stream !== 'ecg') return;
          for (const event of d.pipeline.push(block, nowMs())) {
            if (event.kind === 'rejected') {
              ctx.status.countRejected(deviceId, event.code);
              warnings.warn(`${deviceId}/${event.code}`, `${deviceId}: block rejected (${event.code}): ${event.message}`);
            } else if (event.kind === 'signal-quality') ctx.status.update(deviceId, { signalQuality: event.sqi });
            else ctx.bus.emit('ecg:hr', { deviceId, hrBpm: event.hrBpm });
          }
        }),
      );
    },
    stop() {
      for (const t of timers) clearInterval(t);
      for (const off of offs) off();
      for (const [id, d] of devices) publishBeats(id, d);
      warnings.flush();
    },
  };
}
