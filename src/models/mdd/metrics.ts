// Screening metrics per person with 95 % bootstrap intervals over persons. The PRNG (mulberry32) and
// the resampling loop are those of training/mdd_common.py, so the training script and
// `weargate eval mdd` draw the same resamples and their intervals compare number for number.

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1) >>> 0;
    t = (t ^ ((t + (Math.imul(t ^ (t >>> 7), t | 61) >>> 0)) >>> 0)) >>> 0;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mann-Whitney ROC AUC (ties count one half); NaN with one class only. labels: 1 = MDD. */
export function rocAuc(labels: readonly number[], scores: readonly number[]): number {
  let greater = 0;
  let ties = 0;
  let pos = 0;
  let neg = 0;
  labels.forEach((y) => (y === 1 ? pos++ : neg++));
  if (pos === 0 || neg === 0) return NaN;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] === 1) continue;
      if (scores[i]! > scores[j]!) greater++;
      else if (scores[i] === scores[j]) ties++;
    }
  }
  return (greater + 0.5 * ties) / (pos * neg);
}

export interface PointMetrics {
  n: number;
  mdd: number;
  healthy: number;
  accuracy: number;
  sensitivity: number;
  specificity: number;
  balancedAccuracy: number;
  auc: number;
}

export const METRIC_KEYS = ['accuracy', 'sensitivity', 'specificity', 'balancedAccuracy', 'auc'] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

export type MetricsWithCi = PointMetrics & Partial<Record<`${MetricKey}Ci`, [number, number]>>;

export function pointMetrics(labels: readonly number[], scores: readonly number[], threshold = 0.5): PointMetrics {
  let tp = 0;
  let tn = 0;
  let pos = 0;
  let neg = 0;
  labels.forEach((y, i) => {
    const pred = scores[i]! >= threshold ? 1 : 0;
    if (y === 1) {
      pos++;
      if (pred === 1) tp++;
    } else {
      neg++;
      if (pred === 0) tn++;
    }
  });
  const sensitivity = pos ? tp / pos : NaN;
  const specificity = neg ? tn / neg : NaN;
  return {
    n: labels.length, mdd: pos, healthy: neg,
    accuracy: labels.length ? (tp + tn) / labels.length : NaN,
    sensitivity, specificity, balancedAccuracy: (sensitivity + specificity) / 2, auc: rocAuc(labels, scores),
  };
}

/** Point metrics and 95 % percentile intervals from `resamples` bootstrap draws over persons. */
export function metricsWithCi(labels: readonly number[], scores: readonly number[], resamples = 2000, seed = 12345): MetricsWithCi {
  const out: MetricsWithCi = pointMetrics(labels, scores);
  const rand = mulberry32(seed);
  const n = labels.length;
  const draws: Record<MetricKey, number[]> = { accuracy: [], sensitivity: [], specificity: [], balancedAccuracy: [], auc: [] };
  const y: number[] = new Array<number>(n);
  const s: number[] = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const k = Math.floor(rand() * n);
      y[i] = labels[k]!;
      s[i] = scores[k]!;
    }
    const m = pointMetrics(y, s);
    for (const key of METRIC_KEYS) if (!Number.isNaN(m[key])) draws[key].push(m[key]);
  }
  for (const key of METRIC_KEYS) {
    const v = draws[key].sort((a, b) => a - b);
    if (v.length) out[`${key}Ci`] = [v[Math.floor(0.025 * (v.length - 1))]!, v[Math.ceil(0.975 * (v.length - 1))]!];
  }
  return out;
}
