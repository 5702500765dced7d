// The gradient-boosted trees of the tree two-sample test, against scikit-learn's HistGradientBoostingClassifier
// (tests/fixtures/gan/gbdt-reference.json, made by training/gan/gbdt_fixture.py) and on data whose answer is known.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SeededRandom } from '../../../src/common/random.js';
import { binThresholds, GradientBoostedTrees } from '../../../src/models/gan/eval/gbdt.js';
import { aucByRank, matrix } from '../../../src/models/gan/eval/stats.js';
import { twoSampleTreeAuc } from '../../../src/models/gan/eval/eeg-metrics.js';

interface Reference {
  xTrain: number[][];
  yTrain: number[];
  xTest: number[][];
  yTest: number[];
  probabilities: number[];
  probabilitiesOneIteration: number[];
  auc: number;
  iterations: number;
  logisticAuc: number;
  x5Thresholds: number[];
}
const ref = JSON.parse(readFileSync(new URL('../../fixtures/gan/gbdt-reference.json', import.meta.url), 'utf8')) as Reference;
const auc = (p: number[], y: number[]) => aucByRank(p.filter((_, i) => y[i] === 1), p.filter((_, i) => y[i] === 0));

test('bins: midpoints between few distinct values, numpy averaged-inverted-CDF quantiles otherwise', () => {
  assert.equal(Array.from(binThresholds(ref.xTrain.map((r) => Math.fround(r[5]!)), 255)), ref.x5Thresholds);
  assert.equal(Array.from(binThresholds([3, 1, 2, 2], 255)), [1.5, 2.5]);
  assert.is(binThresholds([7, 7, 7], 255).length, 0);
  // 10 values into 4 bins: percentiles 25, 50, 75 -> g = 2.5 (x[2]), 5 (mean of x[4], x[5]), 7.5 (x[7])
  assert.equal(Array.from(binThresholds([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4)), [2, 4.5, 7]);
});

test('the first tree is scikit-learn\'s, to rounding', () => {
  const m = GradientBoostedTrees.fit(matrix(ref.xTrain), ref.yTrain, new SeededRandom(1), { iterations: 1 });
  const p = m.predict(matrix(ref.xTest));
  const worst = Math.max(...p.map((v, i) => Math.abs(v - ref.probabilitiesOneIteration[i]!)));
  assert.ok(worst < 1e-9, `max |p - p_sklearn| after one tree: ${worst}`);
});

test('100 trees: the same AUC as scikit-learn within 0.01, far above a linear model', () => {
  const m = GradientBoostedTrees.fit(matrix(ref.xTrain), ref.yTrain, new SeededRandom(1));
  assert.is(m.iterations, ref.iterations); // 1,500 rows: no early stopping on either side
  const p = m.predict(matrix(ref.xTest));
  const a = auc(p, ref.yTest);
  assert.ok(Math.abs(a - ref.auc) < 0.01, `AUC ${a} vs scikit-learn ${ref.auc}`);
  assert.ok(a > ref.logisticAuc + 0.2, `AUC ${a}, logistic ${ref.logisticAuc}`);
  const meanGap = p.reduce((s, v, i) => s + Math.abs(v - ref.probabilities[i]!), 0) / p.length;
  assert.ok(meanGap < 0.06, `mean |p - p_sklearn| ${meanGap}`);
});

test('early stopping on more than 10,000 rows of pure noise ends long before 100 trees; the test AUC stays near 0.5', () => {
  const rng = new SeededRandom(5);
  const rows = (n: number) => Array.from({ length: n }, () => Float32Array.from({ length: 4 }, () => rng.gaussian()));
  const x = rows(10_400);
  const y = x.map(() => (rng.next() < 0.5 ? 1 : 0));
  const m = GradientBoostedTrees.fit(matrix(x), y, new SeededRandom(2));
  assert.ok(m.iterations < 60, `${m.iterations} trees`);
  const xt = rows(4000);
  const yt = xt.map(() => (rng.next() < 0.5 ? 1 : 0));
  const a = auc(m.predict(matrix(xt)), yt);
  assert.ok(Math.abs(a - 0.5) < 0.04, `AUC ${a}`);
  // off when asked: all 100 trees
  assert.is(GradientBoostedTrees.fit(matrix(x.slice(0, 3000)), y.slice(0, 3000), new SeededRandom(2), { earlyStopping: false, iterations: 12 }).iterations, 12);
});

test('tree two-sample test: same distribution near 0.5, a variance change (invisible to a linear model) near 1', () => {
  const rng = new SeededRandom(9);
  const draw = (n: number, sd: number) => Array.from({ length: n }, () => Float32Array.from({ length: 6 }, () => rng.gaussian() * sd));
  const conds = (n: number) => Array.from({ length: n }, (_, i) => i % 2);
  const same = twoSampleTreeAuc({ real: draw(1200, 1), realCond: conds(1200), synth: draw(1200, 1), synthCond: conds(1200) },
    { real: draw(800, 1), realCond: conds(800), synth: draw(800, 1), synthCond: conds(800) }, 2, new SeededRandom(1));
  assert.ok(Math.abs(same - 0.5) < 0.05, `same distribution: AUC ${same}`);
  const wider = twoSampleTreeAuc({ real: draw(1200, 1), realCond: conds(1200), synth: draw(1200, 2), synthCond: conds(1200) },
    { real: draw(800, 1), realCond: conds(800), synth: draw(800, 2), synthCond: conds(800) }, 2, new SeededRandom(1));
  assert.ok(wider > 0.85, `SD 2 vs 1: AUC ${wider}`);
  // fewer than 40 training rows: unmeasured, not a 0.5 made by trees that cannot split
  assert.ok(Number.isNaN(twoSampleTreeAuc({ real: draw(19, 1), realCond: conds(19), synth: draw(20, 2), synthCond: conds(20) },
    { real: draw(50, 1), realCond: conds(50), synth: draw(50, 2), synthCond: conds(50) }, 2, new SeededRandom(1))));
});

test('bad input is refused', () => {
  const x = matrix([[0], [1], [2]]);
  assert.throws(() => GradientBoostedTrees.fit(x, [0, 1], new SeededRandom(1)), /2 labels for 3 rows/);
  assert.throws(() => GradientBoostedTrees.fit(x, [1, 1, 1], new SeededRandom(1)), /both classes/);
  assert.throws(() => GradientBoostedTrees.fit(x, [0, 2, 1], new SeededRandom(1)), /0 or 1/);
  const m = GradientBoostedTrees.fit(matrix([[0], [1], [2], [3]]), [0, 0, 1, 1], new SeededRandom(1), { minSamplesLeaf: 1 });
  assert.throws(() => m.predict(matrix([[0, 1]])), /2 columns, the model has 1/);
});

test.run();
