// Shared back end of the SWT and matched-filter detectors: turns a non-negative
// "QRS energy" feature into beats with adaptive signal/noise peak levels (Pan & Tompkins 1985
// style thresholds, search-back, T-wave guard), then refines each R on the original signal.
// Works one sample at a time so the output cannot depend on how the input was chunked.
import { RawHistory } from './raw-history.js';

export interface PeakPickerOptions {
  sampleRateHz: number;
  /** Samples by which a feature peak trails the R peak in the raw signal. */
  featureDelaySamples: number;
  /** How many samples after a missing sample the feature is disturbed (the filters' memory). */
  featureSpanSamples: number;
  /** Threshold = noise + fraction * (signal - noise); Pan-Tompkins uses 0.25. */
  thresholdFraction?: number;
  /** Half width of the raw-signal window searched for the R peak, seconds. */
  refineHalfWidthSec?: number;
  /** See RawHistory.refine (default 0: the largest deflection). */
  refineEarliestFraction?: number;
}

const refractorySec = 0.2;
// local maxima closer than this are one event (the larger wins): a tall P wave 120-200 ms before
// its R is absorbed instead of becoming a beat (rates above 240 bpm are merged too)
const mergeSec = 0.25;
const tWaveSec = 0.36;
const learningSec = 2;
const searchbackFactor = 1.66;
const rrMinSec = 0.3;
const rrMaxSec = 1.5;
const rrHistory = 8;
const learnCandidatesMax = 64;

export class AdaptivePeakPicker {
  readonly latencySamples: number;
  private readonly fs: number;
  private readonly delay: number;
  private readonly span: number;
  private readonly fraction: number;
  private readonly refineHalf: number;
  private readonly refineEarliest: number;
  private readonly refractory: number;
  private readonly merge: number;
  private readonly tWave: number;
  private readonly learnEnd: number;
  private readonly rrMin: number;
  private readonly rrMax: number;
  /** Oldest candidate (samples back) search-back may still accept: keeps the latency bound. */
  private readonly searchbackMax: number;
  private readonly history: RawHistory;
  private readonly rr = new Float64Array(rrHistory);
  private readonly learnIdx = new Float64Array(learnCandidatesMax);
  private readonly learnVal = new Float64Array(learnCandidatesMax);
  // state (reset() restores all of it)
  private n = 0;
  private prevFeature = 0;
  private rising = false;
  private candIdx = -1;
  private candVal = 0;
  private spk = 0;
  private npk = 0;
  private lastBeatIdx = -1;
  private lastBeatVal = 0;
  private lastEmitted = -1;
  private sbIdx = -1;
  private sbVal = 0;
  private nextSearchAt = 0;
  private rrCount = 0;
  private rrPos = 0;
  private rrSum = 0;
  private learnCount = 0;
  private learnMax = 0;
  private learnSum = 0;

  constructor(options: PeakPickerOptions) {
    const fs = options.sampleRateHz;
    this.fs = fs;
    this.delay = Math.max(0, Math.round(options.featureDelaySamples));
    this.span = Math.max(1, Math.round(options.featureSpanSamples));
    this.fraction = options.thresholdFraction ?? 0.25;
    this.refineHalf = Math.max(1, Math.round((options.refineHalfWidthSec ?? 0.08) * fs));
    this.refineEarliest = options.refineEarliestFraction ?? 0;
    this.refractory = Math.round(refractorySec * fs);
    this.merge = Math.round(mergeSec * fs);
    this.tWave = Math.round(tWaveSec * fs);
    this.learnEnd = Math.round(learningSec * fs);
    this.rrMin = rrMinSec * fs;
    this.rrMax = rrMaxSec * fs;
    const searchback = Math.ceil(searchbackFactor * this.rrMax);
    this.searchbackMax = searchback;
    const decision = Math.max(searchback, this.learnEnd + this.merge + 1);
    this.latencySamples = decision + this.delay + this.refineHalf;
    this.history = new RawHistory(this.latencySamples + this.span + 2 * this.refineHalf + 4);
    this.reset();
  }

  reset(): void {
    this.history.reset();
    this.rr.fill(0);
    this.n = 0;
    this.prevFeature = 0;
    this.rising = false;
    this.candIdx = -1;
    this.candVal = 0;
    this.spk = 0;
    this.npk = 0;
    this.lastBeatIdx = -1;
    this.lastBeatVal = 0;
    this.lastEmitted = -1;
    this.sbIdx = -1;
    this.sbVal = 0;
    this.nextSearchAt = 0;
    this.rrCount = 0;
    this.rrPos = 0;
    this.rrSum = 0;
    this.learnCount = 0;
    this.learnMax = 0;
    this.learnSum = 0;
  }

  /**
   * Feeds one sample: the held (finite) raw value, whether it was missing, and the feature value
   * computed from it. Confirmed beats (absolute raw indices) are appended to `out`.
   */
  step(rawHeld: number, wasMissing: boolean, feature: number, out: number[]): void {
    const n = this.n;
    this.history.push(rawHeld, wasMissing);

    // local maxima of the feature; the largest within `merge` samples stands for the QRS
    if (feature > this.prevFeature) this.rising = true;
    else if (this.rising && feature < this.prevFeature) {
      this.rising = false;
      const peakIdx = n - 1;
      const peakVal = this.prevFeature;
      if (this.candIdx >= 0 && peakIdx - this.candIdx > this.merge) this.finalize(out);
      if (this.candIdx < 0 || peakVal > this.candVal) {
        this.candIdx = peakIdx;
        this.candVal = peakVal;
      }
    }
    this.prevFeature = feature;
    if (this.candIdx >= 0 && n - this.candIdx > this.merge) this.finalize(out);

    if (n < this.learnEnd) {
      if (feature > this.learnMax) this.learnMax = feature;
      this.learnSum += feature;
    } else if (n === this.learnEnd) {
      this.endLearning(out);
    } else if (this.lastBeatIdx >= 0 && n >= this.nextSearchAt) {
      this.searchBack(out);
    }
    this.n = n + 1;
  }

  /** Decides on the pending candidate at the end of a finite record. */
  flush(out: number[]): void {
    if (this.candIdx >= 0) this.finalize(out);
    if (this.n <= this.learnEnd && this.n > 0) this.endLearning(out);
  }

  private endLearning(out: number[]): void {
    const count = Math.max(1, Math.min(this.n, this.learnEnd));
    this.spk = 0.5 * this.learnMax;
    this.npk = this.learnSum / count;
    const stored = this.learnCount;
    this.learnCount = -1; // learning over: candidates now go straight to decide()
    for (let i = 0; i < stored; i++) this.decide(this.learnIdx[i], this.learnVal[i], out);
  }

  private finalize(out: number[]): void {
    const idx = this.candIdx;
    const val = this.candVal;
    this.candIdx = -1;
    this.candVal = 0;
    if (this.history.missingSince(idx - this.span)) return;
    if (this.learnCount >= 0) {
      if (this.learnCount < learnCandidatesMax) {
        this.learnIdx[this.learnCount] = idx;
        this.learnVal[this.learnCount] = val;
        this.learnCount++;
      }
      return;
    }
    this.decide(idx, val, out);
  }

  private decide(idx: number, val: number, out: number[]): void {
    if (this.lastBeatIdx >= 0 && idx - this.lastBeatIdx < this.refractory) return;
    const threshold = this.npk + this.fraction * (this.spk - this.npk);
    const tWave = this.lastBeatIdx >= 0 && idx - this.lastBeatIdx < this.tWave && val < 0.5 * this.lastBeatVal;
    if (val > threshold && !tWave) {
      this.accept(idx, val, 0.125, out);
      return;
    }
    this.npk = 0.125 * val + 0.875 * this.npk;
    if (!tWave && val > this.sbVal) {
      this.sbVal = val;
      this.sbIdx = idx;
    }
  }

  private searchBack(out: number[]): void {
    const threshold = this.npk + this.fraction * (this.spk - this.npk);
    const bestSinceBeat = this.sbVal;
    if (this.sbIdx >= 0 && this.n - this.sbIdx > this.searchbackMax) {
      this.sbIdx = -1;
      this.sbVal = 0;
    }
    if (this.sbIdx >= 0 && this.sbVal > 0.5 * threshold) {
      this.accept(this.sbIdx, this.sbVal, 0.25, out);
      return;
    }
    // Nothing plausible: the signal level may have dropped (or a spike inflated both levels);
    // relax, and never keep the levels far above the largest candidate of a whole interval.
    this.spk = 0.5 * (this.spk + this.npk);
    if (bestSinceBeat > 0) {
      this.spk = Math.min(this.spk, 8 * bestSinceBeat);
      this.npk = Math.min(this.npk, 0.5 * bestSinceBeat);
    }
    this.nextSearchAt = this.n + Math.round(this.searchbackLimit() / 2);
  }

  private searchbackLimit(): number {
    const rrAvg = this.rrCount > 0 ? this.rrSum / this.rrCount : 0.8 * this.fs;
    return Math.ceil(searchbackFactor * rrAvg);
  }

  private accept(idx: number, val: number, weight: number, out: number[]): void {
    if (this.lastBeatIdx >= 0) {
      const rrSamples = Math.min(this.rrMax, Math.max(this.rrMin, idx - this.lastBeatIdx));
      if (this.rrCount === rrHistory) this.rrSum -= this.rr[this.rrPos];
      else this.rrCount++;
      this.rr[this.rrPos] = rrSamples;
      this.rrSum += rrSamples;
      this.rrPos = (this.rrPos + 1) % rrHistory;
    }
    this.spk = weight * val + (1 - weight) * this.spk;
    this.lastBeatIdx = idx;
    this.lastBeatVal = val;
    this.sbIdx = -1;
    this.sbVal = 0;
    this.nextSearchAt = idx + this.searchbackLimit();
    const r = this.history.refine(idx - this.delay, this.refineHalf, this.refineEarliest);
    if (r > this.lastEmitted) {
      out.push(r);
      this.lastEmitted = r;
    }
  }
}
