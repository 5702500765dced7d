// The extra arms of `eval synth eeg-maps` on sets whose answer is known: the minority top-up counts,
// the per-condition Gaussian twin's moments, the calibrated attack against a generator that copies its
// members and one that knows only the population, and MMD² on equal and on shifted distributions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SeededRandom } from '../../../src/common/random.js';
import { dcrDistances } from '../../../src/models/gan/eval/eeg-metrics.js';
import { gaussianReference, gaussianTwin, mmdVsMembers, topUpConditions } from '../../../src/models/gan/eval/eeg-reference.js';

const CONDS = ['MDD-EC', 'MDD-EO', 'healthy-EC', 'healthy-EO'];

test('topUpConditions: the minority label of each eyes condition is topped up to the majority count', () => {
  const cond = [...Array(10).fill(0), ...Array(7).fill(1), ...Array(4).fill(2), ...Array(9).fill(3)];
  const extra = topUpConditions(cond, CONDS);
  // EC: 10 MDD vs 4 healthy -> 6 healthy-EC; EO: 7 MDD vs 9 healthy -> 2 MDD-EO
  assert.equal(extra, [...Array(6).fill(2), 1, 1]);
  assert.equal(topUpConditions([0, 2, 1, 3], CONDS), []);
});

const vec = (rng: SeededRandom, dim: number, shift = 0) => Float32Array.from({ length: dim }, () => rng.gaussian() + shift);

test('gaussianTwin: per condition, samples with the mean and spread of that condition; an unfittable condition is an error', () => {
  const rng = new SeededRandom(3);
  const values = [...Array.from({ length: 2000 }, () => vec(rng, 3)), ...Array.from({ length: 2000 }, () => vec(rng, 3, 5).map((x) => 2 * x))];
  const cond = [...Array(2000).fill(0), ...Array(2000).fill(1)];
  const out = gaussianTwin(values, cond, [...Array(3000).fill(1), ...Array(3000).fill(0)], new SeededRandom(4));
  const mean = (rows: Float32Array[]) => rows.reduce((a, r) => a + r[0]!, 0) / rows.length;
  const sd = (rows: Float32Array[]) => Math.sqrt(rows.reduce((a, r) => a + (r[0]! - mean(rows)) ** 2, 0) / rows.length);
  assert.ok(Math.abs(mean(out.slice(0, 3000)) - 10) < 0.15 && Math.abs(sd(out.slice(0, 3000)) - 2) < 0.1, `condition 1: ${mean(out.slice(0, 3000))}`);
  assert.ok(Math.abs(mean(out.slice(3000))) < 0.1 && Math.abs(sd(out.slice(3000)) - 1) < 0.05);
  assert.throws(() => gaussianTwin(values, cond, [2], new SeededRandom(1)), /condition 2: 0 training epoch\(s\)/);
});

test('gaussianReference: a generator that copies its members is caught beyond the Gaussian; a population generator is not', () => {
  const rng = new SeededRandom(11);
  const dim = 6;
  // members and non-members from one population: a memoryless model cannot tell them apart
  const members = Array.from({ length: 300 }, () => vec(rng, dim));
  const nonMembers = Array.from({ length: 300 }, () => vec(rng, dim));
  const gaussA = gaussianTwin(members, members.map(() => 0), members.map(() => 0), new SeededRandom(12));
  const gaussB = gaussianTwin(members, members.map(() => 0), members.map(() => 0), new SeededRandom(13));
  const copier = members.map((m) => m.map((x) => x + 0.01 * rng.gaussian()));
  const gauss = dcrDistances(members, nonMembers, gaussA, gaussB);
  const leak = gaussianReference(dcrDistances(members, nonMembers, copier, copier), gauss);
  assert.ok(leak.membershipAucRelativeToGaussian > 0.95, `copier: ${leak.membershipAucRelativeToGaussian}`);
  assert.ok(Math.abs(leak.membershipAuc - 0.5) < 0.08, `Gaussian's own DCR attack: ${leak.membershipAuc}`);
  assert.ok(Math.abs(leak.dcrRatio - 1) < 0.15, `Gaussian DCR ratio ${leak.dcrRatio}`);
  const population = Array.from({ length: 300 }, () => vec(rng, dim));
  const none = gaussianReference(dcrDistances(members, nonMembers, population, population), gauss);
  assert.ok(Math.abs(none.membershipAucRelativeToGaussian - 0.5) < 0.08, `population generator: ${none.membershipAucRelativeToGaussian}`);
});

test('mmdVsMembers: the same distribution is not rejected, a shifted one is; at most `max` epochs per side', () => {
  const rng = new SeededRandom(21);
  const members = Array.from({ length: 400 }, () => vec(rng, 5));
  const same = Array.from({ length: 400 }, () => vec(rng, 5));
  const shifted = Array.from({ length: 400 }, () => vec(rng, 5, 0.5));
  const r = mmdVsMembers(members, same, shifted, new SeededRandom(22), 150, 100);
  assert.is(r.syntheticVsMembers.n, 150);
  assert.ok(r.syntheticVsMembers.p < 0.02 && r.syntheticVsMembers.mmd2 > 0, JSON.stringify(r.syntheticVsMembers));
  assert.ok(r.heldOutVsMembers.p > 0.05 && r.heldOutVsMembers.mmd2 < r.syntheticVsMembers.mmd2 / 4, JSON.stringify(r.heldOutVsMembers));
});

test.run();
