// Rolling statistics for the report, O(n): running sums over a centred window. Missing samples
// (NaN) are skipped; a window with too few finite samples gives NaN so gaps stay visible.

export interface RollingStats {
  windowSamples: number;
  /** Mean of the finite samples of the window centred on each sample. */
  mean: Float64Array;
  /** Population standard deviation of the same samples. */
  sd: Float64Array;
}

/**
 * Centred rolling mean and SD: sample i uses [i - floor((w-1)/2), i + ceil((w-1)/2)], clipped to
 * the signal. Needs at least `minFiniteFraction` of the window's samples to be finite.
 */
export function rollingMeanSd(x: ArrayLike<number>, windowSamples: number, minFiniteFraction = 0.5): RollingStats {
  const w = Math.max(1, Math.round(windowSamples));
  const n = x.length;
  const mean = new Float64Array(n);
  const sd = new Float64Array(n);
  // sums are taken around a shift (the first finite value) so a large DC offset does not cancel
  // the variance away in floating point
  let shift = 0;
  for (let i = 0; i < n; i++) {
    if (x[i] === x[i]) {
      shift = x[i];
      break;
    }
  }
  const before = Math.floor((w - 1) / 2);
  const after = w - 1 - before;
  const minCount = Math.max(1, Math.ceil(minFiniteFraction * w));
  let sum = 0;
  let sumSquares = 0;
  let count = 0;
  let lo = 0; // window is [lo, hi)
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const wantHi = Math.min(n, i + after + 1);
    const wantLo = Math.max(0, i - before);
    if (i > 0 && i % w === 0) {
      // start the sums afresh once per window length: rounding errors of the running add and
      // subtract would otherwise pile up over a long record (still O(n) in total)
      lo = wantLo;
      hi = lo;
      sum = 0;
      sumSquares = 0;
      count = 0;
    }
    while (hi < wantHi) {
      const v = x[hi++];
      if (v === v) {
        const d = v - shift;
        sum += d;
        sumSquares += d * d;
        count++;
      }
    }
    while (lo < wantLo) {
      const v = x[lo++];
      if (v === v) {
        const d = v - shift;
        sum -= d;
        sumSquares -= d * d;
        count--;
      }
    }
    if (count < minCount) {
      mean[i] = NaN;
      sd[i] = NaN;
      continue;
    }
    const m = sum / count;
    mean[i] = m + shift;
    sd[i] = Math.sqrt(Math.max(0, sumSquares / count - m * m));
  }
  return { windowSamples: w, mean, sd };
}
