// The EEG generator's membership attacks (src/models/gan/eval/eeg-privacy.ts) on constructed cases:
// a generator that copies its training persons must be caught by the discriminator and the
// person-level DCR attack (AUC 1); one that draws from the population all persons share must not
// (AUC near 0.5); the attacker's reference persons are never among the persons it is scored on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SeededRandom } from '../../../src/common/random.js';
import { eegAttacks, personMeans, splitNonMembers, type EpochRows } from '../../../src/models/gan/eval/eeg-privacy.js';

const D = 6;

/** `persons` persons x `epochs` epochs; person p's epochs = its own offset + noise. */
function persons(prefix: string, count: number, epochs: number, offset: (p: number) => number[], rng: SeededRandom): EpochRows & { label: Map<string, number> } {
  const values: Float32Array[] = [], subject: string[] = [], condition: number[] = [];
  const label = new Map<string, number>();
  for (let p = 0; p < count; p++) {
    const name = `${prefix}${p}`;
    label.set(name, p % 2);
    const o = offset(p);
    for (let e = 0; e < epochs; e++) {
      values.push(Float32Array.from({ length: D }, (_, k) => o[k]! + 0.3 * rng.gaussian()));
      subject.push(name);
      condition.push(p % 2);
    }
  }
  return { values, subject, condition, label };
}

test('splitNonMembers: disjoint halves per label, every person once, reproducible by seed', () => {
  const subjects = ['h1', 'h2', 'h3', 'm1', 'm2', 'm3', 'm4', 'h1', 'm1'];
  const labelOf = (s: string) => (s.startsWith('m') ? 1 : 0);
  const a = splitNonMembers(subjects, labelOf, new SeededRandom(3));
  const b = splitNonMembers(subjects, labelOf, new SeededRandom(3));
  assert.equal(a, b);
  assert.equal([...a.reference, ...a.evaluated].sort(), ['h1', 'h2', 'h3', 'm1', 'm2', 'm3', 'm4']);
  assert.ok(a.reference.every((s) => !a.evaluated.includes(s)));
  assert.is(a.evaluated.filter((s) => s.startsWith('m')).length, 2);
  assert.is(a.evaluated.filter((s) => s.startsWith('h')).length, 2);
  assert.is(a.reference.filter((s) => s.startsWith('h')).length, 1);
});

test('personMeans: one mean per person, in order of first appearance', () => {
  assert.equal(personMeans([1, 3, 10, 5], ['a', 'a', 'b', 'a']), [3, 10]);
});

test('eegAttacks: a generator that copies its members is caught at epoch and person level', () => {
  const rng = new SeededRandom(11);
  // members sit at +1 on every value, non-members at -1: a copy of the members is identifiable
  const members = persons('m', 10, 20, () => Array(D).fill(1), rng);
  const non = persons('n', 8, 20, () => Array(D).fill(-1), rng);
  const synthetic = { values: members.values.map((v) => v.map((x) => x + 0.01 * rng.gaussian())), condition: members.condition };
  const r = eegAttacks(members, non, synthetic, 2, (s) => non.label.get(s) ?? members.label.get(s)!, new SeededRandom(5));
  assert.ok(r.discriminator.epoch.auc > 0.99, String(r.discriminator.epoch.auc));
  assert.is(r.discriminator.person.auc, 1);
  assert.is(r.dcrPerson.auc, 1);
  assert.is(r.discriminator.person.members, 10);
  assert.is(r.discriminator.person.nonMembers, 4, 'scored on the evaluated half only');
  assert.is(r.dcrPerson.nonMembers, 8, 'DCR needs no reference: every held-out person');
  assert.ok(r.referencePersons.every((s) => !r.evaluatedPersons.includes(s)));
  assert.equal([...r.referencePersons, ...r.evaluatedPersons].sort(), [...new Set(non.subject)].sort());
});

test('eegAttacks: with one held-out person per label nothing is left as reference: the discriminator is unmeasured, DCR is not', () => {
  const rng = new SeededRandom(13);
  const members = persons('m', 6, 10, () => Array(D).fill(1), rng);
  const non = persons('n', 1, 10, () => Array(D).fill(-1), rng);
  const synthetic = { values: members.values, condition: members.condition };
  const r = eegAttacks(members, non, synthetic, 2, (s) => non.label.get(s) ?? members.label.get(s)!, new SeededRandom(1));
  assert.ok(Number.isNaN(r.discriminator.epoch.auc) && Number.isNaN(r.discriminator.person.auc));
  assert.match(r.discriminator.unmeasured ?? '', /1 held-out person\(s\): none left as the attacker's reference/);
  assert.is(r.dcrPerson.auc, 1);
});

test('eegAttacks: a generator of the shared population leaks nothing (AUC near 0.5)', () => {
  const rng = new SeededRandom(12);
  const offsets = Array.from({ length: 40 }, () => Array.from({ length: D }, () => rng.gaussian()));
  const members = persons('m', 20, 15, (p) => offsets[p]!, rng);
  const non = persons('n', 20, 15, (p) => offsets[20 + p]!, rng);
  // synthetic persons: fresh offsets from the same population
  const fresh = persons('s', 20, 15, () => Array.from({ length: D }, () => rng.gaussian()), rng);
  const r = eegAttacks(members, non, fresh, 2, (s) => non.label.get(s) ?? members.label.get(s)!, new SeededRandom(6));
  assert.ok(Math.abs(r.discriminator.epoch.auc - 0.5) < 0.15, String(r.discriminator.epoch.auc));
  assert.ok(Math.abs(r.dcrPerson.auc - 0.5) < 0.25, String(r.dcrPerson.auc));
  assert.ok(r.discriminator.epoch.ci[0] <= r.discriminator.epoch.auc && r.discriminator.epoch.auc <= r.discriminator.epoch.ci[1]);
});

test.run();
