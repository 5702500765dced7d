// Per ECG device: R-peak detection on the live stream, beats batched to `<device>/ecg/beats`,
// HR/HRV and signal quality to `<device>/ecg/hr`. The domain work lives in src/streaming/ecg.
// Blocks the detector cannot take are counted per device (`bridge/health` `rejected`), logged
// once a minute; a device that sends nothing makes the quality say so, not the last good window.
import { RateLimitedLog } from '../../common/rate-limited-log.js';
import type { DeviceConfig } from '../config/schema.js';
import { BeatStream, type StreamBeat, type StreamQuality } from '../../streaming/ecg/beat-stream.js';
import type { EcgQuality } from '../../mqtt/api.js';
import { HrvMonitor, type HeartRateUpdate } from '../../streaming/ecg/hrv.js';
import { createDetector } from '../../streaming/ecg/registry.js';
import { silentMsInWindow, withSilence, type Silence } from '../../streaming/ecg/silence.js';
import type { SampleBlock } from '../../streaming/types.js';
import type { SequenceCounter } from '../../mqtt/sequence.js';
import type { Extension, ExtensionContext } from '../context.js';

// Beats kept while no seq can be had (a failing sequence file): about an hour at 180 bpm.
const maxPendingBeats = 10_000;

export interface EcgExtensionOptions {
  /** Monotonic milliseconds: how long a device has sent no samples is measured on it. */
  nowMs?: () => number;
}

/** Why blocks of one layout are refused, decided once per change of rate or channel count. */
interface FormatVerdict {
  key: string;
  /** Short code counted on `bridge/health` (`ecg-channel`, `ecg-rate`); undefined when accepted. */
  code: string | undefined;
  message: string;
}

interface DevicePipeline {
  /** Only devices whose kind has `ecg` settings get a pipeline. */
  config: Extract<DeviceConfig, { ecg: unknown }>;
  beats: BeatStream;
  /** Beats waiting for the next message, with their gateway time when the clock mapping has one. */
  pendingBeats: Array<StreamBeat & { t?: number }>;
  sampleRateHz: number;
  hrv: HrvMonitor | undefined;
  /** HR updates since the last `ecg/hr` message. */
  pendingRr: HeartRateUpdate[];
  leadOff: boolean;
  /** The latest completed quality window. */
  quality: StreamQuality | undefined;
  beatsSeq: SequenceCounter;
  hrSeq: SequenceCounter;
  format: FormatVerdict | undefined;
  /** Gateway time the latest samples arrived, ms. */
  lastSamplesMs: number | undefined;
  /** A silence that ended after the latest quality window: it still covers part of the current one. */
  pastSilence: Silence | undefined;
  /** Arrival gaps shorter than this are jitter, not silence. */
  silenceGraceMs: number;
}

export function ecgExtension(ctx: ExtensionContext, options: EcgExtensionOptions = {}): Extension {
  const nowMs = options.nowMs ?? (() => performance.now());
  const pipelines = new Map<string, DevicePipeline>();
  const timers: NodeJS.Timeout[] = [];
  const offs: Array<() => void> = [];
  const log = ctx.log.child('ecg');
  const rejections = new RateLimitedLog(log, { nowMs });

  const reject = (id: string, code: string, message: string): void => {
    ctx.status.countRejected(id, code);
    rejections.warn(`${id}/${code}`, `${id}: block rejected (${code}): ${message}`);
  };

  /** The silence to report at `now`: ongoing (no samples for longer than the grace), or a recent one. */
  const silenceAt = (p: DevicePipeline, now: number): Silence | undefined => {
    if (p.lastSamplesMs !== undefined && now - p.lastSamplesMs > p.silenceGraceMs) return { startMs: p.lastSamplesMs, endMs: now };
    return p.pastSilence;
  };

  /** The next seq, or undefined (logged) when no durable reservation can be made: the results wait. */
  const nextSeq = (id: string, counter: SequenceCounter): number | undefined => {
    try {
      return counter.next();
    } catch (err) {
      rejections.warn(`${id}/seq`, `${id}: no durable seq for ${counter.key} (${(err as Error).message}); results wait for the next try`);
      return undefined;
    }
  };

  const flushBeats = (id: string, p: DevicePipeline): void => {
    if (p.pendingBeats.length === 0) return;
    const seq = nextSeq(id, p.beatsSeq);
    if (seq === undefined) {
      if (p.pendingBeats.length > maxPendingBeats) p.pendingBeats.splice(0, p.pendingBeats.length - maxPendingBeats);
      return;
    }
    const beats = p.pendingBeats;
    p.pendingBeats = [];
    ctx.publisher.publish(ctx.topics.ecgBeats(id), {
      seq,
      t: Date.now(),
      detector: p.beats.detectorName,
      sampleRateHz: p.sampleRateHz,
      beats: beats.map((b) => ({ tUs: b.tUs, sampleIndex: b.sampleIndex, ...(b.t !== undefined && { t: b.t }) })),
    });
    ctx.bus.emit('ecg:beats', { deviceId: id, count: beats.length });
  };

  const publishHr = (id: string, p: DevicePipeline): void => {
    // Nothing to say before the first quality window: HR without its quality would be misleading.
    if (!p.hrv || !p.quality) return;
    const now = nowMs();
    const silence = silenceAt(p, now);
    let quality = p.quality;
    if (silence) {
      const windowMs = (1000 * quality.windowSamples) / p.sampleRateHz;
      const silentS = silentMsInWindow(silence, now, windowMs) / 1000;
      quality = withSilence(quality, silentS, windowMs / 1000, (silence.endMs - silence.startMs) / 1000);
      // The status is the signal now, not over the window: with no samples arriving there is none.
      if (silence.endMs === now) ctx.status.update(id, { signalQuality: 0 });
    }
    const seq = nextSeq(id, p.hrSeq);
    if (seq === undefined) return;
    const updates = p.pendingRr;
    p.pendingRr = [];
    const summary = p.hrv.summaries()[0];
    const last = updates.at(-1);
    const hrBpm = last?.smoothedHrBpm ?? null;
    if (hrBpm === null) ctx.bus.emit('ecg:hr', { deviceId: id, hrBpm: null });
    ctx.publisher.publish(ctx.topics.ecgHr(id), {
      seq,
      t: Date.now(),
      detector: p.beats.detectorName,
      hrBpm: hrBpm === null ? null : Math.round(hrBpm * 10) / 10,
      rrMs: updates.filter((u) => u.interval.rejected === undefined).map((u) => Math.round(u.interval.rrMs)),
      sdnnMs: round1(summary.sdnnMs),
      rmssdMs: round1(summary.rmssdMs),
      pnn50: summary.pnn50 === null ? null : Math.round(summary.pnn50 * 1000) / 1000,
      windowS: summary.windowMs / 1000,
      beatsRejected: updates.filter((u) => u.interval.rejected !== undefined).length,
      quality: qualityPayload(quality, p.sampleRateHz),
      leadOff: p.leadOff,
    });
  };

  return {
    name: 'ecg',
    start() {
      // By stream, not by kind: every device whose kind produces ECG has `ecg` settings.
      for (const device of ctx.config.devices) {
        if (!device.enabled || !('ecg' in device)) continue;
        const p: DevicePipeline = {
          config: device,
          beats: new BeatStream({ detector: device.ecg.detector, channel: device.ecg.channel, maxGapFillS: device.ecg.maxGapFillS }),
          pendingBeats: [],
          sampleRateHz: 0,
          hrv: undefined,
          pendingRr: [],
          leadOff: false,
          quality: undefined,
          beatsSeq: ctx.sequence(`${device.id}/ecg/beats`),
          hrSeq: ctx.sequence(`${device.id}/ecg/hr`),
          format: undefined,
          lastSamplesMs: undefined,
          pastSilence: undefined,
          silenceGraceMs: Math.min(1000, (device.silenceTimeoutS * 1000) / 2),
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
          if (!p) return;
          // No link, no signal: the status must not keep the last window's quality.
          if (!status.connected && ctx.status.get(deviceId)?.signalQuality !== undefined) ctx.status.update(deviceId, { signalQuality: 0 });
        }),
        ctx.bus.on('device:block', ({ deviceId, block }) => {
          const p = pipelines.get(deviceId);
          if (!p || block.stream !== 'ecg') return;
          // Lead-off travels with the samples it concerns.
          if (block.status?.leadOff !== undefined) p.leadOff = block.status.leadOff;
          const verdict = checkFormat(p, block);
          if (verdict.code !== undefined) return reject(deviceId, verdict.code, verdict.message);
          if (block.values[p.config.ecg.channel].length > 0) {
            const now = nowMs();
            if (p.lastSamplesMs !== undefined && now - p.lastSamplesMs > p.silenceGraceMs) {
              p.pastSilence = { startMs: p.lastSamplesMs, endMs: now };
            }
            p.lastSamplesMs = now;
          }
          if (block.sampleRateHz !== p.sampleRateHz || !p.hrv) {
            p.sampleRateHz = block.sampleRateHz;
            p.hrv = new HrvMonitor(block.sampleRateHz, { windowsMs: [p.config.ecg.hrvWindowS * 1000] });
          }
          try {
            const { beats, quality } = p.beats.push(block, p.leadOff);
            // Gateway time of each beat from this block's clock mapping (drift over a detector latency is sub-ms).
            const anchorMs = block.gatewayT0Ms;
            for (const b of beats) {
              p.pendingBeats.push(anchorMs === undefined ? b : { ...b, t: Math.round(anchorMs + (b.tUs - block.t0Us) / 1000) });
            }
            const latest = quality.at(-1);
            if (latest) {
              // A window assessed from samples supersedes the silence estimate.
              p.quality = latest;
              p.pastSilence = undefined;
              ctx.status.update(deviceId, { signalQuality: Math.round(latest.sqi * 100) / 100 });
            }
            if (beats.length > 0) {
              const updates = p.hrv.push(beats.map((b) => b.sampleIndex));
              p.pendingRr.push(...updates);
              // Live HR for local consumers (the status line) as soon as there is one, between publishes.
              const hrBpm = updates.at(-1)?.smoothedHrBpm;
              if (hrBpm != null) ctx.bus.emit('ecg:hr', { deviceId, hrBpm });
            }
            // Bounded: a consumer-less gateway must not grow this list between publishes.
            if (p.pendingRr.length > 1000) p.pendingRr.splice(0, p.pendingRr.length - 1000);
          } catch (err) {
            reject(deviceId, 'ecg-error', (err as Error).message);
          }
        }),
      );
    },
    stop() {
      for (const t of timers) clearInterval(t);
      for (const off of offs) off();
      for (const [id, p] of pipelines) flushBeats(id, p);
      rejections.flush();
    },
  };
}

/** Whether the detector can take blocks of this layout; decided once per change, then looked up. */
function checkFormat(p: DevicePipeline, block: SampleBlock): FormatVerdict {
  const key = `${block.sampleRateHz}/${block.values.length}`;
  if (p.format?.key === key) return p.format;
  const { channel, detector } = p.config.ecg;
  let verdict: FormatVerdict = { key, code: undefined, message: '' };
  if (channel >= block.values.length) {
    verdict = { key, code: 'ecg-channel', message: `ecg.channel ${channel} but the device sends ${block.values.length} channel(s) (${block.channels.join(', ')})` };
  } else {
    try {
      createDetector(detector, block.sampleRateHz);
    } catch (err) {
      verdict = { key, code: 'ecg-rate', message: `detector ${detector} refuses ${block.sampleRateHz} Hz: ${(err as Error).message}` };
    }
  }
  p.format = verdict;
  return verdict;
}

function round1(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

function qualityPayload(q: StreamQuality, sampleRateHz: number): EcgQuality {
  const out: EcgQuality = {
    sqi: Math.round(q.sqi * 1000) / 1000,
    quality: q.quality,
    windowS: q.windowSamples / sampleRateHz,
    missingFraction: Math.round(q.missingFraction * 1000) / 1000,
    clippedFraction: Math.round(q.clippedFraction * 1000) / 1000,
    flatline: q.flatline ? 1 : 0,
    reasons: q.reasons.join('; '),
  };
  // Absent rather than a sentinel when the window had too little signal to compute them.
  if (q.kurtosis !== null) out.kurtosis = Math.round(q.kurtosis * 100) / 100;
  if (q.templateCorrelation !== null) out.templateCorrelation = Math.round(q.templateCorrelation * 1000) / 1000;
  return out;
}
