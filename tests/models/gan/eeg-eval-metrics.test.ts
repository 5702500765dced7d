// The plumbing of `weargate eval synth eeg-maps` on hand-computed cases: cross-fitting over
// subject-wise folds (a fold's scorer never sees its held-out persons, scores land on their epochs),
// person-wise aggregation (mean P per person and condition) and its metrics, the DCR privacy numbers,
// and the map statistics' spline weights (maps are W @ values inside the head).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { valuesToMaps } from '../../../src/models/gan/eeg-maps.js';
import { checkFolds, crossFit, featuresForGenerator, foldIndices, type EegEpochSet } from '../../../src/models/gan/eval/eeg-data.js';
import { mapStats, personMetrics, privacy, splineWeights } from '../../../src/models/gan/eval/eeg-metrics.js';
import { DEFAULT_MDD_FEATURES, MDD_19 } from '../../../src/models/mdd/features.js';
import { CYTON_8 } from '../../../src/streaming/eeg/positions.js';

// persons A, B (MDD), C, D (healthy); epoch score = the `score` below
const subject = ['A', 'A', 'B', 'B', 'C', 'D', 'D'];
const label = [1, 1, 1, 1, 0, 0, 0];
const condition = ['EC', 'EO', 'EC', 'EC', 'EC', 'EC', 'EO'] as const;
const score = [0.9, 0.5, 0.2, 0.4, 0.1, 0.6, 0.8];
const recordingOf = [0, 1, 2, 2, 3, 4, 5];
const data: EegEpochSet = {
  values: subject.map(() => new Float32Array(1)), relativePowers: subject.map(() => new Float64Array(1)),
  subject, label, condition: [...condition], recording: recordingOf,
  recordings: [
    { file: 'A_EC', subject: 'A', label: 'MDD', condition: 'EC' }, { file: 'A_EO', subject: 'A', label: 'MDD', condition: 'EO' },
    { file: 'B_EC', subject: 'B', label: 'MDD', condition: 'EC' }, { file: 'C_EC', subject: 'C', label: 'healthy', condition: 'EC' },
    { file: 'D_EC', subject: 'D', label: 'healthy', condition: 'EC' }, { file: 'D_EO', subject: 'D', label: 'healthy', condition: 'EO' },
  ],
};
const folds = [['A', 'C'], ['B', 'D']];

test('featuresForGenerator: the MDD features on the montage of the generator; other bands or grid refused', () => {
  const bands = DEFAULT_MDD_FEATURES.bands.map((b) => b.name);
  const eight = featuresForGenerator({ electrodes: CYTON_8, bands, gridPx: DEFAULT_MDD_FEATURES.gridPx });
  assert.equal(eight.electrodes, [...CYTON_8]);
  assert.equal(eight.bands, DEFAULT_MDD_FEATURES.bands);
  assert.is(eight.epochS, DEFAULT_MDD_FEATURES.epochS);
  assert.equal(featuresForGenerator({ electrodes: MDD_19, bands, gridPx: DEFAULT_MDD_FEATURES.gridPx }).electrodes, [...MDD_19]);
  assert.throws(() => featuresForGenerator({ electrodes: CYTON_8, bands: ['delta', ...bands.slice(1)], gridPx: DEFAULT_MDD_FEATURES.gridPx }), /bands delta/);
  assert.throws(() => featuresForGenerator({ electrodes: CYTON_8, bands, gridPx: 16 }), /16-pixel grid/);
});

test('crossFit: each fold trains on its training persons only and scores exactly its held-out epochs', () => {
  const seenTrain: number[][] = [];
  const p = crossFit(data, folds, (train, k) => {
    seenTrain[k] = train;
    for (const i of train) assert.not.ok(folds[k]!.includes(subject[i]!), `fold ${k} trained on held-out ${subject[i]}`);
    return (testIdx) => testIdx.map((i) => score[i]! + 10 * k);
  });
  assert.equal(seenTrain, [[2, 3, 5, 6], [0, 1, 4]]);
  assert.equal(Array.from(p), [0.9, 0.5, 10.2, 10.4, 0.1, 10.6, 10.8]);
  assert.equal(foldIndices(data, ['B']), { train: [0, 1, 4, 5, 6], test: [2, 3] });
  assert.throws(() => checkFolds(data, [['A', 'C'], ['B']]), /persons in no fold: D/);
  assert.throws(() => checkFolds(data, [['A', 'C'], ['C', 'B', 'D']]), /C is held out by folds 0 and 1/);
});

test('personMetrics: person score = mean P over their epochs, per condition; metrics by hand', () => {
  const m = personMetrics(data, score, 0);
  // both: A 0.7, B 0.3, C 0.1, D 0.7 -> sens 1/2, spec 1/2; AUC: (1 + 0.5 + 1 + 0) / 4
  assert.equal(m.both.persons.map((q) => [q.subject, +q.score.toFixed(6), q.epochs]), [['A', 0.7, 2], ['B', 0.3, 2], ['C', 0.1, 1], ['D', 0.7, 2]]);
  assert.ok(Math.abs(m.both.balancedAccuracy - 0.5) < 1e-12);
  assert.ok(Math.abs(m.both.auc - 0.625) < 1e-12);
  // EC: A 0.9, B 0.3, C 0.1, D 0.6 -> sens 1/2, spec 1/2, AUC (1 + 1 + 1 + 0) / 4
  assert.equal(m.EC.persons.map((q) => [q.subject, +q.score.toFixed(6)]), [['A', 0.9], ['B', 0.3], ['C', 0.1], ['D', 0.6]]);
  assert.ok(Math.abs(m.EC.auc - 0.75) < 1e-12);
  // EO: A 0.5 (MDD, >= 0.5), D 0.8 (healthy, wrong)
  assert.equal(m.EO.persons.map((q) => q.subject), ['A', 'D']);
  assert.ok(Math.abs(m.EO.sensitivity - 1) < 1e-12 && Math.abs(m.EO.specificity - 0) < 1e-12);
  // NaN epochs (persons no fold held out) are skipped
  const partial = personMetrics(data, [0.9, 0.5, Number.NaN, Number.NaN, 0.1, 0.6, 0.8], 0);
  assert.equal(partial.both.persons.map((q) => q.subject), ['A', 'C', 'D']);
});

test('privacy: DCR membership AUC and DCR ratio, standardised by the members', () => {
  const f = (...v: number[]) => v.map((x) => Float32Array.of(x));
  // members 0, 4 -> mean 2, SD 2: z = -1, 1; non-member 20 -> 9; synthetic A 0 -> -1; synthetic B 2 -> 0
  const r = privacy(f(0, 4), f(20), f(0), f(2));
  assert.ok(Math.abs(r.membershipAuc - 1) < 1e-12);
  assert.ok(Math.abs(r.dcrMedian.synthToTrain - 1) < 1e-6, String(r.dcrMedian.synthToTrain));
  assert.ok(Math.abs(r.dcrMedian.testToTrain - 8) < 1e-6, String(r.dcrMedian.testToTrain));
  assert.ok(Math.abs(r.dcrRatio - 0.125) < 1e-6);
  // a non-member as close as the closest member: distances 0, 2 (members) vs 0 -> AUC (0.5 + 0) / 2
  assert.ok(Math.abs(privacy(f(0, 4), f(0), f(0), f(2)).membershipAuc - 0.25) < 1e-12);
});

test('mapStats: spline weights reproduce the maps inside the head; identical sets agree exactly', () => {
  const g = { electrodes: [...MDD_19], bands: ['delta', 'theta'], gridPx: 16 };
  const w = splineWeights(g);
  const v = Float32Array.from({ length: 38 }, (_, i) => Math.sin(i));
  const maps = valuesToMaps(v, g);
  const inside = Array.from({ length: 256 }, (_, p) => p).filter((p) => maps[p] !== 0);
  assert.is(w.length, inside.length);
  inside.forEach((p, j) => {
    const byW = w[j]!.reduce((s, x, e) => s + x * v[e]!, 0);
    assert.ok(Math.abs(byW - maps[p]!) < 1e-5, `pixel ${p}`);
  });
  const rows = Array.from({ length: 20 }, (_, k) => Float32Array.from({ length: 38 }, (_, i) => Math.sin(i * (k + 1))));
  const same = mapStats(rows, rows, g, w);
  assert.ok(Math.abs(same.delta!.meanR - 1) < 1e-9 && same.delta!.meanRmse < 1e-9 && Math.abs(same.theta!.sdR - 1) < 1e-9);
  const shrunk = mapStats(rows, rows.map((r) => r.map((x) => 0.5 * x)), g, w);
  assert.ok(Math.abs(shrunk.theta!.synthSdMean - 0.5 * shrunk.theta!.realSdMean) < 1e-6);
});

test.run();
