// Membership attacks on the EEG map generator, beside eeg-metrics.ts's epoch-level DCR attack:
// - black-box discriminator (LOGAN, Hayes et al. 2019): the attacker fits a logistic classifier of
//   the synthetic epochs against real epochs of persons it knows were NOT in training (the
//   "reference" half of the fold's held-out persons), then scores candidates by how synthetic they
//   look; the evaluated non-members are the OTHER half, so the attacker's own reference persons
//   never score themselves;
// - both attacks at person level too (a person's score = mean over the person's epochs): does the
//   generator reveal WHO was in its training set, the question a clinic asks.
// Epoch-level intervals: bootstrap over persons (epochs of one person are not independent).
import { SeededRandom } from '../../../common/random.js';
import { meanSd } from './eeg-metrics.js';
import { LogisticModel } from './logistic.js';
import { aucByRank, aucWithCi, nearestDistances, type Matrix } from './stats.js';

export interface EpochRows {
  values: readonly Float32Array[];
  subject: readonly string[];
  /** Condition index (label x eyes) of each epoch: one-hot features, so condition mix cannot separate sets. */
  condition: readonly number[];
}

export interface LevelAuc {
  auc: number;
  members: number;
  nonMembers: number;
}

export interface EegAttacks {
  /** The held-out persons the attacker used as known non-members, and those it was scored on. */
  referencePersons: string[];
  evaluatedPersons: string[];
  /** NaN AUCs (JSON null) when the fold's held-out persons cannot be split into a reference and an evaluated half. */
  discriminator: { epoch: LevelAuc & { ci: [number, number] }; person: LevelAuc; unmeasured?: string };
  /** The DCR attack (nearest synthetic epoch, standardised values) at person level, all held-out persons. */
  dcrPerson: LevelAuc;
}

/** Held-out persons split in two, per label (seeded): the attacker's reference and the evaluated ones. */
export function splitNonMembers(subjects: readonly string[], labelOf: (s: string) => number, rng: SeededRandom): { reference: string[]; evaluated: string[] } {
  const reference: string[] = [];
  const evaluated: string[] = [];
  for (const lab of [0, 1]) {
    const group = [...new Set(subjects)].filter((s) => labelOf(s) === lab).sort();
    for (let i = group.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [group[i], group[j]] = [group[j]!, group[i]!];
    }
    group.forEach((s, i) => (i % 2 === 0 ? evaluated : reference).push(s));
  }
  return { reference: reference.sort(), evaluated: evaluated.sort() };
}

/** Standardised values (z by the given rows' mean and SD) with the condition one-hot appended. */
function features(rows: readonly Float32Array[], cond: readonly number[], nCond: number, mu: Float64Array, sd: Float64Array): Matrix {
  const d = mu.length;
  const cols = d + nCond;
  const data = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => {
    for (let k = 0; k < d; k++) data[i * cols + k] = (r[k]! - mu[k]!) / sd[k]!;
    if (nCond > 0) data[i * cols + d + cond[i]!] = 1;
  });
  return { rows: rows.length, cols, data };
}

/** Mean score per person, for the persons in `subjects` order of first appearance. */
export function personMeans(scores: readonly number[], subject: readonly string[]): number[] {
  const sum = new Map<string, [number, number]>();
  scores.forEach((s, i) => {
    const acc = sum.get(subject[i]!) ?? [0, 0];
    acc[0] += s;
    acc[1] += 1;
    sum.set(subject[i]!, acc);
  });
  return [...sum.values()].map(([s, n]) => s / n);
}

function pick(rows: EpochRows, keep: (subject: string) => boolean): EpochRows {
  const idx = rows.subject.map((s, i) => (keep(s) ? i : -1)).filter((i) => i >= 0);
  return { values: idx.map((i) => rows.values[i]!), subject: idx.map((i) => rows.subject[i]!), condition: idx.map((i) => rows.condition[i]!) };
}

/**
 * The attacks of one fold. members: the fold's training epochs; nonMembers: its held-out epochs;
 * synthetic: the fold generator's epochs (with the conditions they were drawn for).
 */
export function eegAttacks(members: EpochRows, nonMembers: EpochRows, synthetic: { values: readonly Float32Array[]; condition: readonly number[] }, nCond: number, labelOf: (s: string) => number, rng: SeededRandom): EegAttacks {
  const { reference, evaluated } = splitNonMembers(nonMembers.subject, labelOf, rng);
  const refRows = pick(nonMembers, (s) => reference.includes(s));
  const evalRows = pick(nonMembers, (s) => evaluated.includes(s));
  const dcrPerson = personDcr(members, nonMembers, synthetic);
  if (refRows.values.length === 0 || evalRows.values.length === 0) {
    const none = { auc: Number.NaN, members: members.values.length, nonMembers: evalRows.values.length };
    return {
      referencePersons: reference, evaluatedPersons: evaluated, dcrPerson,
      discriminator: { epoch: { ...none, ci: [Number.NaN, Number.NaN] }, person: { ...none, members: new Set(members.subject).size, nonMembers: evaluated.length }, unmeasured: `${new Set(nonMembers.subject).size} held-out person(s): none left as the attacker's reference or none to score` },
    };
  }
  // The attacker standardises with what it holds: the synthetic set and its reference persons.
  const { mu, sd } = meanSd([...synthetic.values, ...refRows.values]);
  const x = features([...synthetic.values, ...refRows.values], [...synthetic.condition, ...refRows.condition], nCond, mu, sd);
  const y = [...synthetic.values.map(() => 1), ...refRows.values.map(() => 0)];
  const model = LogisticModel.fit(x, y, { classWeight: 'balanced', l2: 1 / x.rows, epochs: 800, learningRate: 0.05 });
  const sm = model.predict(features(members.values, members.condition, nCond, mu, sd));
  const sn = model.predict(features(evalRows.values, evalRows.condition, nCond, mu, sd));
  const epoch = { ...aucWithCi(sm, members.subject, sn, evalRows.subject, rng), members: sm.length, nonMembers: sn.length };
  const pm = personMeans(sm, members.subject), pn = personMeans(sn, evalRows.subject);
  return {
    referencePersons: reference,
    evaluatedPersons: evaluated,
    discriminator: { epoch, person: { auc: aucByRank(pm, pn), members: pm.length, nonMembers: pn.length } },
    dcrPerson,
  };
}

/** DCR at person level: every held-out person is a non-member here (the DCR attacker needs no reference). */
function personDcr(members: EpochRows, nonMembers: EpochRows, synthetic: { values: readonly Float32Array[]; condition: readonly number[] }): LevelAuc {
  const z = meanSd(members.values);
  const plain = (rows: { values: readonly Float32Array[]; condition: readonly number[] }): Matrix => features(rows.values, rows.condition, 0, z.mu, z.sd);
  const synthZ = plain(synthetic);
  const dm = personMeans(nearestDistances(plain(members), synthZ).map((d) => -d), members.subject);
  const dn = personMeans(nearestDistances(plain(nonMembers), synthZ).map((d) => -d), nonMembers.subject);
  return { auc: aucByRank(dm, dn), members: dm.length, nonMembers: dn.length };
}
