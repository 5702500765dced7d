// A population model with no memory of any beat, as the yardstick of the membership attacks: per
// class, one multivariate normal fitted to the member beats (mean and covariance of the 192 samples,
// a small ridge), sampled through its Cholesky factor. It keeps first and second moments only, so
// what an attack achieves against it is the distribution shift between the training persons and
// others, not memorisation. Running the same DCR attack with its samples in place of the GAN's, and
// the calibrated attack (distance to the population's samples over distance to the GAN's), splits a
// person-level membership AUC into "these persons differ from others" and "the GAN leaks them".
import type { SeededRandom } from '../../../common/random.js';
import { ofClass, type BeatSet } from './data.js';
import { aucWithCi, matrix, nearestDistances, type Matrix } from './stats.js';
import type { AttackResult } from './privacy.js';

/** Lower-triangular L with L L^T = a (a symmetric positive definite, n x n, row-major). */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(sum > 0)) throw new RangeError(`matrix not positive definite at row ${i}`);
        l[i * n + i] = Math.sqrt(sum);
      } else l[i * n + j] = sum / l[j * n + j]!;
    }
  }
  return l;
}

/** Mean and covariance (n - 1) of equal-length rows, with `ridge` x mean variance added to the diagonal. */
export function meanCovariance(rows: readonly Float32Array[], ridge = 1e-3): { mean: Float64Array; cov: Float64Array; dim: number } {
  const dim = rows[0]!.length;
  const mean = new Float64Array(dim);
  for (const r of rows) for (let i = 0; i < dim; i++) mean[i]! += r[i]!;
  for (let i = 0; i < dim; i++) mean[i]! /= rows.length;
  const cov = new Float64Array(dim * dim);
  const d = new Float64Array(dim);
  for (const r of rows) {
    for (let i = 0; i < dim; i++) d[i] = r[i]! - mean[i]!;
    for (let i = 0; i < dim; i++) for (let j = 0; j <= i; j++) cov[i * dim + j]! += d[i]! * d[j]!;
  }
  let trace = 0;
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j <= i; j++) cov[j * dim + i] = cov[i * dim + j] = cov[i * dim + j]! / Math.max(1, rows.length - 1);
    trace += cov[i * dim + i]!;
  }
  const add = (ridge * trace) / dim;
  for (let i = 0; i < dim; i++) cov[i * dim + i]! += add;
  return { mean, cov, dim };
}

/** A sampler of the multivariate normal fitted to `rows` (meanCovariance's ridge), drawn through its Cholesky factor. */
export function normalSampler(rows: readonly Float32Array[], rng: SeededRandom): () => Float32Array {
  const { mean, cov, dim } = meanCovariance(rows);
  const l = cholesky(cov, dim);
  const z = new Float64Array(dim);
  return () => {
    for (let i = 0; i < dim; i++) z[i] = rng.gaussian();
    const x = new Float32Array(dim);
    for (let i = 0; i < dim; i++) {
      let v = mean[i]!;
      for (let k = 0; k <= i; k++) v += l[i * dim + k]! * z[k]!;
      x[i] = v;
    }
    return x;
  };
}

/** `perClass` samples of each class's normal (N = 0, V = 1), fitted to `members`; records are 'population'. */
export function populationSamples(members: BeatSet, perClass: number, rng: SeededRandom): BeatSet {
  const out: BeatSet = { beats: [], classes: [], records: [] };
  for (const cls of [0, 1]) {
    const rows = ofClass(members, cls).beats;
    if (rows.length < 2) continue;
    const draw = normalSampler(rows, rng);
    for (let s = 0; s < perClass; s++) {
      out.beats.push(draw());
      out.classes.push(cls);
      out.records.push('population');
    }
  }
  return out;
}

/**
 * Calibrated DCR attack: a candidate's score is its distance to the nearest population sample over
 * its distance to the nearest synthetic one (> 1: closer to the GAN than a memoryless model of the
 * same persons would put it). AUC 0.5 = the GAN reveals no more about its members than the population model.
 */
export function calibratedDcrAttack(synthetic: Matrix, population: Matrix, members: BeatSet, nonMembers: BeatSet, rng: SeededRandom): AttackResult {
  const score = (set: BeatSet) => {
    const w = matrix(set.beats);
    const toPop = nearestDistances(w, population);
    const toGan = nearestDistances(w, synthetic);
    return toPop.map((d, i) => d / Math.max(toGan[i]!, 1e-12));
  };
  const m = score(members);
  const n = score(nonMembers);
  return { ...aucWithCi(m, members.records, n, nonMembers.records, rng), members: m.length, nonMembers: n.length };
}
