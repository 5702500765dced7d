// Streaming building blocks of the R-peak CNN detector, each exact whatever the chunking:
// - LinearResampler: device rate -> model rate, output k = input at time k / rateOut (linear),
//   the formula training uses (numpy.interp in training/rpeak_cnn_data.py: resample_linear);
// - normalizeWindow: per-window standardisation (mean, RMS floor, clip), NaN-tolerant;
// - StreamingPeakPicker: threshold + local maximum over +-(refractory - 1) samples, with optional
//   T-wave and search-back rules.

/** Linear interpolation from `rateInHz` to `rateOutHz`, streaming. Memory: two samples. */
export class LinearResampler {
  private received = 0; // input samples seen
  private produced = 0; // output samples emitted
  private prev = Number.NaN; // input sample received - 2
  private last = Number.NaN; // input sample received - 1

  constructor(
    readonly rateInHz: number,
    readonly rateOutHz: number,
  ) {
    if (!(rateInHz > 0) || !(rateOutHz > 0)) throw new RangeError('resampler rates must be positive');
  }

  /** Input position (in input samples) of output sample k. */
  position(k: number): number {
    return (k / this.rateOutHz) * this.rateInHz;
  }

  /** Appends the outputs that `samples` complete to `out` (an output needs the input after its position). */
  push(samples: ArrayLike<number>, out: number[]): void {
    for (let n = 0; n < samples.length; n++) {
      this.prev = this.last;
      this.last = samples[n];
      this.received++;
      // Inputs available: 0 .. received-1; output k needs floor(pos) + 1 <= received - 1.
      for (;;) {
        const pos = this.position(this.produced);
        const i0 = Math.floor(pos);
        if (i0 + 1 > this.received - 1) break;
        if (i0 + 1 !== this.received - 1) throw new Error('resampler fell behind'); // cannot happen: one input at a time
        const f = pos - i0;
        out.push(f === 0 ? this.prev : this.prev + (this.last - this.prev) * f); // f = 0: a NaN after it does not matter
        this.produced++;
      }
    }
  }

  get outputCount(): number {
    return this.produced;
  }

  reset(): void {
    this.received = 0;
    this.produced = 0;
    this.prev = this.last = Number.NaN;
  }
}

/**
 * c = x - mean, z = clip(c / max(rms, floor), -clip, clip), in float64, written as float32.
 * NaN samples are left out of mean and RMS and become 0 (the mean); an all-NaN window is all 0.
 */
export function normalizeWindow(x: ArrayLike<number>, floor: number, clip: number, out: Float32Array): Float32Array {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) (sum += x[i]), count++;
  if (count === 0) return out.fill(0);
  // Same summation order as numpy's mean for the golden vectors: see tests/models/rpeak-cnn-golden.test.ts.
  const mean = sum / count;
  let sq = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) sq += (x[i] - mean) * (x[i] - mean);
  const scale = Math.max(Math.sqrt(sq / count), floor);
  for (let i = 0; i < x.length; i++) {
    const z = Number.isNaN(x[i]) ? 0 : (x[i] - mean) / scale;
    out[i] = z > clip ? clip : z < -clip ? -clip : z;
  }
  return out;
}

/**
 * T-wave discrimination (as Pan-Tompkins has it): a candidate less than `windowSamples` after the
 * last peak is kept only when its probability reaches `threshold` (above the detector's own) or,
 * with `slopeFraction` and a slope source, when its steepest ECG slope reaches `slopeFraction` x
 * that of the last peak (Pan-Tompkins: a T wave has less than half the slope of its QRS).
 */
export interface TWaveRule {
  readonly windowSamples: number;
  readonly threshold: number;
  readonly slopeFraction?: number;
}

/** Samples each side of a peak over which its steepest slope is taken (40 ms at 250 Hz). */
export const SLOPE_HALF_WIDTH_SAMPLES = 10;

/**
 * max |y[s]| for s in [t - half, t + half], y = Pan-Tompkins' derivative of the model-rate ECG,
 * y[s] = (2x[s] + x[s-1] - x[s-3] - 2x[s-4]) / 8. `x(k)` is NaN where sample k is unknown (before
 * the stream, past its end, or missing): such y are left out; 0 when none is left.
 */
export function steepestSlope(x: (k: number) => number, t: number, half: number = SLOPE_HALF_WIDTH_SAMPLES): number {
  let best = 0;
  for (let s = t - half; s <= t + half; s++) {
    const y = Math.abs((2 * x(s) + x(s - 1) - x(s - 3) - 2 * x(s - 4)) / 8);
    if (y > best) best = y; // NaN compares false
  }
  return best;
}

/**
 * Pan-Tompkins search-back: when a peak follows the last one by more than `factor` x the mean RR
 * (the last `rrHistory` intervals, each clamped to [rrMinSamples, rrMaxSamples]; `initialRrSamples`
 * before any) and by at most ceil(factor x rrMaxSamples), the strongest local maximum between them
 * (at least R from both) with a probability of at least `threshold` becomes a peak first.
 */
export interface SearchBackRule {
  readonly factor: number;
  readonly threshold: number;
  readonly rrMinSamples: number;
  readonly rrMaxSamples: number;
  readonly rrHistory: number;
  readonly initialRrSamples: number;
}

/** Longest gap (model samples) search-back looks into: it bounds the extra latency. */
export function searchBackMaxGapSamples(rule: SearchBackRule): number {
  return Math.ceil(rule.factor * rule.rrMaxSamples);
}

/**
 * Peak t when p[t] >= threshold, p[t] >= p[s] for t - R < s < t and p[t] > p[s] for t < s < t + R
 * (R = refractory; two peaks are thus >= R apart), and, with a T-wave rule, p[t] >= its threshold
 * when t is within its window after the last peak. Decided once p[t + R - 1] is known. With
 * search-back, a peak found in the gap before t is decided at the same moment as t (so it is up to
 * maxGap - R samples later than a peak found directly). training/rpeak_cnn_score.py:
 * pick_peaks_windowed is the same rule over a whole record.
 */
export class StreamingPeakPicker {
  private readonly ring: Float32Array;
  private count = 0; // probabilities pushed
  private lastPeak = Number.NEGATIVE_INFINITY;
  private lastSlope = 0;
  private readonly rr: number[] = [];
  private readonly maxGap: number;

  constructor(
    readonly threshold: number,
    readonly refractorySamples: number,
    readonly tWave?: TWaveRule,
    readonly searchBack?: SearchBackRule,
    /** Steepest ECG slope around model sample t (steepestSlope over the detector's signal), for tWave.slopeFraction. */
    private readonly slopeAt?: (t: number) => number,
  ) {
    if (!Number.isInteger(refractorySamples) || refractorySamples < 1) throw new RangeError('refractory must be a positive integer');
    this.maxGap = searchBack ? searchBackMaxGapSamples(searchBack) : 0;
    this.ring = new Float32Array(Math.max(2 * refractorySamples - 1, this.maxGap + refractorySamples));
  }

  private at(t: number): number {
    return t < 0 || t >= this.count || t <= this.count - 1 - this.ring.length ? -Infinity : this.ring[t % this.ring.length];
  }

  private isLocalMax(t: number, v: number): boolean {
    const r = this.refractorySamples;
    for (let s = t - r + 1; s < t; s++) if (this.at(s) > v) return false;
    for (let s = t + 1; s < t + r; s++) if (this.at(s) >= v) return false;
    return true;
  }

  private tWaveRejects(t: number, v: number): boolean {
    const tw = this.tWave;
    if (tw === undefined || t - this.lastPeak >= tw.windowSamples || v >= tw.threshold) return false;
    const f = tw.slopeFraction;
    return !(f !== undefined && this.slopeAt && this.lastSlope > 0 && this.slopeAt(t) >= f * this.lastSlope);
  }

  private accept(t: number, out: number[]): void {
    const sb = this.searchBack;
    if (sb && Number.isFinite(this.lastPeak)) {
      this.rr.push(Math.min(sb.rrMaxSamples, Math.max(sb.rrMinSamples, t - this.lastPeak)));
      if (this.rr.length > sb.rrHistory) this.rr.shift();
    }
    this.lastPeak = t;
    if (this.tWave?.slopeFraction !== undefined && this.slopeAt) this.lastSlope = this.slopeAt(t);
    out.push(t);
  }

  /** The search-back peak in the gap before `t`, or -1. */
  private searchGap(t: number, sb: SearchBackRule): number {
    const last = this.lastPeak;
    const rrMean = this.rr.length > 0 ? this.rr.reduce((a, b) => a + b, 0) / this.rr.length : sb.initialRrSamples;
    const gap = t - last;
    if (!(gap > sb.factor * rrMean && gap <= this.maxGap)) return -1;
    const r = this.refractorySamples;
    let best = -1;
    let bestV = -Infinity;
    for (let c = last + r; c <= t - r; c++) {
      const v = this.at(c);
      if (v < sb.threshold || (best >= 0 && v <= bestV) || this.tWaveRejects(c, v) || !this.isLocalMax(c, v)) continue;
      best = c;
      bestV = v;
    }
    return best;
  }

  private decide(t: number, out: number[]): void {
    const v = this.at(t);
    if (!(v >= this.threshold) || !this.isLocalMax(t, v) || this.tWaveRejects(t, v)) return;
    if (this.searchBack && Number.isFinite(this.lastPeak)) {
      const c = this.searchGap(t, this.searchBack);
      if (c >= 0) this.accept(c, out);
    }
    this.accept(t, out);
  }

  /** Appends probabilities (model-rate sample order); pushes decided peaks (model-rate indices) to `out`. */
  push(probabilities: ArrayLike<number>, out: number[]): void {
    const r = this.refractorySamples;
    for (let i = 0; i < probabilities.length; i++) {
      const p = probabilities[i];
      this.ring[this.count % this.ring.length] = Number.isNaN(p) ? 0 : p;
      this.count++;
      this.decide(this.count - r, out);
    }
  }

  /** Decides the last R - 1 samples as if the stream ended (later samples count as absent). */
  flush(out: number[]): void {
    for (let t = Math.max(0, this.count - this.refractorySamples + 1); t < this.count; t++) this.decide(t, out);
  }

  get length(): number {
    return this.count;
  }

  reset(): void {
    this.count = 0;
    this.lastPeak = Number.NEGATIVE_INFINITY;
    this.lastSlope = 0;
    this.rr.length = 0;
    this.ring.fill(0);
  }
}
