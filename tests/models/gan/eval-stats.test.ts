// The statistics behind `weargate eval synth ecg`, against definitions computed another way.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SeededRandom } from '../../../src/common/random.js';
import { rocAuc } from '../../../src/models/mdd/metrics.js';
import { qrsWidthMs } from '../../../src/models/gan/eval/beat-features.js';
import { LogisticModel } from '../../../src/models/gan/eval/logistic.js';
import { recordWeightedDraw } from '../../../src/models/gan/eval/utility.js';
import { aucByRank, aucWithCi, binomialUpperP, clusterBootstrapCi, fisherExactUpperP, ks2, logGamma, matrix, mmdPermutationTest, nearestDistances, summarize } from '../../../src/models/gan/eval/stats.js';
import { reidentification } from '../../../src/models/gan/eval/privacy.js';

test('rank AUC equals the pairwise Mann-Whitney AUC, ties included', () => {
  const rng = new SeededRandom(3);
  const pos = Array.from({ length: 60 }, () => Math.round(rng.gaussian() * 4 + 1));
  const neg = Array.from({ length: 45 }, () => Math.round(rng.gaussian() * 4));
  const ref = rocAuc([...pos.map(() => 1), ...neg.map(() => 0)], [...pos, ...neg]);
  assert.ok(Math.abs(aucByRank(pos, neg) - ref) < 1e-12);
  assert.is(aucByRank([2, 3], [0, 1]), 1);
  assert.is(aucByRank([1], [1]), 0.5);
});

test('record-weighted draw: a record of n beats gets a share proportional to sqrt(n)', () => {
  // A: 100 beats (weight 1/10 each, 10 in all), B: 4 beats (1/2 each, 2 in all): B's share 2/12
  const set = { beats: Array.from({ length: 104 }, (_, i) => Float32Array.of(i)), classes: Array.from({ length: 104 }, () => 1), records: Array.from({ length: 104 }, (_, i) => (i < 100 ? 'A' : 'B')) };
  const draw = recordWeightedDraw(set, 12_000, new SeededRandom(7));
  assert.is(draw.beats.length, 12_000);
  const shareB = draw.records.filter((r) => r === 'B').length / 12_000;
  assert.ok(Math.abs(shareB - 2 / 12) < 0.01, `B share ${shareB}`);
  // within a record every beat is equally likely, and each drawn beat keeps its class and record
  const b = draw.beats.filter((_, i) => draw.records[i] === 'B').map((x) => x[0]!);
  for (const k of [100, 101, 102, 103]) assert.ok(Math.abs(b.filter((v) => v === k).length / b.length - 0.25) < 0.03, `beat ${k}`);
  assert.ok(draw.beats.every((x, i) => (x[0]! < 100) === (draw.records[i] === 'A')));
});

test('KS: D of disjoint samples is 1, of identical samples 0, and shifted normals are told apart', () => {
  assert.is(ks2([1, 2, 3], [4, 5, 6]).d, 1);
  assert.is(ks2([1, 2, 3], [1, 2, 3]).d, 0);
  const rng = new SeededRandom(5);
  const a = Array.from({ length: 400 }, () => rng.gaussian());
  const b = Array.from({ length: 400 }, () => rng.gaussian() + 0.5);
  const c = Array.from({ length: 400 }, () => rng.gaussian());
  assert.ok(ks2(a, b).p < 1e-4);
  assert.ok(ks2(a, c).p > 0.01);
});

test('MMD permutation test: same distribution not rejected, a mean shift rejected', () => {
  const rng = new SeededRandom(9);
  const draw = (shift: number) => matrix(Array.from({ length: 80 }, () => Float32Array.from({ length: 4 }, () => rng.gaussian() + shift)));
  const same = mmdPermutationTest(draw(0), draw(0), rng, 100);
  const shifted = mmdPermutationTest(draw(0), draw(0.8), rng, 100);
  assert.ok(same.p > 0.05, `same p ${same.p}`);
  assert.ok(shifted.p < 0.02, `shifted p ${shifted.p}`);
  assert.ok(shifted.mmd2 > same.mmd2);
});

test('nearest distances match a direct computation', () => {
  const q = matrix([Float32Array.of(0, 0), Float32Array.of(3, 4)]);
  const r = matrix([Float32Array.of(1, 0), Float32Array.of(3, 5), Float32Array.of(-2, -2)]);
  assert.equal(nearestDistances(q, r), [1, 1]);
});

test('summaries: quantiles by linear interpolation', () => {
  const s = summarize([4, 1, 3, 2, 5]);
  assert.is(s.median, 3);
  assert.is(s.p25, 2);
  assert.is(s.mean, 3);
  assert.is(s.n, 5);
});

test('logistic regression learns a separable rule and scores by probability', () => {
  const rng = new SeededRandom(2);
  const rows: Float32Array[] = [];
  const y: number[] = [];
  for (let i = 0; i < 400; i++) {
    const x = Float32Array.from({ length: 3 }, () => rng.gaussian());
    rows.push(x);
    y.push(x[0] - 2 * x[2] > 0 ? 1 : 0);
  }
  const m = LogisticModel.fit(matrix(rows), y, { epochs: 300 });
  const p = m.predict(matrix(rows));
  const acc = p.filter((v, i) => (v >= 0.5 ? 1 : 0) === y[i]).length / y.length;
  assert.ok(acc > 0.95, `accuracy ${acc}`);
  assert.throws(() => LogisticModel.fit(matrix(rows), y.map(() => 1)), /both classes/);
});

test('QRS width follows the width of a synthetic QRS complex', () => {
  const beat = (halfWidthSamples: number) => {
    const b = new Float32Array(192);
    for (let i = -halfWidthSamples; i <= halfWidthSamples; i++) b[64 + i] = 1 - Math.abs(i) / halfWidthSamples;
    return b;
  };
  const narrow = qrsWidthMs(beat(10), 64, 250);
  const wide = qrsWidthMs(beat(20), 64, 250);
  assert.ok(Math.abs(narrow - 80) <= 12, `narrow ${narrow} ms`);
  assert.ok(Math.abs(wide - 160) <= 12, `wide ${wide} ms`);
});

test('cluster bootstrap: whole groups are resampled, so correlated items do not shrink the interval', () => {
  const rng = new SeededRandom(11);
  // 6 groups, each with 50 identical items: the mean's interval is the spread of 6 group values, not of 300 items.
  const values = Array.from({ length: 6 }, (_, g) => g);
  const groups = values.flatMap((_, g) => Array.from({ length: 50 }, () => `g${g}`));
  const items = values.flatMap((v) => Array.from({ length: 50 }, () => v));
  const [lo, hi] = clusterBootstrapCi(groups, (idx) => idx.reduce((s, i) => s + items[i], 0) / idx.length, rng, 400);
  assert.ok(hi - lo > 1.5, `interval ${lo}..${hi} reflects 6 groups`);
  const perItem = clusterBootstrapCi(items.map((_, i) => `i${i}`), (idx) => idx.reduce((s, i) => s + items[i], 0) / idx.length, rng, 400);
  assert.ok(perItem[1] - perItem[0] < 0.7, 'treating items as independent would give a narrow interval');
  const a = aucWithCi([3, 4, 5], ['a', 'a', 'b'], [0, 1, 2], ['c', 'c', 'd'], rng, 200);
  assert.is(a.auc, 1);
  assert.equal(a.ci, [1, 1]);
});

test('binomial and one-sided Fisher exact tails match scipy.stats (binom.sf, fisher_exact alternative=greater)', () => {
  const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, b), `${what}: ${a} vs ${b}`);
  near(Math.exp(logGamma(11)), 3_628_800, 'Gamma(11) = 10!');
  near(fisherExactUpperP(3, 4, 1, 4), 0.24285714285714283, "Fisher's tea-tasting table");
  near(fisherExactUpperP(1, 150, 0, 300), 1 / 3, 'one match against a base of 0 of 300');
  near(fisherExactUpperP(3, 150, 0, 300), 0.03654284653727861, 'three matches against 0 of 300');
  near(fisherExactUpperP(9, 150, 6, 300), 0.028600154607698505, '9/150 against 6/300');
  assert.is(fisherExactUpperP(0, 150, 5, 300), 1);
  near(binomialUpperP(3, 150, 0.01), 0.190518137983936, 'binom.sf(2, 150, 0.01)');
  near(binomialUpperP(10, 150, 0.02), 0.000946950150459781, 'binom.sf(9, 150, 0.02)');
  assert.is(binomialUpperP(1, 150, 0), 0);
  assert.throws(() => fisherExactUpperP(5, 4, 0, 4), /not a 2 x 2/);
});

test('re-identification: one synthetic match against a base rate of 0 is not evidence (Fisher), the point-rate binomial says it is', () => {
  const unit = (i: number) => Float32Array.from({ length: 4 }, (_, j) => (j === i ? 1 : 0));
  const templates = new Map([['100', unit(0)], ['101', unit(1)]]);
  const far = unit(3);
  const synthetic = [unit(0), ...Array.from({ length: 149 }, () => far)];
  const outside = Array.from({ length: 300 }, () => far);
  const r = reidentification(templates, synthetic, outside, [{ person: '100', embedding: unit(0) }], 0.9);
  assert.equal(r.matches, { synthetic: 1, outside: 0 });
  assert.is(r.baseRate, 0);
  assert.is(r.pPointBaseRate, 0);
  assert.ok(Math.abs(r.p - 1 / 3) < 1e-9, `Fisher p ${r.p}`);
  assert.is(r.controlTrueMatchRate, 1);
  // twenty matching synthetic strips are evidence either way
  const many = reidentification(templates, [...Array.from({ length: 20 }, () => unit(1)), ...Array.from({ length: 130 }, () => far)], outside, [], 0.9);
  assert.ok(many.p < 1e-6, `Fisher p ${many.p}`);
});

test.run();
