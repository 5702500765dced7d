// The measures of `weargate eval synth eeg-maps` on epoch sets (training/gan/eeg_eval.py's, in TS):
// the MDD logistic baseline on log10 relative band power (C 0.1, balanced: mdd_cnn.py's), person
// scores = mean P over a person's epochs with the MDD card's bootstrap intervals, logistic and
// gradient-boosted-tree two-sample tests, DCR membership inference and DCR ratio, per-band mean/SD map agreement.
import { evaluatePersons, EVAL_CONDITIONS, type EvalCondition, type ScoredRecording } from '../../mdd/evaluate.js';
import type { MetricsWithCi } from '../../mdd/metrics.js';
import { mapperFor, type MapGeometry } from '../eeg-maps.js';
import type { SeededRandom } from '../../../common/random.js';
import { GradientBoostedTrees } from './gbdt.js';
import { LogisticModel } from './logistic.js';
import { aucByRank, nearestDistances, quantile, type Matrix } from './stats.js';
import type { EegEpochSet } from './eeg-data.js';

/** Adam epochs of the baseline fit (full batch); enough for the C = 0.1 optimum to ~1e-3 in P here. */
export const BASELINE_EPOCHS = 1500;

export function toMatrix(rows: readonly ArrayLike<number>[], map: (v: number) => number = (v) => v): Matrix {
  const cols = rows[0]?.length ?? 0;
  const data = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => {
    for (let k = 0; k < cols; k++) data[i * cols + k] = map(r[k]!);
  });
  return { rows: rows.length, cols, data };
}

const logRel = (v: number) => Math.log10(Math.max(v, 1e-6));

/**
 * mdd_cnn.py's baseline: StandardScaler + LogisticRegression(C=0.1, class_weight='balanced') on
 * log10(max(relative power, 1e-6)). sklearn minimises ||w||^2 / 2 + C sum_i cw_i loss_i; with balanced
 * weights sum_i cw_i = n, so that is our weighted mean loss + (l2 / 2) ||w||^2 with l2 = 1 / (C n).
 */
export function fitBaseline(relativePowers: readonly ArrayLike<number>[], labels: readonly number[], c = 0.1): (rows: readonly ArrayLike<number>[]) => number[] {
  const model = LogisticModel.fit(toMatrix(relativePowers, logRel), labels, { l2: 1 / (c * relativePowers.length), classWeight: 'balanced', epochs: BASELINE_EPOCHS, learningRate: 0.05 });
  return (rows) => model.predict(toMatrix(rows, logRel));
}

/** Person-wise metrics per condition from per-epoch P(MDD): person score = mean over their epochs (NaN epochs are skipped). */
export function personMetrics(data: EegEpochSet, p: ArrayLike<number>, resamples = 2000): Record<EvalCondition, MetricsWithCi & { persons: { subject: string; label: number; score: number; epochs: number }[] }> {
  const scored: ScoredRecording[] = data.recordings.map((recording) => ({ recording, model: '', probabilities: [], rejected: 0 }));
  for (let i = 0; i < data.recording.length; i++) if (Number.isFinite(p[i]!)) scored[data.recording[i]!]!.probabilities.push(p[i]!);
  const ev = evaluatePersons(scored, 0.5, resamples);
  const out = {} as Record<EvalCondition, MetricsWithCi & { persons: { subject: string; label: number; score: number; epochs: number }[] }>;
  for (const c of EVAL_CONDITIONS) {
    const m = ev.metrics[c];
    if (!m) continue;
    out[c] = { ...m, persons: ev.persons[c].map((q) => ({ subject: q.subject, label: q.label === 'MDD' ? 1 : 0, score: q.score, epochs: q.cleanEpochs })) };
  }
  return out;
}

function withOneHot(values: readonly Float32Array[], cond: readonly number[], nCond: number): Float32Array[] {
  return values.map((v, i) => {
    const x = new Float32Array(v.length + nCond);
    x.set(v);
    x[v.length + cond[i]!] = 1;
    return x;
  });
}

/** Logistic two-sample test (C 1, standardised, conditions one-hot): fit real vs synthetic on one pair, AUC on a fresh pair; 0.5 = indistinguishable. */
export function twoSampleLogisticAuc(
  train: { real: Float32Array[]; realCond: number[]; synth: Float32Array[]; synthCond: number[] },
  test: { real: Float32Array[]; realCond: number[]; synth: Float32Array[]; synthCond: number[] },
  nCond: number,
): number {
  const x = [...withOneHot(train.real, train.realCond, nCond), ...withOneHot(train.synth, train.synthCond, nCond)];
  const y = [...train.real.map(() => 0), ...train.synth.map(() => 1)];
  const model = LogisticModel.fit(toMatrix(x), y, { l2: 1 / x.length, epochs: 800, learningRate: 0.05 });
  const pr = model.predict(toMatrix(withOneHot(test.real, test.realCond, nCond)));
  const ps = model.predict(toMatrix(withOneHot(test.synth, test.synthCond, nCond)));
  return aucByRank(ps, pr);
}

const TREE_MIN_SAMPLES_LEAF = 20;

/**
 * Tree two-sample test (gradient-boosted trees with scikit-learn's defaults, `gbdt.ts`; values and conditions one-hot,
 * unstandardised): fit real vs synthetic on one pair, AUC on a fresh pair; 0.5 = indistinguishable. The test of
 * `training/gan/eeg_eval.py` ("gbt"): it sees non-linear differences (spread, interactions) the logistic test misses.
 * NaN (null in JSON) below 40 training rows: with 20 rows per leaf no tree could split, and 0.5 would be an artefact.
 */
export function twoSampleTreeAuc(
  train: { real: Float32Array[]; realCond: number[]; synth: Float32Array[]; synthCond: number[] },
  test: { real: Float32Array[]; realCond: number[]; synth: Float32Array[]; synthCond: number[] },
  nCond: number,
  rng: SeededRandom,
): number {
  const x = [...withOneHot(train.real, train.realCond, nCond), ...withOneHot(train.synth, train.synthCond, nCond)];
  if (x.length < 2 * TREE_MIN_SAMPLES_LEAF) return Number.NaN;
  const y = [...train.real.map(() => 0), ...train.synth.map(() => 1)];
  const model = GradientBoostedTrees.fit(toMatrix(x), y, rng, { minSamplesLeaf: TREE_MIN_SAMPLES_LEAF });
  const pr = model.predict(toMatrix(withOneHot(test.real, test.realCond, nCond)));
  const ps = model.predict(toMatrix(withOneHot(test.synth, test.synthCond, nCond)));
  return aucByRank(ps, pr);
}

export interface PrivacyResult {
  /** DCR attack: members (training persons' epochs) closer to the synthetic set than non-members (held-out persons' epochs); 0.5 = no leak. */
  membershipAuc: number;
  /** median(synthetic-to-train nearest distance) / median(test-to-train); >= 1 = synthetic no closer than new persons. */
  dcrRatio: number;
  dcrMedian: { synthToTrain: number; testToTrain: number };
}

/** Per-column mean and SD (population, + 1e-9) of equal-length rows: the standardisation of the privacy measures. */
export function meanSd(rows: readonly Float32Array[]): { mu: Float64Array; sd: Float64Array } {
  const d = rows[0]!.length;
  const mu = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const v of rows) for (let k = 0; k < d; k++) mu[k] += v[k]! / rows.length;
  for (const v of rows) for (let k = 0; k < d; k++) sd[k] += (v[k]! - mu[k]!) ** 2 / rows.length;
  for (let k = 0; k < d; k++) sd[k] = Math.sqrt(sd[k]!) + 1e-9;
  return { mu, sd };
}

/** Rows -> matrix standardised by the members' per-column mean and SD. */
export function standardiser(members: readonly Float32Array[]): (rows: readonly Float32Array[]) => Matrix {
  const { mu, sd } = meanSd(members);
  const d = mu.length;
  return (rows) => {
    const m = toMatrix(rows);
    for (let i = 0; i < m.data.length; i++) m.data[i] = (m.data[i]! - mu[i % d]!) / sd[i % d]!;
    return m;
  };
}

/** Nearest distances of the DCR measures, standardised by the members: to synthA (members, non-members), and to the members (synthB, non-members). */
export interface DcrDistances {
  member: number[];
  nonMember: number[];
  synthToTrain: number[];
  testToTrain: number[];
}

export function dcrDistances(members: readonly Float32Array[], nonMembers: readonly Float32Array[], synthA: readonly Float32Array[], synthB: readonly Float32Array[]): DcrDistances {
  const z = standardiser(members);
  const zMem = z(members), zNon = z(nonMembers), zA = z(synthA);
  return {
    member: nearestDistances(zMem, zA),
    nonMember: nearestDistances(zNon, zA),
    synthToTrain: nearestDistances(z(synthB), zMem),
    testToTrain: nearestDistances(zNon, zMem),
  };
}

/** The DCR attack's AUC and the DCR ratio from the distances. */
export function privacyFrom(d: DcrDistances): PrivacyResult {
  const synthToTrain = quantile([...d.synthToTrain].sort((a, b) => a - b), 0.5), testToTrain = quantile([...d.testToTrain].sort((a, b) => a - b), 0.5);
  return { membershipAuc: aucByRank(d.member.map((x) => -x), d.nonMember.map((x) => -x)), dcrRatio: synthToTrain / testToTrain, dcrMedian: { synthToTrain, testToTrain } };
}

export function privacy(members: readonly Float32Array[], nonMembers: readonly Float32Array[], synthA: readonly Float32Array[], synthB: readonly Float32Array[]): PrivacyResult {
  return privacyFrom(dcrDistances(members, nonMembers, synthA, synthB));
}

export interface BandMapStats {
  meanR: number;
  meanRmse: number;
  sdR: number;
  realSdMean: number;
  synthSdMean: number;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) (ma += a[i]! / n), (mb += b[i]! / n);
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma, y = b[i]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Spline weights W[pixel][electrode] inside the head (the maps are W @ band values, 0 outside). */
export function splineWeights(g: MapGeometry): Float64Array[] {
  const mapper = mapperFor(g);
  const n = g.electrodes.length;
  const pixels = g.gridPx * g.gridPx;
  const cols = Array.from({ length: n }, (_, e) => mapper.stack([Float64Array.from({ length: n }, (_, k) => (k === e ? 1 : 0))]));
  const out: Float64Array[] = [];
  for (let p = 0; p < pixels; p++) {
    const w = Float64Array.from(cols, (c) => c[p]!);
    if (w.some((x) => x !== 0)) out.push(w);
  }
  return out;
}

/**
 * Per band: Pearson r and RMSE of the mean map, r of the SD map (population SD per pixel), real vs
 * synthetic, inside the head. Maps are linear in the values, so mean map = W mu and pixel variance =
 * w' S w from each band's 19-value mean and covariance: exact, without drawing every map.
 */
export function mapStats(real: readonly Float32Array[], synth: readonly Float32Array[], g: MapGeometry, weights: readonly Float64Array[]): Record<string, BandMapStats> {
  const n = g.electrodes.length;
  const moments = (rows: readonly Float32Array[], b: number) => {
    const mu = new Float64Array(n);
    for (const v of rows) for (let e = 0; e < n; e++) mu[e] += v[b * n + e]! / rows.length;
    const cov = new Float64Array(n * n);
    for (const v of rows)
      for (let i = 0; i < n; i++) {
        const di = v[b * n + i]! - mu[i]!;
        for (let j = 0; j < n; j++) cov[i * n + j] += (di * (v[b * n + j]! - mu[j]!)) / rows.length;
      }
    const mean = weights.map((w) => w.reduce((s, x, e) => s + x * mu[e]!, 0));
    const sd = weights.map((w) => {
      let s = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += w[i]! * cov[i * n + j]! * w[j]!;
      return Math.sqrt(Math.max(0, s));
    });
    return { mean, sd };
  };
  const out: Record<string, BandMapStats> = {};
  g.bands.forEach((band, b) => {
    const r = moments(real, b), s = moments(synth, b);
    const rmse = Math.sqrt(r.mean.reduce((acc, x, i) => acc + (x - s.mean[i]!) ** 2, 0) / r.mean.length);
    out[band] = { meanR: pearson(r.mean, s.mean), meanRmse: rmse, sdR: pearson(r.sd, s.sd), realSdMean: r.sd.reduce((a, x) => a + x, 0) / r.sd.length, synthSdMean: s.sd.reduce((a, x) => a + x, 0) / s.sd.length };
  });
  return out;
}
