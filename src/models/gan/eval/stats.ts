// Statistics of the synthetic-data evaluation: rank AUC, two-sample Kolmogorov-Smirnov, kernel MMD
// with a permutation test, nearest-neighbour distances, quantile summaries, binomial and Fisher exact tails. Vectors are rows of a
// flat Float32Array (`Matrix`) so the distance loops stay cache-friendly.
import type { SeededRandom } from '../../../common/random.js';

export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

export function matrix(rows: readonly ArrayLike<number>[], cols?: number): Matrix {
  const c = cols ?? (rows[0]?.length ?? 0);
  const data = new Float32Array(rows.length * c);
  rows.forEach((r, i) => {
    if (r.length !== c) throw new RangeError(`row ${i} has ${r.length} values, not ${c}`);
    data.set(r, i * c);
  });
  return { rows: rows.length, cols: c, data };
}

export function row(m: Matrix, i: number): Float32Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** ROC AUC by ranks (Mann-Whitney U, ties get mid-ranks): P(score of a positive > score of a negative). */
export function aucByRank(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) return Number.NaN;
  const all = [...positives.map((s) => ({ s, p: 1 })), ...negatives.map((s) => ({ s, p: 0 }))].sort((a, b) => a.s - b.s);
  let rankSumPos = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1].s === all[i].s) j++;
    const mid = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (all[k].p === 1) rankSumPos += mid;
    i = j + 1;
  }
  const n1 = positives.length;
  return (rankSumPos - (n1 * (n1 + 1)) / 2) / (n1 * negatives.length);
}

/** Two-sample Kolmogorov-Smirnov statistic D and its asymptotic p-value. */
export function ks2(a: readonly number[], b: readonly number[]): { d: number; p: number } {
  if (a.length === 0 || b.length === 0) return { d: Number.NaN, p: Number.NaN };
  const x = [...a].sort((u, v) => u - v);
  const y = [...b].sort((u, v) => u - v);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= v) i++;
    while (j < y.length && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  const ne = (x.length * y.length) / (x.length + y.length);
  const lambda = (Math.sqrt(ne) + 0.12 + 0.11 / Math.sqrt(ne)) * d;
  let p = 0;
  for (let k = 1; k <= 100; k++) p += 2 * (k % 2 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
  return { d, p: Math.min(1, Math.max(0, lambda < 1e-3 ? 1 : p)) };
}

export interface Summary {
  n: number;
  mean: number;
  sd: number;
  p5: number;
  p25: number;
  median: number;
  p75: number;
  p95: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(values: readonly number[]): Summary {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const n = v.length;
  const mean = n ? v.reduce((s, x) => s + x, 0) / n : Number.NaN;
  const sd = n > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  return { n, mean, sd, p5: quantile(v, 0.05), p25: quantile(v, 0.25), median: quantile(v, 0.5), p75: quantile(v, 0.75), p95: quantile(v, 0.95) };
}

function sqDist(a: Float32Array, ai: number, b: Float32Array, bi: number, cols: number): number {
  let s = 0;
  for (let k = 0; k < cols; k++) {
    const d = a[ai + k] - b[bi + k];
    s += d * d;
  }
  return s;
}

/** Euclidean distance from each query row to its nearest reference row (brute force). */
export function nearestDistances(queries: Matrix, reference: Matrix): number[] {
  if (queries.cols !== reference.cols) throw new RangeError('queries and reference differ in width');
  const out: number[] = [];
  for (let i = 0; i < queries.rows; i++) {
    let best = Infinity;
    for (let j = 0; j < reference.rows; j++) {
      const d = sqDist(queries.data, i * queries.cols, reference.data, j * reference.cols, queries.cols);
      if (d < best) best = d;
    }
    out.push(Math.sqrt(best));
  }
  return out;
}

/**
 * Unbiased MMD² between X and Y with a Gaussian kernel (bandwidth: median pairwise distance of the
 * pooled sample) and a permutation p-value: the share of `permutations` random relabellings whose
 * MMD² is at least the observed one (with the +1 correction).
 */
export function mmdPermutationTest(x: Matrix, y: Matrix, rng: SeededRandom, permutations = 200): { mmd2: number; p: number; bandwidth: number } {
  const n = x.rows + y.rows;
  const cols = x.cols;
  const pooled = new Float32Array(n * cols);
  pooled.set(x.data.subarray(0, x.rows * cols));
  pooled.set(y.data.subarray(0, y.rows * cols), x.rows * cols);
  const d2 = new Float64Array(n * n);
  const sample: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const d = sqDist(pooled, i * cols, pooled, j * cols, cols);
      d2[i * n + j] = d;
      d2[j * n + i] = d;
      if ((i * n + j) % 7 === 0) sample.push(d);
    }
  sample.sort((a, b) => a - b);
  const bandwidth = Math.sqrt(quantile(sample, 0.5)) || 1;
  const k = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) k[i] = Math.exp(-d2[i] / (2 * bandwidth * bandwidth));
  const stat = (inX: Uint8Array) => {
    let xx = 0, yy = 0, xy = 0, nx = 0, ny = 0;
    for (let i = 0; i < n; i++) (inX[i] ? nx++ : ny++);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const v = k[i * n + j];
        if (inX[i] && inX[j]) xx += v;
        else if (!inX[i] && !inX[j]) yy += v;
        else xy += v;
      }
    return xx / (nx * (nx - 1)) + yy / (ny * (ny - 1)) - xy / (nx * ny);
  };
  const labels = new Uint8Array(n);
  for (let i = 0; i < x.rows; i++) labels[i] = 1;
  const observed = stat(labels);
  let atLeast = 0;
  const perm = Uint8Array.from(labels);
  for (let p = 0; p < permutations; p++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    if (stat(perm) >= observed) atLeast++;
  }
  return { mmd2: observed, p: (atLeast + 1) / (permutations + 1), bandwidth };
}

/** `count` distinct indices of [0, n) in random order (all of them when count >= n). */
export function sampleIndices(n: number, count: number, rng: SeededRandom): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, Math.min(n, count));
}

/**
 * 95 % percentile interval of `statistic` under a cluster bootstrap: whole groups (records, persons)
 * are drawn with replacement, because beats of one person are not independent. `statistic` gets the
 * item indices of one resample and may return NaN (a resample without both classes), which is skipped.
 */
export function clusterBootstrapCi(groups: readonly string[], statistic: (idx: number[]) => number, rng: SeededRandom, resamples = 500): [number, number] {
  const byGroup = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const list = byGroup.get(g);
    if (list) list.push(i);
    else byGroup.set(g, [i]);
  });
  const keys = [...byGroup.keys()];
  const values: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const idx: number[] = [];
    for (let k = 0; k < keys.length; k++) idx.push(...(byGroup.get(keys[Math.floor(rng.next() * keys.length)]) as number[]));
    const v = statistic(idx);
    if (Number.isFinite(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  return [quantile(values, 0.025), quantile(values, 0.975)];
}

/** AUC of positives vs negatives with a cluster-bootstrap interval (groups: one label per score). */
export function aucWithCi(pos: readonly number[], posGroups: readonly string[], neg: readonly number[], negGroups: readonly string[], rng: SeededRandom, resamples = 500): { auc: number; ci: [number, number] } {
  const scores = [...pos, ...neg];
  const labels = [...pos.map(() => 1), ...neg.map(() => 0)];
  // Members and non-members of one person are distinct groups (a person can be in both at beat level).
  const groups = [...posGroups.map((g) => `m:${g}`), ...negGroups.map((g) => `n:${g}`)];
  const ci = clusterBootstrapCi(groups, (idx) => aucByRank(idx.filter((i) => labels[i] === 1).map((i) => scores[i]), idx.filter((i) => labels[i] === 0).map((i) => scores[i])), rng, resamples);
  return { auc: aucByRank(pos, neg), ci };
}

/** log Gamma(x) by the Lanczos approximation (g = 7, 9 terms), relative error ~1e-15 for x > 0. */
export function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = c[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

const logChoose = (n: number, k: number): number => logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);

/** P(X >= k) for X ~ Binomial(n, p), summed in log space. */
export function binomialUpperP(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let total = 0;
  for (let i = k; i <= n; i++) total += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log(1 - p));
  return Math.min(1, total);
}

/**
 * One-sided Fisher exact test of a 2 x 2 table: `a` successes of `n1` in group 1, `b` of `n2` in group 2.
 * P(X >= a) for X ~ Hypergeometric(population n1 + n2, successes a + b, draws n1): the probability, given
 * the total number of successes, that group 1 holds at least `a` of them when both groups share one rate.
 */
export function fisherExactUpperP(a: number, n1: number, b: number, n2: number): number {
  if (a < 0 || b < 0 || a > n1 || b > n2) throw new RangeError(`table ${a}/${n1}, ${b}/${n2} is not a 2 x 2 count table`);
  if (a === 0) return 1;
  const successes = a + b;
  const denom = logChoose(n1 + n2, n1);
  let total = 0;
  for (let i = a; i <= Math.min(n1, successes); i++) total += Math.exp(logChoose(successes, i) + logChoose(n1 + n2 - successes, n1 - i) - denom);
  return Math.min(1, total);
}
