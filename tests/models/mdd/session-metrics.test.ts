// MddSession aggregation and interval; the screening metrics and their bootstrap, which must draw
// exactly what training/mdd_common.py draws (same PRNG, same loop).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluatePersons } from '../../../src/models/mdd/evaluate.js';
import { metricsWithCi, mulberry32, pointMetrics, rocAuc } from '../../../src/models/mdd/metrics.js';
import { MDD_RESEARCH_NOTICE, MddSession, mddPayload } from '../../../src/models/mdd/session.js';

test('mulberry32 gives the values of training/mdd_common.Mulberry32 (seed 12345)', () => {
  const r = mulberry32(12345);
  const v = [r(), r(), r(), r()].map((x) => Math.round(x * 1e12) / 1e12);
  assert.equal(v, [0.979728267761, 0.3067522645, 0.484205421526, 0.817934412509]);
});

test('session: no score below the clean-epoch minimum; then the mean, an interval around it, counts, screening flags', () => {
  const s = new MddSession({ minCleanEpochs: 4 });
  s.addEpoch(0.9, 0, 4);
  s.addRejected('amplitude', 2, 6);
  s.addEpoch(0.7, 4, 8);
  s.addEpoch(0.8, 6, 10);
  assert.is(s.score(), undefined);
  s.addEpoch(0.6, 8, 12);
  s.addRejected('flat', 10, 14);
  const score = s.score()!;
  assert.ok(Math.abs(score.probability - 0.75) < 1e-12);
  assert.ok(score.interval.low <= 0.75 && score.interval.high >= 0.75 && score.interval.low >= 0.6 && score.interval.high <= 0.9);
  assert.ok(score.interval.high - score.interval.low > 0.05);
  assert.is(score.interval.level, 0.95);
  assert.is(score.cleanEpochs, 4);
  assert.is(score.rejectedEpochs, 2);
  assert.equal(score.rejected, { amplitude: 1, flat: 1 });
  assert.is(score.sessionS, 14);
  assert.is(score.screening_only, true);
  assert.is(score.notice, MDD_RESEARCH_NOTICE);
  // same epochs, same interval (seeded); a constant session has a zero-width interval
  assert.equal(s.score(), score);
  const c = new MddSession({ minCleanEpochs: 1 });
  for (let i = 0; i < 20; i++) c.addEpoch(0.3, 2 * i, 2 * i + 4);
  assert.ok(Math.abs(c.score()!.interval.low - 0.3) < 1e-12 && Math.abs(c.score()!.interval.high - 0.3) < 1e-12);
  assert.throws(() => c.addEpoch(1.5, 0, 4), /not in \[0, 1\]/);
  const payload = mddPayload(score, 7, 1000, { name: 'mdd-cnn', version: '0.1.0' });
  assert.equal(Object.keys(payload).sort(), ['epochs', 'interval', 'model', 'notice', 'probability', 'rejectedEpochs', 'screening_only', 'seq', 'sessionS', 't']);
  assert.is(payload.epochs, 4);
  assert.is(payload.rejectedEpochs, 2);
  assert.is(payload.screening_only, true);
});

test('session interval narrows with more epochs of the same spread; bounded memory', () => {
  const few = new MddSession({ minCleanEpochs: 1 });
  const many = new MddSession({ minCleanEpochs: 1, maxEpochs: 400 });
  for (let i = 0; i < 20; i++) few.addEpoch(i % 2 ? 0.2 : 0.8, 0, 4);
  for (let i = 0; i < 1000; i++) many.addEpoch(i % 2 ? 0.2 : 0.8, 0, 4);
  const w = (s: MddSession) => s.score()!.interval.high - s.score()!.interval.low;
  assert.ok(w(many) < w(few) / 2, `${w(many)} vs ${w(few)}`);
  assert.is(many.cleanEpochs, 400);
});

test('metrics: sensitivity, specificity, balanced accuracy, Mann-Whitney AUC with ties', () => {
  const y = [1, 1, 1, 0, 0, 0, 0];
  const p = [0.9, 0.6, 0.4, 0.4, 0.3, 0.7, 0.1];
  const m = pointMetrics(y, p);
  assert.equal([m.sensitivity, m.specificity], [2 / 3, 3 / 4]);
  assert.ok(Math.abs(m.balancedAccuracy - (2 / 3 + 3 / 4) / 2) < 1e-12);
  assert.ok(Math.abs(m.accuracy - 5 / 7) < 1e-12);
  // pairs: 0.9 beats 4; 0.6 beats 3; 0.4 beats 2, ties 1 -> (9 + 0.5) / 12
  assert.ok(Math.abs(rocAuc(y, p) - 9.5 / 12) < 1e-12);
  assert.ok(Number.isNaN(rocAuc([1, 1], [0.2, 0.3])));
  const ci = metricsWithCi(y, p, 500);
  assert.ok(ci.aucCi![0] <= ci.auc && ci.auc <= ci.aucCi![1]);
  assert.ok(ci.sensitivityCi![0] < ci.sensitivityCi![1]);
});

test('persons: score = mean over their epochs per condition; both = every epoch', () => {
  const rec = (file: string, subject: string, label: 'MDD' | 'healthy', condition: 'EC' | 'EO') => ({ file, subject, label, condition });
  const r = evaluatePersons([
    { recording: rec('a_EC', 'A', 'MDD', 'EC'), model: 'fold 1', probabilities: [0.9, 0.7], rejected: 1 },
    { recording: rec('a_EO', 'A', 'MDD', 'EO'), model: 'fold 1', probabilities: [0.2], rejected: 0 },
    { recording: rec('b_EC', 'B', 'healthy', 'EC'), model: 'fold 2', probabilities: [0.1, 0.3], rejected: 0 },
  ], 0.5, 100);
  assert.equal(r.persons.EC.map((p) => [p.subject, p.score, p.predicted]), [['A', 0.8, 'MDD'], ['B', 0.2, 'healthy']]);
  assert.equal(r.persons.EO.map((p) => [p.subject, p.predicted]), [['A', 'healthy']]);
  assert.ok(Math.abs(r.persons.both[0]!.score - 0.6) < 1e-12);
  assert.is(r.persons.both[0]!.rejectedEpochs, 1);
  assert.is(r.metrics.EC!.balancedAccuracy, 1);
  assert.is(r.metrics.EO!.n, 1);
});

test.run();
