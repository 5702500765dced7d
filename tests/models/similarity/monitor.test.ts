import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimilarityMonitor } from '../../../src/models/similarity/monitor.js';
import { l2Normalize } from '../../../src/models/similarity/metrics.js';

const template = l2Normalize([1, 0, 0, 0]);
/** A unit embedding at cosine `c` to the template. */
const at = (c: number, k = 1): Float32Array => l2Normalize([c, Math.sqrt(1 - c * c), 0, 0].map((v, i) => (i === k ? v : i === 0 ? c : 0)));
const beats = (c: number, n: number) => Array.from({ length: n }, () => at(c));

test('one score per N beats; same_wearer from the threshold', () => {
  const m = new SimilarityMonitor(template, { threshold: 0.7, beatsPerScore: 4 });
  assert.equal(m.push(beats(0.9, 3), 1), []);
  const [s] = m.push(beats(0.9, 1), 2);
  assert.ok(Math.abs(s.score - 0.9) < 1e-6);
  assert.is(s.sameWearer, true);
  assert.is(s.beats, 4);
  assert.is(s.t, 2);
  const more = m.push(beats(0.5, 8), 3);
  assert.is(more.length, 2);
  assert.is(more[0].sameWearer, false);
});

test('signal_change only after M down scores in a row, and it clears when the score comes back', () => {
  const m = new SimilarityMonitor(template, { threshold: 0.6, beatsPerScore: 2, dropWindows: 3, dropDelta: 0.15 });
  const run = (c: number, windows: number) => m.push(beats(c, 2 * windows), 0);
  assert.ok(run(0.95, 5).every((s) => !s.signalChange && s.sameWearer));
  // electrode moved: still above the threshold, but 0.25 under the wearer's level
  const moved = run(0.7, 4);
  assert.equal(moved.map((s) => s.sameWearer), [true, true, true, true]);
  assert.equal(moved.map((s) => s.signalChange), [false, false, true, true]);
  assert.equal(moved.map((s) => s.downCount), [1, 2, 3, 4]);
  const back = run(0.94, 1);
  assert.is(back[0].signalChange, false);
  assert.ok(Math.abs((back[0].reference ?? 0) - 0.95) < 0.01, 'down scores do not pull the reference');
});

test('a single dip does not flag; a swapped garment (below threshold) does', () => {
  const m = new SimilarityMonitor(template, { threshold: 0.6, beatsPerScore: 1, dropWindows: 2 });
  const scores = [0.9, 0.9, 0.3, 0.9, 0.2, 0.2, 0.2].map((c) => m.push([at(c)], 0)[0]);
  assert.equal(scores.map((s) => s.signalChange), [false, false, false, false, false, true, true]);
  assert.equal(scores.map((s) => s.sameWearer), [true, true, false, true, false, false, false]);
});

test('a wearer who never matches is flagged without a reference; reset forgets', () => {
  const m = new SimilarityMonitor(template, { threshold: 0.6, beatsPerScore: 1, dropWindows: 2 });
  const s = [0.1, 0.1].map((c) => m.push([at(c)], 0)[0]);
  assert.is(s[0].reference, null);
  assert.is(s[1].signalChange, true);
  m.reset();
  assert.is(m.push([at(0.1)], 0)[0].signalChange, false);
});

test('bad options and embedding sizes are refused', () => {
  assert.throws(() => new SimilarityMonitor(template, { threshold: 0.5, beatsPerScore: 0 }));
  assert.throws(() => new SimilarityMonitor(template, { threshold: 0.5, dropWindows: 1.5 }));
  const m = new SimilarityMonitor(template, { threshold: 0.5 });
  assert.throws(() => m.push([new Float32Array(3)], 0));
});

test.run();
