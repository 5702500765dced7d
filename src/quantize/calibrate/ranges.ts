// Per-tensor range estimators for activations. min/max needs one pass; percentile and MSE build
// a histogram over the min/max range in a second pass, then choose a clipping range from it.

export type CalibrationMethod = 'minmax' | 'percentile' | 'mse';

export interface Range {
  min: number;
  max: number;
}

export const HISTOGRAM_BINS = 2048;
/** Fraction of values kept inside the range by the percentile method (per side: 0.005% clipped). */
export const PERCENTILE_KEEP = 0.9999;

export class MinMax {
  min = Infinity;
  max = -Infinity;
  count = 0;

  add(values: ArrayLike<number>): void {
    let lo = this.min, hi = this.max;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.min = lo;
    this.max = hi;
    this.count += values.length;
  }

  range(): Range {
    return this.count === 0 ? { min: 0, max: 0 } : { min: this.min, max: this.max };
  }
}

/** Fixed-range histogram; the range is the tensor's full min/max widened to include 0. */
export class Histogram {
  readonly counts = new Float64Array(HISTOGRAM_BINS);
  readonly lo: number;
  readonly binWidth: number;

  constructor(full: Range) {
    this.lo = Math.min(full.min, 0);
    const hi = Math.max(full.max, 0);
    this.binWidth = hi > this.lo ? (hi - this.lo) / HISTOGRAM_BINS : 1;
  }

  add(values: ArrayLike<number>): void {
    const last = HISTOGRAM_BINS - 1;
    for (let i = 0; i < values.length; i++) {
      const b = Math.floor((values[i] - this.lo) / this.binWidth);
      this.counts[b < 0 ? 0 : b > last ? last : b] += 1;
    }
  }

  center(bin: number): number {
    return this.lo + (bin + 0.5) * this.binWidth;
  }

  total(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }
}

/** Range keeping `keep` of the values: clip (1-keep)/2 of the mass on each side. */
export function percentileRange(h: Histogram, keep = PERCENTILE_KEEP): Range {
  const total = h.total();
  if (total === 0) return { min: 0, max: 0 };
  const tail = ((1 - keep) / 2) * total;
  let acc = 0, lower = 0;
  while (lower < HISTOGRAM_BINS - 1 && acc + h.counts[lower] <= tail) acc += h.counts[lower++];
  acc = 0;
  let upper = HISTOGRAM_BINS - 1;
  while (upper > 0 && acc + h.counts[upper] <= tail) acc += h.counts[upper--];
  return { min: h.lo + lower * h.binWidth, max: h.lo + (upper + 1) * h.binWidth };
}

/**
 * Expected squared error of int8 quantization with clipping range [lo, hi]: values inside are
 * rounded (uniform error, step^2/12), values outside are clipped to the nearest edge.
 */
export function quantizationMse(h: Histogram, lo: number, hi: number): number {
  const step = (Math.max(hi, 0) - Math.min(lo, 0)) / 255;
  const rounding = (step * step) / 12;
  let sum = 0, n = 0;
  for (let b = 0; b < HISTOGRAM_BINS; b++) {
    const c = h.counts[b];
    if (c === 0) continue;
    const x = h.center(b);
    const err = x < lo ? (lo - x) ** 2 : x > hi ? (x - hi) ** 2 : rounding;
    sum += c * err;
    n += c;
  }
  return n === 0 ? 0 : sum / n;
}

/** Clipping range that minimises quantizationMse, searched on a grid of fractions of each side. */
export function mseRange(h: Histogram, full: Range, steps = 64): Range {
  const lo0 = Math.min(full.min, 0), hi0 = Math.max(full.max, 0);
  if (!(hi0 > lo0)) return { min: 0, max: 0 };
  let best = { min: lo0, max: hi0 }, bestErr = quantizationMse(h, lo0, hi0);
  for (let i = 1; i <= steps; i++) {
    for (let j = 1; j <= steps; j++) {
      const lo = lo0 * (i / steps), hi = hi0 * (j / steps);
      if (!(hi > lo)) continue;
      const err = quantizationMse(h, lo, hi);
      if (err < bestErr) bestErr = err, best = { min: lo, max: hi };
    }
  }
  return best;
}
