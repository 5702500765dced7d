// Streaming wrapper of ./quality.ts: cuts the ECG into consecutive windows (default 10 s) and
// assesses each once the detector has had time to report its beats (beats arrive up to the
// detector's latency after the samples). Memory: one window plus that latency.
import { assessEcgQuality, type QualityOptions, type SignalQuality } from './quality.js';

export interface QualityMonitorOptions {
  windowSec: number;
  /** How late (samples) beats may arrive after their R peak: the detector's latencySamples. */
  beatLatencySamples: number;
  quality: Partial<QualityOptions>;
}

export interface WindowQuality extends SignalQuality {
  /** Absolute sample index of the window's first sample. */
  startSampleIndex: number;
  windowSamples: number;
}

export class EcgQualityMonitor {
  readonly sampleRateHz: number;
  readonly windowSamples: number;
  private readonly delay: number;
  private readonly options: Partial<QualityOptions>;
  private readonly ring: Float32Array;
  private readonly window: Float32Array;
  private readonly beats: Float64Array;
  private beatHead = 0;
  private beatCount = 0;
  private n = 0;
  private nextStart = 0;
  /** Lead-off status per sample, parallel to `ring`. */
  private readonly leadOffRing: Uint8Array;

  constructor(sampleRateHz: number, options: Partial<QualityMonitorOptions> = {}) {
    this.sampleRateHz = sampleRateHz;
    this.windowSamples = Math.round((options.windowSec ?? 10) * sampleRateHz);
    this.delay = Math.max(0, Math.round(options.beatLatencySamples ?? 0));
    this.options = options.quality ?? {};
    this.ring = new Float32Array(this.windowSamples + this.delay + 1);
    this.leadOffRing = new Uint8Array(this.ring.length);
    this.window = new Float32Array(this.windowSamples);
    // at most one beat per 200 ms over the window and the delay
    this.beats = new Float64Array(Math.ceil(this.ring.length / (0.2 * sampleRateHz)) + 4);
  }

  /**
   * Feeds samples (NaN = missing), the beats found so far (absolute indices, ascending), and the
   * lead-off status for these samples; returns the windows completed by this call.
   */
  push(samples: Float32Array, beatSampleIndices: readonly number[] = [], leadOff = false): WindowQuality[] {
    for (const b of beatSampleIndices) this.addBeat(b);
    const out: WindowQuality[] = [];
    const size = this.ring.length;
    for (let i = 0; i < samples.length; i++) {
      this.ring[this.n % size] = samples[i];
      this.leadOffRing[this.n % size] = leadOff ? 1 : 0;
      this.n++;
      if (this.n === this.nextStart + this.windowSamples + this.delay) out.push(this.assess());
    }
    return out;
  }

  private addBeat(b: number): void {
    if (!Number.isFinite(b) || b < this.nextStart) return;
    const cap = this.beats.length;
    if (this.beatCount === cap) {
      this.beatHead = (this.beatHead + 1) % cap;
      this.beatCount--;
    }
    this.beats[(this.beatHead + this.beatCount) % cap] = b;
    this.beatCount++;
  }

  private assess(): WindowQuality {
    const start = this.nextStart;
    const end = start + this.windowSamples;
    const size = this.ring.length;
    let leadOff = false;
    for (let i = 0; i < this.windowSamples; i++) {
      this.window[i] = this.ring[(start + i) % size];
      if (this.leadOffRing[(start + i) % size] === 1) leadOff = true;
    }
    const offsets: number[] = [];
    const cap = this.beats.length;
    for (let k = 0; k < this.beatCount; k++) {
      const b = this.beats[(this.beatHead + k) % cap];
      if (b >= start && b < end) offsets.push(b - start);
    }
    // drop beats of this window: the next one starts at `end`
    while (this.beatCount > 0 && this.beats[this.beatHead] < end) {
      this.beatHead = (this.beatHead + 1) % cap;
      this.beatCount--;
    }
    this.nextStart = end;
    const q = assessEcgQuality(this.window, offsets, this.sampleRateHz, { leadOff, options: this.options });
    return { ...q, startSampleIndex: start, windowSamples: this.windowSamples };
  }

  reset(): void {
    this.ring.fill(0);
    this.leadOffRing.fill(0);
    this.beatHead = 0;
    this.beatCount = 0;
    this.n = 0;
    this.nextStart = 0;
  }
}
