// The last QRS taken by the Pan-Tompkins or Hamilton detector, on the feature timeline. Our
// addition to both papers: the QRS stays provisional for a hold time (their 360 ms T-wave interval),
// and a larger and steeper QRS-grade peak in that time replaces it (a tall P wave before a QRS is
// otherwise counted as a beat, e.g. MIT-BIH 108). Committing asks the refiner for the R around the
// delay-corrected index.
import type { PeakRefiner } from './peak-refine.js';

export class ProvisionalQrs {
  private lastIndex = -Infinity;
  private lastHeight = 0;
  private lastSlope = 0;
  private beforeIndex = -Infinity;
  private pending = false; // lastIndex not yet reported

  constructor(
    private readonly refiner: PeakRefiner,
    private readonly featureDelaySamples: number,
    private readonly refineHalfSamples: number,
    private readonly holdSamples: number,
  ) {}

  /** Feature-timeline index of the last QRS (-Infinity before the first). */
  get index(): number {
    return this.lastIndex;
  }

  get height(): number {
    return this.lastHeight;
  }

  get slope(): number {
    return this.lastSlope;
  }

  /** Index of the QRS before the last one (-Infinity when there is none). */
  get previousIndex(): number {
    return this.beforeIndex;
  }

  /** True when the last QRS is still provisional and this peak, within the hold, is larger and steeper. */
  replaceableBy(index: number, height: number, slope: number): boolean {
    return this.pending && index - this.lastIndex < this.holdSamples && height > this.lastHeight && slope > this.lastSlope;
  }

  /** Commits the pending QRS, then takes this one provisionally. */
  take(index: number, height: number, slope: number): void {
    this.commit();
    this.beforeIndex = this.lastIndex;
    this.replace(index, height, slope);
  }

  /** Puts this peak in place of the provisional QRS (the one before stays). */
  replace(index: number, height: number, slope: number): void {
    this.lastIndex = index;
    this.lastHeight = height;
    this.lastSlope = slope;
    this.pending = true;
  }

  /** Commits the provisional QRS once the hold has passed at feature sample `n`. */
  commitIfDue(n: number): void {
    if (this.pending && n - this.lastIndex >= this.holdSamples) this.commit();
  }

  /** Reports the provisional QRS, if any. */
  commit(): void {
    if (!this.pending) return;
    this.pending = false;
    this.refiner.requestAround(this.lastIndex - this.featureDelaySamples, this.refineHalfSamples);
  }

  /** Moves the last-QRS mark without a QRS (restarts a search-back wait). */
  restartWaitFrom(index: number): void {
    this.lastIndex = index;
  }

  reset(): void {
    this.lastIndex = -Infinity;
    this.lastHeight = 0;
    this.lastSlope = 0;
    this.beforeIndex = -Infinity;
    this.pending = false;
  }
}
