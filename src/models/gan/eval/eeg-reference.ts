// What `weargate eval synth eeg-maps` measures beside the generator's own TSTR and attacks
// (training/gan/eeg_eval.py's arms, in TS):
// - augmentation: the fold's real training epochs plus synthetic epochs of the minority label,
//   each eyes condition topped up to the majority label's count of that condition;
// - a Gaussian reference: one multivariate normal per condition fitted to the fold's training
//   epochs (no memory of any epoch). Its TSTR and DCR membership AUC are what ANY model of the
//   training persons shows; the calibrated attack (distance to the Gaussian's samples over distance
//   to the GAN's) is what the GAN reveals beyond it (0.5 = nothing more);
// - MMD² (Gaussian kernel, permutation test) of synthetic vs the training persons' epochs, beside
//   the same test for the held-out persons' epochs vs the training persons' (the real spread).
import type { SeededRandom } from '../../../common/random.js';
import { privacyFrom, standardiser, type DcrDistances } from './eeg-metrics.js';
import { normalSampler } from './population.js';
import { aucByRank, mmdPermutationTest, sampleIndices } from './stats.js';

/** Condition indices to generate so that each eyes condition has as many minority- as majority-label epochs. */
export function topUpConditions(trainCond: readonly number[], conditions: readonly string[]): number[] {
  const counts = conditions.map((_, c) => trainCond.filter((x) => x === c).length);
  const out: number[] = [];
  for (const eyes of ['EC', 'EO']) {
    const idx = conditions.map((name, c) => ({ name, c })).filter((x) => x.name.toUpperCase().endsWith(`-${eyes}`));
    if (idx.length < 2) continue;
    const most = Math.max(...idx.map((x) => counts[x.c]!));
    for (const { c } of idx) for (let i = counts[c]!; i < most; i++) out.push(c);
  }
  return out;
}

/** Samples of the per-condition normal fitted to `values` (conditions with fewer than 2 epochs cannot be fitted: error). */
export function gaussianTwin(values: readonly Float32Array[], cond: readonly number[], want: readonly number[], rng: SeededRandom): Float32Array[] {
  const samplers = new Map<number, () => Float32Array>();
  return want.map((c) => {
    let draw = samplers.get(c);
    if (!draw) {
      const rows = values.filter((_, i) => cond[i] === c);
      if (rows.length < 2) throw new RangeError(`condition ${c}: ${rows.length} training epoch(s), a normal needs at least 2`);
      draw = normalSampler(rows, rng);
      samplers.set(c, draw);
    }
    return draw();
  });
}

export interface GaussianReference {
  /** DCR membership AUC with the Gaussian's samples in place of the GAN's. */
  membershipAuc: number;
  /** Calibrated attack: score = distance to the Gaussian's samples / distance to the GAN's; 0.5 = the GAN leaks no more. */
  membershipAucRelativeToGaussian: number;
  dcrRatio: number;
}

/** The Gaussian's DCR numbers and the calibrated attack, from the GAN's and the Gaussian's DCR distances (eeg_eval.py's). */
export function gaussianReference(gan: DcrDistances, gauss: DcrDistances): GaussianReference {
  const own = privacyFrom(gauss);
  const ratio = (g: number[], s: number[]) => g.map((d, i) => d / Math.max(s[i]!, 1e-12));
  return {
    membershipAuc: own.membershipAuc,
    membershipAucRelativeToGaussian: aucByRank(ratio(gauss.member, gan.member), ratio(gauss.nonMember, gan.nonMember)),
    dcrRatio: own.dcrRatio,
  };
}

export interface MmdResult {
  mmd2: number;
  p: number;
  /** Epochs per side (a seeded subsample of at most `max`). */
  n: number;
}

/** MMD² of synthetic vs members and of held-out persons vs members, standardised by the members, `max` epochs per side. */
export function mmdVsMembers(members: readonly Float32Array[], nonMembers: readonly Float32Array[], synth: readonly Float32Array[], rng: SeededRandom, max = 300, permutations = 200): { syntheticVsMembers: MmdResult; heldOutVsMembers: MmdResult } {
  const z = standardiser(members);
  const pick = (rows: readonly Float32Array[], n: number) => sampleIndices(rows.length, n, rng).map((i) => rows[i]!);
  const one = (other: readonly Float32Array[]): MmdResult => {
    const n = Math.min(max, members.length, other.length);
    if (n < 2) return { mmd2: Number.NaN, p: Number.NaN, n };
    const r = mmdPermutationTest(z(pick(other, n)), z(pick(members, n)), rng, permutations);
    return { mmd2: r.mmd2, p: r.p, n };
  };
  return { syntheticVsMembers: one(synth), heldOutVsMembers: one(nonMembers) };
}
