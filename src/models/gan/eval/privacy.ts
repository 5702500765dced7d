// Privacy of synthetic ECG: can an attacker holding the synthetic set tell whether a given real
// beat (or person) trained the generator? Three attacks and one linkage test:
// - distance to closest record (DCR): a beat closer to some synthetic beat is guessed "member";
// - black-box discriminator (LOGAN, Hayes et al. 2019, black-box variant): the attacker trains a
//   classifier synthetic vs real reference beats known NOT to be members, and scores candidates
//   by how "synthetic" they look (memorised members look more synthetic);
// - DCR ratio: median distance of synthetic beats to the training beats over that of unseen real
//   beats to the training beats (well below 1 = synthetic beats sit on training beats);
// - re-identification with the similarity encoder: how often a synthetic strip matches some
//   training person at the same-wearer threshold, against how often a real strip of a person
//   outside the training set does (the false-match base rate), with the true-match rate of the
//   training persons' own unseen strips as the control that the instrument works; the two match
//   counts are compared by a one-sided Fisher exact test (both rates are estimated from strips).
// Two membership levels: beat (members vs the same persons' unseen beats: memorisation of
// examples) and person (members vs persons never seen: does the generator reveal who was in it).
import type { SeededRandom } from '../../../common/random.js';
import { cosine, meanTemplate } from '../../similarity/metrics.js';
import { beatFeatures } from './beat-features.js';
import { concatBeats, ofClass, type BeatSet } from './data.js';
import { LogisticModel } from './logistic.js';
import { aucWithCi, binomialUpperP, fisherExactUpperP, matrix, nearestDistances, quantile, type Matrix } from './stats.js';
import type { SeededRandom as Rng } from '../../../common/random.js';

export const MIA_TARGET_AUC = 0.55;

/** Equal numbers of N and V beats (at most `perClass` each), so class mix cannot separate two sets. */
export function balanced(set: BeatSet, perClass: number, rng: SeededRandom): BeatSet {
  const v = Math.min(perClass, ofClass(set, 1).beats.length);
  return concatBeats(ofClass(set, 0, rng, perClass), ofClass(set, 1, rng, v));
}

const wave = (set: BeatSet): Matrix => matrix(set.beats);

export interface AttackResult {
  auc: number;
  /** 95 % cluster-bootstrap interval over records (persons). */
  ci: [number, number];
  members: number;
  nonMembers: number;
}

export function dcrAttack(synthetic: Matrix, members: BeatSet, nonMembers: BeatSet, rng: Rng): AttackResult {
  const m = nearestDistances(wave(members), synthetic).map((d) => -d);
  const n = nearestDistances(wave(nonMembers), synthetic).map((d) => -d);
  return { ...aucWithCi(m, members.records, n, nonMembers.records, rng), members: m.length, nonMembers: n.length };
}

/** reference: real non-members the attacker knows (disjoint from the evaluated non-members). */
export function discriminatorAttack(synthetic: BeatSet, reference: BeatSet, members: BeatSet, nonMembers: BeatSet, rng: Rng): AttackResult {
  const model = LogisticModel.fit(beatFeatures([...synthetic.beats, ...reference.beats]), [...synthetic.beats.map(() => 1), ...reference.beats.map(() => 0)], { classWeight: 'balanced' });
  const m = model.predict(beatFeatures(members.beats));
  const n = model.predict(beatFeatures(nonMembers.beats));
  return { ...aucWithCi(m, members.records, n, nonMembers.records, rng), members: m.length, nonMembers: n.length };
}

export interface DcrRatio {
  /** median DCR(synthetic -> training) / median DCR(unseen real -> training). */
  median: number;
  /** The same at the 5th percentile (the closest synthetic beats). */
  p5: number;
  syntheticMedianMv: number;
  unseenMedianMv: number;
}

export function dcrRatio(synthetic: BeatSet, unseen: BeatSet, training: Matrix): DcrRatio {
  const s = nearestDistances(wave(synthetic), training).sort((a, b) => a - b);
  const u = nearestDistances(wave(unseen), training).sort((a, b) => a - b);
  return { median: quantile(s, 0.5) / quantile(u, 0.5), p5: quantile(s, 0.05) / quantile(u, 0.05), syntheticMedianMv: quantile(s, 0.5), unseenMedianMv: quantile(u, 0.5) };
}

export interface ReidResult {
  threshold: number;
  /** Share of synthetic strips whose embedding matches some training person's template. */
  syntheticMatchRate: number;
  /** Share of strips of persons outside the training set that match some training person. */
  baseRate: number;
  /** Share of the training persons' own unseen strips matching their own template (the control). */
  controlTrueMatchRate: number;
  /** One-sided Fisher exact p-value: are synthetic strips more often matched than the outside strips?
   *  (Both rates are estimates; the test conditions on the total number of matches.) The gated value. */
  p: number;
  /** One-sided binomial p-value of the synthetic match count with the base rate taken as exact: what this
   *  check used before 2026-12-03, reported for comparison; with a base rate of 0 one match gives p = 0. */
  pPointBaseRate: number;
  /** Matching strips: synthetic, and outside the training set. */
  matches: { synthetic: number; outside: number };
  /** Largest share of synthetic strips whose best match is one single training person, and who. */
  topPersonShare: number;
  topPerson: string;
  strips: { synthetic: number; outside: number; control: number };
}

/** strip embeddings: one mean (L2-normalised) embedding per strip; templates per training person. */
export function reidentification(templates: Map<string, Float32Array>, synthetic: Float32Array[], outside: Float32Array[], control: { person: string; embedding: Float32Array }[], threshold: number): ReidResult {
  const best = (e: Float32Array) => {
    let who = '';
    let score = -Infinity;
    for (const [person, t] of templates) {
      const c = cosine(e, t);
      if (c > score) [who, score] = [person, c];
    }
    return { who, score };
  };
  const synth = synthetic.map(best);
  const k = synth.filter((b) => b.score >= threshold).length;
  const outsideMatches = outside.map(best).filter((b) => b.score >= threshold).length;
  const baseRate = outsideMatches / Math.max(1, outside.length);
  const controlRate = control.filter((c) => cosine(c.embedding, templates.get(c.person) as Float32Array) >= threshold).length / Math.max(1, control.length);
  const counts = new Map<string, number>();
  for (const b of synth) counts.set(b.who, (counts.get(b.who) ?? 0) + 1);
  return {
    threshold,
    syntheticMatchRate: k / Math.max(1, synthetic.length),
    baseRate,
    controlTrueMatchRate: controlRate,
    p: fisherExactUpperP(k, synthetic.length, outsideMatches, outside.length),
    pPointBaseRate: binomialUpperP(k, synthetic.length, baseRate),
    matches: { synthetic: k, outside: outsideMatches },
    topPersonShare: Math.max(0, ...counts.values()) / Math.max(1, synthetic.length),
    topPerson: [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '',
    strips: { synthetic: synthetic.length, outside: outside.length, control: control.length },
  };
}

export { meanTemplate };
