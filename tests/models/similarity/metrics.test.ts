import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cosine, equalErrorRate, l2Normalize, meanTemplate, rocCurve, rocSummary, verificationScores } from '../../../src/models/similarity/metrics.js';

test('cosine is scale-free and l2Normalize gives unit vectors', () => {
  assert.ok(Math.abs(cosine([1, 2, 3], [2, 4, 6]) - 1) < 1e-9);
  assert.ok(Math.abs(cosine([1, 0], [0, 1])) < 1e-9);
  assert.ok(Math.abs(cosine([1, 0], [-3, 0]) + 1) < 1e-9);
  const n = l2Normalize([3, 4]);
  assert.ok(Math.abs(n[0] - 0.6) < 1e-6 && Math.abs(n[1] - 0.8) < 1e-6);
  assert.throws(() => cosine([1], [1, 2]));
});

test('meanTemplate averages the normalised embeddings (scale of each one does not matter)', () => {
  const t = meanTemplate([new Float32Array([10, 0]), new Float32Array([0, 0.1])]);
  assert.ok(Math.abs(t[0] - Math.SQRT1_2) < 1e-6 && Math.abs(t[1] - Math.SQRT1_2) < 1e-6);
});

test('EER of separable scores is 0 in the gap; of interleaved scores, the crossing', () => {
  const sep = equalErrorRate([0.8, 0.9, 0.95], [0.1, 0.2, 0.5]);
  assert.is(sep.eer, 0);
  assert.ok(Math.abs(sep.threshold - 0.65) < 1e-12);
  // genuine 0.4 0.6 0.8 0.9; impostor 0.1 0.3 0.5 0.7: at 0.6 FRR 1/4, FAR 1/4
  const mixed = equalErrorRate([0.4, 0.6, 0.8, 0.9], [0.1, 0.3, 0.5, 0.7]);
  assert.is(mixed.eer, 0.25);
  assert.ok(Math.abs(mixed.threshold - 0.55) < 1e-12);
  assert.throws(() => equalErrorRate([], [0.1]));
});

test('ROC: FAR falls and FRR rises with the threshold; summary picks the first point under each FAR', () => {
  const curve = rocCurve([0.4, 0.6, 0.8, 0.9], [0.1, 0.3, 0.5, 0.7]);
  assert.is(curve.length, 8);
  for (let i = 1; i < curve.length; i++) {
    assert.ok(curve[i].far <= curve[i - 1].far);
    assert.ok(curve[i].frr >= curve[i - 1].frr);
  }
  const s = rocSummary([0.4, 0.6, 0.8, 0.9], [0.1, 0.3, 0.5, 0.7], [0.25, 0]);
  assert.equal(s.map((p) => p.threshold), [0.6, 0.8]);
  assert.equal(s.map((p) => p.frr), [0.25, 0.5]);
});

test('verificationScores: genuine vs impostor for every pair, rank-1 by the best template', () => {
  const templates = new Map([
    ['a', new Float32Array([1, 0])],
    ['b', new Float32Array([0, 1])],
  ]);
  const trials = new Map([
    ['a', [new Float32Array([1, 0.1]), new Float32Array([0.1, 1])]],
    ['b', [new Float32Array([0, 1])]],
  ]);
  const v = verificationScores(templates, trials);
  assert.is(v.trials, 3);
  assert.is(v.genuine.length, 3);
  assert.is(v.impostor.length, 3);
  assert.is(v.rank1Correct, 2);
});

test.run();
