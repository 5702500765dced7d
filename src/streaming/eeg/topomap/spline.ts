// Spherical-spline interpolation (Perrin, Pernier, Bertrand & Echallier 1989, Electroencephalogr Clin
// Neurophysiol 72:184-187; erratum 1990, 76:565). On the unit sphere the field is
//   V(r) = c0 + sum_i c_i g(cos(r, r_i)),  g(x) = 1/(4 pi) sum_{n=1..N} (2n+1) / (n^m (n+1)^m) P_n(x),
// with (G + lambda I) c + c0 = v and sum_i c_i = 0. Defaults m = 4, N = 50, lambda = 1e-5 are MNE's
// (mne/channels/interpolation.py `_calc_g`, `_make_interpolation_matrix`), so the two agree.
// The system is solved once per montage into a matrix W (targets x electrodes): a map is then W v.
import type { UnitVector } from '../positions.js';

export interface SplineOptions {
  /** Spline order m (stiffness). */
  order?: number;
  /** Legendre terms N. */
  legendreTerms?: number;
  /** Regularisation lambda added to the diagonal of G. */
  lambda?: number;
}

export const DEFAULT_SPLINE: Required<SplineOptions> = { order: 4, legendreTerms: 50, lambda: 1e-5 };

/** Coefficients (2n+1) / (4 pi n^m (n+1)^m) for n = 1..N (index 0 is n = 1). */
export function legendreFactors(order: number, legendreTerms: number): Float64Array {
  const f = new Float64Array(legendreTerms);
  for (let n = 1; n <= legendreTerms; n++) f[n - 1] = (2 * n + 1) / (4 * Math.PI * Math.pow(n * (n + 1), order));
  return f;
}

/** g(x) = sum_n factors[n-1] P_n(x), Legendre polynomials by the three-term recurrence. */
export function splineG(cosAngle: number, factors: Float64Array): number {
  const x = Math.min(1, Math.max(-1, cosAngle));
  let pPrev = 1;
  let p = x;
  let sum = factors[0]! * p;
  for (let n = 1; n < factors.length; n++) {
    const next = ((2 * n + 1) * x * p - n * pPrev) / (n + 1);
    pPrev = p;
    p = next;
    sum += factors[n]! * p;
  }
  return sum;
}

/** Solves A X = B in place by Gaussian elimination with partial pivoting; A is n x n, B is n x k, row-major. */
export function solveLinear(a: Float64Array, b: Float64Array, n: number, k: number): Float64Array {
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = r;
    const pivotValue = a[pivot * n + col]!;
    if (Math.abs(pivotValue) < 1e-300) throw new Error('spherical-spline system is singular (duplicate electrode positions?)');
    if (pivot !== col) {
      for (let c = 0; c < n; c++) [a[col * n + c], a[pivot * n + c]] = [a[pivot * n + c]!, a[col * n + c]!];
      for (let c = 0; c < k; c++) [b[col * k + c], b[pivot * k + c]] = [b[pivot * k + c]!, b[col * k + c]!];
    }
    for (let r = col + 1; r < n; r++) {
      const f = a[r * n + col]! / pivotValue;
      if (f === 0) continue;
      for (let c = col; c < n; c++) a[r * n + c]! -= f * a[col * n + c]!;
      for (let c = 0; c < k; c++) b[r * k + c]! -= f * b[col * k + c]!;
    }
  }
  for (let row = n - 1; row >= 0; row--) {
    for (let c = 0; c < k; c++) {
      let s = b[row * k + c]!;
      for (let j = row + 1; j < n; j++) s -= a[row * n + j]! * b[j * k + c]!;
      b[row * k + c] = s / a[row * n + row]!;
    }
  }
  return b;
}

const dot = (a: UnitVector, b: UnitVector) => a.x * b.x + a.y * b.y + a.z * b.z;

/**
 * Interpolation matrix W (targets.length x electrodes.length, row-major, float64): the value at
 * target t is sum_e W[t, e] v[e]. Same construction as MNE's `_make_interpolation_matrix`, with a
 * direct solve instead of a pseudo-inverse (the bordered system is regular for distinct electrodes).
 */
export function interpolationMatrix(electrodes: readonly UnitVector[], targets: readonly UnitVector[], options: SplineOptions = {}): Float64Array {
  const { order, legendreTerms, lambda } = { ...DEFAULT_SPLINE, ...options };
  if (!(order > 1) || !Number.isInteger(legendreTerms) || legendreTerms < 2 || !(lambda >= 0)) {
    throw new RangeError(`spline order ${order} (> 1), legendreTerms ${legendreTerms} (integer >= 2), lambda ${lambda} (>= 0)`);
  }
  const n = electrodes.length;
  const factors = legendreFactors(order, legendreTerms);
  const size = n + 1;
  const c = new Float64Array(size * size);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) c[i * size + j] = splineG(dot(electrodes[i]!, electrodes[j]!), factors) + (i === j ? lambda : 0);
    c[i * size + n] = 1;
    c[n * size + i] = 1;
  }
  // X = C^-1 [I_n; 0]: column e holds (c, c0) for a unit value at electrode e
  const x = new Float64Array(size * n);
  for (let i = 0; i < n; i++) x[i * n + i] = 1;
  solveLinear(c, x, size, n);
  const w = new Float64Array(targets.length * n);
  const gRow = new Float64Array(n);
  targets.forEach((t, ti) => {
    for (let e = 0; e < n; e++) gRow[e] = splineG(dot(t, electrodes[e]!), factors);
    for (let e = 0; e < n; e++) {
      let s = x[n * n + e]!; // c0 row
      for (let j = 0; j < n; j++) s += gRow[j]! * x[j * n + e]!;
      w[ti * n + e] = s;
    }
  });
  return w;
}
