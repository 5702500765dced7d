// R-peak model post-processing, as the model card states it (models/rpeak-proto/README.md):
// per-sample probabilities -> peaks (threshold, local maximum, refractory period, strongest first),
// and the per-window scoring used to report the model's task metric.

export interface PeakPickingOptions {
  threshold: number;
  refractorySamples: number;
}

/** Local maxima at or above `threshold`, strongest first, none closer than `refractorySamples`; ascending. */
export function pickRPeaks(probability: ArrayLike<number>, options: PeakPickingOptions): number[] {
  const p = probability;
  const at = (t: number): number => (t < 0 || t >= p.length ? -Infinity : p[t]);
  const candidates: number[] = [];
  for (let t = 0; t < p.length; t++) if (p[t] >= options.threshold && p[t] >= at(t - 1) && p[t] > at(t + 1)) candidates.push(t);
  candidates.sort((a, b) => p[b] - p[a] || a - b);
  const kept: number[] = [];
  for (const t of candidates) if (kept.every((k) => Math.abs(k - t) >= options.refractorySamples)) kept.push(t);
  return kept.sort((a, b) => a - b);
}

export interface WindowScore {
  tp: number;
  fn: number;
  fp: number;
}

/**
 * One-to-one matching of reference and detected peaks within `toleranceSamples`, closest pairs
 * first (ties by reference, then detection order); only peaks at least `guardSamples` from either
 * window edge are counted.
 */
export function scoreRPeakWindow(
  reference: readonly number[],
  detected: readonly number[],
  window: { lengthSamples: number; toleranceSamples: number; guardSamples: number },
): WindowScore {
  const pairs: [number, number, number][] = [];
  reference.forEach((r, i) =>
    detected.forEach((d, j) => Math.abs(d - r) <= window.toleranceSamples && pairs.push([Math.abs(d - r), i, j])),
  );
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const refHit = reference.map(() => false);
  const detHit = detected.map(() => false);
  for (const [, i, j] of pairs) {
    if (!refHit[i] && !detHit[j]) refHit[i] = detHit[j] = true;
  }
  const core = (t: number): boolean => t >= window.guardSamples && t < window.lengthSamples - window.guardSamples;
  return {
    tp: reference.filter((r, i) => core(r) && refHit[i]).length,
    fn: reference.filter((r, i) => core(r) && !refHit[i]).length,
    fp: detected.filter((d, j) => core(d) && !detHit[j]).length,
  };
}
