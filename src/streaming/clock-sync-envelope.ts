// The minimum-delay line under a set of (x, y) points: the line a + slope·x that lies on or below
// every point and, among those, is highest at a chosen x (Moon, Skelly & Towsley's linear program
// for one-way clock skew). Delays are never negative, so the lowest points carry the clock and the
// highest (stalled, queued) ones carry nothing; the answer is the lower convex hull edge over x.

export interface EnvelopeLine {
  /** y at x = 0. */
  intercept: number;
  /** dy/dx. */
  slope: number;
}

/**
 * Fits the lower envelope line of points sorted by strictly increasing x, maximising the line at
 * `centerX` (the weighted mean x of the linear program's objective). Returns undefined for fewer
 * than two points. Coordinates are shifted to the first point so products stay exact in doubles.
 */
export function fitLowerEnvelope(xs: ArrayLike<number>, ys: ArrayLike<number>, centerX: number): EnvelopeLine | undefined {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return undefined;
  const x0 = xs[0];
  const y0 = ys[0];
  // Monotone-chain lower hull; `hull` holds point indices.
  const hull: number[] = [];
  for (let i = 0; i < n; i++) {
    while (hull.length >= 2) {
      const o = hull[hull.length - 2];
      const a = hull[hull.length - 1];
      const cross = (xs[a] - xs[o]) * (ys[i] - ys[o]) - (ys[a] - ys[o]) * (xs[i] - xs[o]);
      if (cross > 0) break;
      hull.pop();
    }
    hull.push(i);
  }
  const cx = Math.min(Math.max(centerX, xs[0]), xs[n - 1]);
  let k = 0;
  while (k < hull.length - 2 && xs[hull[k + 1]] < cx) k++;
  const i = hull[k];
  const j = hull[k + 1];
  const slope = (ys[j] - ys[i]) / (xs[j] - xs[i]);
  const interceptLocal = ys[i] - y0 - slope * (xs[i] - x0);
  return { intercept: y0 + interceptLocal - slope * x0, slope };
}
