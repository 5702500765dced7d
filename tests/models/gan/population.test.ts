// The memoryless population model of the ECG privacy yardstick: its linear algebra against values
// computed by hand, its samples against the moments they were fitted to, and the calibrated attack on
// sets whose answer is known (a generator that copies its members; one that knows only the population).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SeededRandom } from '../../../src/common/random.js';
import { calibratedDcrAttack, cholesky, meanCovariance, populationSamples } from '../../../src/models/gan/eval/population.js';
import { matrix } from '../../../src/models/gan/eval/stats.js';
import type { BeatSet } from '../../../src/models/gan/eval/data.js';

test('cholesky: L L^T = A for a known matrix; a matrix that is not positive definite is refused', () => {
  const a = Float64Array.of(4, 12, -16, 12, 37, -43, -16, -43, 98);
  assert.equal(Array.from(cholesky(a, 3)), [2, 0, 0, 6, 1, 0, -8, 5, 3]);
  assert.throws(() => cholesky(Float64Array.of(1, 2, 2, 1), 2), /not positive definite at row 1/);
});

function set(rows: Float32Array[], cls: number, record: (i: number) => string): BeatSet {
  return { beats: rows, classes: rows.map(() => cls), records: rows.map((_, i) => record(i)) };
}

test('population samples have the mean and covariance they were fitted to (per class)', () => {
  const rng = new SeededRandom(5);
  // 3-sample "beats": x0 ~ N(1, 1), x1 = 2 x0 + N(0, 0.1^2), x2 ~ N(-3, 0.5^2); class 1 shifted by +10
  const make = (shift: number) => Array.from({ length: 4000 }, () => {
    const x0 = 1 + rng.gaussian();
    return Float32Array.of(x0 + shift, 2 * x0 + 0.1 * rng.gaussian() + shift, -3 + 0.5 * rng.gaussian() + shift);
  });
  const members: BeatSet = { beats: [...make(0), ...make(10)], classes: [...Array(4000).fill(0), ...Array(4000).fill(1)], records: Array(8000).fill('r') };
  const samples = populationSamples(members, 4000, new SeededRandom(6));
  assert.is(samples.beats.length, 8000);
  assert.ok(samples.records.every((r) => r === 'population'));
  for (const cls of [0, 1]) {
    const fitted = meanCovariance(members.beats.filter((_, i) => members.classes[i] === cls), 0);
    const drawn = meanCovariance(samples.beats.filter((_, i) => samples.classes[i] === cls), 0);
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(drawn.mean[i]! - fitted.mean[i]!) < 0.08, `class ${cls} mean ${i}`);
    for (let k = 0; k < 9; k++) assert.ok(Math.abs(drawn.cov[k]! - fitted.cov[k]!) < 0.12 * Math.max(1, Math.abs(fitted.cov[k]!)), `class ${cls} cov ${k}: ${drawn.cov[k]} vs ${fitted.cov[k]}`);
  }
});

test('calibrated attack: a copying generator exposes its members (AUC ~1); a population-only one does not (~0.5)', () => {
  const rng = new SeededRandom(9);
  const beat = () => Float32Array.from({ length: 8 }, () => rng.gaussian());
  const members = set(Array.from({ length: 300 }, beat), 0, (i) => `m${i % 10}`);
  const others = set(Array.from({ length: 300 }, beat), 0, (i) => `o${i % 10}`);
  const population = matrix(populationSamples({ beats: [...members.beats, ...others.beats], classes: Array(600).fill(0), records: Array(600).fill('x') }, 600, new SeededRandom(10)).beats);
  const copying = matrix(members.beats);
  const copied = calibratedDcrAttack(copying, population, members, others, new SeededRandom(11));
  assert.ok(copied.auc > 0.99, `copying generator: ${copied.auc}`);
  const memoryless = matrix(populationSamples({ beats: [...members.beats, ...others.beats], classes: Array(600).fill(0), records: Array(600).fill('x') }, 600, new SeededRandom(12)).beats);
  const none = calibratedDcrAttack(memoryless, population, members, others, new SeededRandom(13));
  assert.ok(Math.abs(none.auc - 0.5) < 0.08, `memoryless generator: ${none.auc}`);
  assert.is(none.members, 300);
  assert.is(none.nonMembers, 300);
});

test.run();
