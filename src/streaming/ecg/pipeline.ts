// The live ECG pipeline of one device, as data: `push(block)` runs the R-peak detector, the signal
// quality windows and HR/HRV on a block and returns what happened (live HR, the latest quality, a
// refused block); `beats()` and `hr()` make the payloads of the two periodic results. The rules
// live here — which blocks are refused, the HR hold-back before the first quality window, RR
// acceptance, rounding, silence folded into quality — so the gateway extension only keeps timers,
// sequence numbers and the mapping from result to topic (src/gateway/extensions/ecg.ts).
import type { EcgBeats, EcgHr, EcgQuality } from '../../mqtt/api.js';
import type { SampleBlock } from '../types.js';
import { BeatStream, type StreamBeat, type StreamQuality } from './beat-stream.js';
import type { DetectorFactory, DetectorName } from './detector.js';
import { HrvMonitor, type HeartRateUpdate } from './hrv.js';
import { createDetector } from './registry.js';
import { silentMsInWindow, withSilence, type Silence } from './silence.js';

/** Beats kept while no message can take them (a failing sequence file): about an hour at 180 bpm. */
const MAX_PENDING_BEATS = 10_000;
/** HR updates kept between two `hr()` messages. */
const MAX_PENDING_RR = 1000;

export interface EcgPipelineOptions {
  detector: DetectorName;
  /** The detector's factory (from `loadDetectorFactory`); default: the classic detector `detector`. */
  createDetector?: DetectorFactory;
  channel: number;
  maxGapFillS: number;
  hrvWindowS: number;
  /** Arrival gaps shorter than this are jitter, not silence. */
  silenceGraceMs: number;
}

/** What one block did, for the extension to act on (status, local events, counters). */
export type EcgEvent =
  | { kind: 'rejected'; code: 'ecg-channel' | 'ecg-rate' | 'ecg-error'; message: string }
  | { kind: 'signal-quality'; sqi: number }
  | { kind: 'hr-live'; hrBpm: number };

/** The `<device>/ecg/hr` payload without `seq` and `t`, and whether no samples arrive right now. */
export interface EcgHrResult {
  payload: Omit<EcgHr, 'seq' | 't'>;
  /** No samples are arriving at this moment: the device's signal quality is 0 now. */
  silentNow: boolean;
}

interface FormatVerdict {
  key: string;
  code: 'ecg-channel' | 'ecg-rate' | undefined;
  message: string;
}

export class EcgPipeline {
  private readonly stream: BeatStream;
  private pendingBeats: Array<StreamBeat & { t?: number }> = [];
  private sampleRateHz = 0;
  private hrv: HrvMonitor | undefined;
  private pendingRr: HeartRateUpdate[] = [];
  private leadOff = false;
  private quality: StreamQuality | undefined;
  private format: FormatVerdict | undefined;
  private lastSamplesMs: number | undefined;
  /** A silence that ended after the latest quality window: it still covers part of the current one. */
  private pastSilence: Silence | undefined;

  constructor(private readonly options: EcgPipelineOptions) {
    const { detector, createDetector: factory, channel, maxGapFillS } = options;
    this.stream = new BeatStream({ detector, channel, maxGapFillS, ...(factory && { createDetector: factory }) });
  }

  get detectorName(): string {
    return this.stream.detectorName;
  }

  /** Takes one ECG block that arrived at `nowMs` (monotonic). */
  push(block: SampleBlock, nowMs: number): EcgEvent[] {
    // Lead-off travels with the samples it concerns.
    if (block.status?.leadOff !== undefined) this.leadOff = block.status.leadOff;
    const verdict = this.checkFormat(block);
    if (verdict.code !== undefined) return [{ kind: 'rejected', code: verdict.code, message: verdict.message }];
    if (block.values[this.options.channel].length > 0) {
      if (this.lastSamplesMs !== undefined && nowMs - this.lastSamplesMs > this.options.silenceGraceMs) {
        this.pastSilence = { startMs: this.lastSamplesMs, endMs: nowMs };
      }
      this.lastSamplesMs = nowMs;
    }
    if (block.sampleRateHz !== this.sampleRateHz || !this.hrv) {
      this.sampleRateHz = block.sampleRateHz;
      this.hrv = new HrvMonitor(block.sampleRateHz, { windowsMs: [this.options.hrvWindowS * 1000] });
    }
    const events: EcgEvent[] = [];
    try {
      const { beats, quality } = this.stream.push(block, this.leadOff);
      // Gateway time of each beat from this block's clock mapping (drift over a detector latency is sub-ms).
      const anchorMs = block.gatewayT0Ms;
      for (const b of beats) this.pendingBeats.push(anchorMs === undefined ? b : { ...b, t: Math.round(anchorMs + (b.tUs - block.t0Us) / 1000) });
      if (this.pendingBeats.length > MAX_PENDING_BEATS) this.pendingBeats.splice(0, this.pendingBeats.length - MAX_PENDING_BEATS);
      const latest = quality.at(-1);
      if (latest) {
        // A window assessed from samples supersedes the silence estimate.
        this.quality = latest;
        this.pastSilence = undefined;
        events.push({ kind: 'signal-quality', sqi: Math.round(latest.sqi * 100) / 100 });
      }
      if (beats.length > 0) {
        const updates = this.hrv.push(beats.map((b) => b.sampleIndex));
        this.pendingRr.push(...updates);
        // Live HR for local consumers (the status line) as soon as there is one, between messages.
        const hrBpm = updates.at(-1)?.smoothedHrBpm;
        if (hrBpm != null) events.push({ kind: 'hr-live', hrBpm });
      }
      // Bounded: a consumer-less gateway must not grow this list between messages.
      if (this.pendingRr.length > MAX_PENDING_RR) this.pendingRr.splice(0, this.pendingRr.length - MAX_PENDING_RR);
    } catch (err) {
      events.push({ kind: 'rejected', code: 'ecg-error', message: (err as Error).message });
    }
    return events;
  }

  /** The beats since the last `commitBeats()` as a payload (without `seq` and `t`), or undefined when none. */
  beats(): Omit<EcgBeats, 'seq' | 't'> | undefined {
    if (this.pendingBeats.length === 0) return undefined;
    return {
      detector: this.stream.detectorName,
      sampleRateHz: this.sampleRateHz,
      beats: this.pendingBeats.map((b) => ({ tUs: b.tUs, sampleIndex: b.sampleIndex, ...(b.t !== undefined && { t: b.t }) })),
    };
  }

  /** The beats of the last `beats()` went out. */
  commitBeats(): void {
    this.pendingBeats = [];
  }

  /**
   * HR/HRV and quality at `nowMs` (monotonic), or undefined before the first quality window (HR
   * without its quality would be misleading). Call `commitHr()` once it went out.
   */
  hr(nowMs: number): EcgHrResult | undefined {
    if (!this.hrv || !this.quality) return undefined;
    const silence = this.silenceAt(nowMs);
    let quality = this.quality;
    let silentNow = false;
    if (silence) {
      const windowMs = (1000 * quality.windowSamples) / this.sampleRateHz;
      const silentS = silentMsInWindow(silence, nowMs, windowMs) / 1000;
      quality = withSilence(quality, silentS, windowMs / 1000, (silence.endMs - silence.startMs) / 1000);
      silentNow = silence.endMs === nowMs;
    }
    const updates = this.pendingRr;
    const summary = this.hrv.summaries()[0];
    const hrBpm = updates.at(-1)?.smoothedHrBpm ?? null;
    return {
      silentNow,
      payload: {
        detector: this.stream.detectorName,
        hrBpm: hrBpm === null ? null : Math.round(hrBpm * 10) / 10,
        rrMs: updates.filter((u) => u.interval.rejected === undefined).map((u) => Math.round(u.interval.rrMs)),
        sdnnMs: round1(summary.sdnnMs),
        rmssdMs: round1(summary.rmssdMs),
        pnn50: summary.pnn50 === null ? null : Math.round(summary.pnn50 * 1000) / 1000,
        windowS: summary.windowMs / 1000,
        beatsRejected: updates.filter((u) => u.interval.rejected !== undefined).length,
        quality: qualityPayload(quality, this.sampleRateHz),
        leadOff: this.leadOff,
      },
    };
  }

  /** The RR updates of the last `hr()` went out. */
  commitHr(): void {
    this.pendingRr = [];
  }

  /** The silence to report at `now`: ongoing (no samples for longer than the grace), or a recent one. */
  private silenceAt(now: number): Silence | undefined {
    if (this.lastSamplesMs !== undefined && now - this.lastSamplesMs > this.options.silenceGraceMs) return { startMs: this.lastSamplesMs, endMs: now };
    return this.pastSilence;
  }

  /** Whether the detector can take blocks of this layout; decided once per change, then looked up. */
  private checkFormat(block: SampleBlock): FormatVerdict {
    const key = `${block.sampleRateHz}/${block.values.length}`;
    if (this.format?.key === key) return this.format;
    const { channel, detector, createDetector: factory } = this.options;
    let verdict: FormatVerdict = { key, code: undefined, message: '' };
    if (channel >= block.values.length) {
      verdict = { key, code: 'ecg-channel', message: `ecg.channel ${channel} but the device sends ${block.values.length} channel(s) (${block.channels.join(', ')})` };
    } else {
      try {
        if (factory) factory(block.sampleRateHz);
        else createDetector(detector, block.sampleRateHz);
      } catch (err) {
        verdict = { key, code: 'ecg-rate', message: `detector ${detector} refuses ${block.sampleRateHz} Hz: ${(err as Error).message}` };
      }
    }
    this.format = verdict;
    return verdict;
  }
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
