// Helpers shared by the SWT, two-average and matched-filter detectors: the raw-signal history
// used to put each R on the original ECG, the missing-sample guard, and a generic QRS shape used to
// measure filter delays and build the matched filter's template.

/** Input magnitudes beyond this are clipped so squares and sums stay finite. */
export const sampleMagnitudeLimit = 1e9;

/**
 * The last samples of the original signal (held values plus missing flags) in a power-of-two ring,
 * indexed by absolute sample number, to put each R on the original signal.
 */
export class RawHistory {
  private readonly raw: Float64Array;
  private readonly missing: Uint8Array;
  private readonly mask: number;
  private n = 0;
  private lastMissingIndex = -1e12;

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
    if (wasMissing) this.lastMissingIndex = this.n;
    this.n++;
  }

  /** True when any sample from absolute index `fromIndex` on was missing. */
  missingSince(fromIndex: number): boolean {
    return this.lastMissingIndex >= fromIndex;
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
    this.lastMissingIndex = -1e12;
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

/**
 * Replaces missing (NaN/±Inf) samples by the last valid value and clips absurd magnitudes; also
 * tells when the first valid sample arrives (filters start from its steady state: an ECG offset is
 * not a step to detect).
 */
export class SampleGuard {
  private held = 0;
  private wasMissing = false;
  private seenValid = false;
  private firstValid = false;

  /** True when the last `hold()` input was missing. */
  get missing(): boolean {
    return this.wasMissing;
  }

  /** True when the last `hold()` input was the first valid sample since creation or reset. */
  get isFirstValid(): boolean {
    return this.firstValid;
  }

  hold(x: number): number {
    if (x === x && x !== Infinity && x !== -Infinity) {
      this.wasMissing = false;
      this.firstValid = !this.seenValid;
      this.seenValid = true;
      this.held = x > sampleMagnitudeLimit ? sampleMagnitudeLimit : x < -sampleMagnitudeLimit ? -sampleMagnitudeLimit : x;
    } else {
      this.wasMissing = true;
      this.firstValid = false;
    }
    return this.held;
  }

  reset(): void {
    this.held = 0;
    this.wasMissing = false;
    this.seenValid = false;
    this.firstValid = false;
  }
}
