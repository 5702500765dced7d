// Shared back end of the SWT, two-average and matched-filter detectors: turns a non-negative
// "QRS energy" feature into beats with adaptive signal/noise peak levels (Pan & Tompkins 1985
// style thresholds, search-back, T-wave guard), then refines each R on the original signal.
// Works one sample at a time so the output cannot depend on how the input was chunked.

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
/** Input magnitudes beyond this are clipped so squares and sums stay finite. */
export const sampleMagnitudeLimit = 1e9;

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
  private lastMissing = -1e12;

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
    this.lastMissing = -1e12;
  }

  /**
   * Feeds one sample: the held (finite) raw value, whether it was missing, and the feature value
   * computed from it. Confirmed beats (absolute raw indices) are appended to `out`.
   */
  step(rawHeld: number, wasMissing: boolean, feature: number, out: number[]): void {
    const n = this.n;
    this.history.push(rawHeld, wasMissing);
    if (wasMissing) this.lastMissing = n;

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
    if (idx - this.lastMissing <= this.span || this.history.missingWithin(idx - this.span, idx)) return;
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

/**
 * The last samples of the original signal (held values plus missing flags) in a power-of-two ring,
 * indexed by absolute sample number, to put each R on the original signal.
 */
export class RawHistory {
  private readonly raw: Float64Array;
  private readonly missing: Uint8Array;
  private readonly mask: number;
  private n = 0;

  constructor(capacitySamples: number) {
    let size = 1;
    while (size < capacitySamples) size <<= 1;
    this.raw = new Float64Array(size);
    this.missing = new Uint8Array(size);
    this.mask = size - 1;
  }

  /** Absolute index of the next sample to be pushed. */
  get count(): number {
    return this.n;
  }

  push(value: number, wasMissing: boolean): void {
    const slot = this.n & this.mask;
    this.raw[slot] = value;
    this.missing[slot] = wasMissing ? 1 : 0;
    this.n++;
  }

  missingWithin(from: number, to: number): boolean {
    const start = Math.max(from, this.n - this.mask, 0);
    const end = Math.min(to, this.n - 1);
    for (let i = start; i <= end; i++) if (this.missing[i & this.mask] === 1) return true;
    return false;
  }

  /**
   * Index of the largest deviation from the local mean within `halfWidth` of `center`, skipping
   * missing samples; -1 when the window is flat (a flat line has no R wave) or all missing.
   * With `earliestFraction` > 0, the first local extremum reaching that fraction of the largest
   * deviation wins instead (the first big deflection of a wide complex).
   */
  refine(center: number, halfWidth: number, earliestFraction = 0): number {
    const from = Math.max(0, this.n - this.mask, center - halfWidth);
    const to = Math.min(this.n - 1, center + halfWidth);
    let sum = 0;
    let count = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i <= to; i++) {
      const s = i & this.mask;
      if (this.missing[s] === 1) continue;
      const v = this.raw[s];
      sum += v;
      count++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (count === 0 || hi - lo <= 1e-6 * (Math.abs(hi) + Math.abs(lo)) + 1e-12) return -1;
    const mean = sum / count;
    let best = -1;
    let bestDev = -1;
    for (let i = from; i <= to; i++) {
      const s = i & this.mask;
      if (this.missing[s] === 1) continue;
      const dev = Math.abs(this.raw[s] - mean);
      if (dev > bestDev) {
        bestDev = dev;
        best = i;
      }
    }
    if (earliestFraction > 0) {
      for (let i = from; i < best; i++) {
        const s = i & this.mask;
        if (this.missing[s] === 1) continue;
        const dev = Math.abs(this.raw[s] - mean);
        if (dev < earliestFraction * bestDev) continue;
        const next = Math.abs(this.raw[(i + 1) & this.mask] - mean);
        if (next <= dev) return i;
      }
    }
    return best;
  }

  reset(): void {
    this.raw.fill(0);
    this.missing.fill(0);
    this.n = 0;
  }
}

/** Q, R and S waves of a generic QRS as [amplitude, centre (s), width sigma (s)]. */
const genericQrsWaves: readonly (readonly [number, number, number])[] = [
  [-0.15, -0.025, 0.008],
  [1.0, 0, 0.01],
  [-0.3, 0.025, 0.008],
];

/** A physiological QRS (three Gaussians, R = 1 at t = 0) at time `tSec`. */
export function genericQrs(tSec: number): number {
  let v = 0;
  for (const [amplitude, centre, sigma] of genericQrsWaves) v += amplitude * Math.exp(-0.5 * ((tSec - centre) / sigma) ** 2);
  return v;
}

/**
 * Samples between an R peak and the peak it causes in a feature, measured by feeding one generic
 * QRS through `featureStep` (a freshly reset chain; the caller resets it afterwards).
 */
export function measureFeatureDelaySamples(sampleRateHz: number, featureStep: (x: number) => number): number {
  const rIndex = Math.round(0.5 * sampleRateHz);
  const length = rIndex + Math.round(1.0 * sampleRateHz);
  let best = 0;
  let bestIndex = rIndex;
  for (let i = 0; i < length; i++) {
    const f = featureStep(genericQrs((i - rIndex) / sampleRateHz));
    if (f > best) {
      best = f;
      bestIndex = i;
    }
  }
  return bestIndex - rIndex;
}

/** Replaces missing (NaN/±Inf) samples by the last valid value and clips absurd magnitudes. */
export class SampleGuard {
  private held = 0;
  private wasMissing = false;

  /** True when the last `hold()` input was missing. */
  get missing(): boolean {
    return this.wasMissing;
  }

  hold(x: number): number {
    if (x === x && x !== Infinity && x !== -Infinity) {
      this.wasMissing = false;
      this.held = x > sampleMagnitudeLimit ? sampleMagnitudeLimit : x < -sampleMagnitudeLimit ? -sampleMagnitudeLimit : x;
    } else {
      this.wasMissing = true;
    }
    return this.held;
  }

  reset(): void {
    this.held = 0;
    this.wasMissing = false;
  }
}
