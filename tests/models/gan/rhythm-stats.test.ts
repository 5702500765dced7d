// The TypeScript port of the trainer's rhythm statistics (src/models/gan/rhythm-stats.ts) against
// training/gan/ecg_data.py rhythm_stats (fixture by training/gan/rhythm_stats_fixture.py): the
// shipped 101 excerpt, and made-up annotation sequences with isolated ventricular beats.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { annotatedBeats, rhythmStats, type AnnotatedBeats } from '../../../src/models/gan/rhythm-stats.js';
import type { RhythmStats } from '../../../src/models/gan/strip.js';
import { loadWfdbRecord } from '../../../src/streaming/formats/load.js';

interface Fixture {
  '101': Record<string, RhythmStats>;
  madeUp: { records: Record<string, AnnotatedBeats> } & Record<string, RhythmStats>;
}
const fixture = JSON.parse(readFileSync('tests/fixtures/gan/101-rhythm.json', 'utf8')) as Fixture;

function close(actual: RhythmStats, expected: RhythmStats, what: string): void {
  const flat = (r: RhythmStats) => [...r.nnMeanRrS, ...r.nnRrCv, ...r.vPairs.flat()];
  assert.is(actual.nnMeanRrS.length, expected.nnMeanRrS.length, `${what}: records`);
  assert.is(actual.vPairs.length, expected.vPairs.length, `${what}: V pairs`);
  const a = flat(actual), e = flat(expected);
  // both sides round to 4 decimals; a value on a rounding edge may differ by one step
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]) <= 1.01e-4, `${what}[${i}]: ${v} vs ${e[i]}`));
}

test('101 excerpt: the Python statistics, whole record and first 75 %', async () => {
  const rec = annotatedBeats(await loadWfdbRecord('hardware/data/mitdb-101-excerpt/101'));
  assert.is(rec.sampleRateHz, 360);
  for (const f of ['1.0', '0.75']) close(rhythmStats([rec], { memberFraction: Number(f) }), fixture['101'][f], `101 @ ${f}`);
});

test('made-up records with isolated V beats: NN statistics and coupling/pause pairs as in Python', () => {
  const recs = Object.values(fixture.madeUp.records);
  for (const f of ['1.0', '0.75']) {
    const expected = fixture.madeUp[f];
    assert.ok(expected.vPairs.length > 20, 'the fixture has V pairs');
    close(rhythmStats(recs, { memberFraction: Number(f) }), expected, `made-up @ ${f}`);
  }
});

test('above maxPairs the pairs are subsampled to maxPairs (seeded)', () => {
  const recs = Object.values(fixture.madeUp.records);
  const a = rhythmStats(recs, { maxPairs: 10, seed: 3 });
  assert.is(a.vPairs.length, 10);
  assert.equal(rhythmStats(recs, { maxPairs: 10, seed: 3 }), a);
  const all = rhythmStats(recs).vPairs.map((p) => p.join());
  for (const p of a.vPairs) assert.ok(all.includes(p.join()));
});

test.run();
