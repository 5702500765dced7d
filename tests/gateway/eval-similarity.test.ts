// `weargate eval similarity` on the committed 3-person ECG-ID subset (all held out by fold-0): the
// CLI's float32 record-trial EER and rank-1 must equal the ones computed from Python LiteRT's scores
// (models/similarity/golden.json, fold0RecordScores), and every variant must be reported.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { equalErrorRate } from '../../src/models/similarity/metrics.js';
import { loadSimilarityManifest } from '../../src/models/similarity/manifest.js';
import type { VariantResult } from '../../src/models/similarity/evaluate.js';

const root = new URL('../..', import.meta.url).pathname;
const data = join(root, 'tests/models/similarity/fixtures/ecgid-mini');
const golden = JSON.parse(readFileSync(join(loadSimilarityManifest().dir, 'golden.json'), 'utf8')) as {
  fold0RecordScores: Record<string, Record<string, number>>;
  fold0SegmentCounts: Record<string, [number, number]>;
};

test('CLI JSON on the 3-person subset agrees with Python', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/gateway/cli.ts', 'eval', 'similarity', '--data', data, '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { settings: { groups: { model: string; persons: string[] }[]; segments: { enroll: number; trial: number }; cv: string }; results: VariantResult[] };
  assert.equal(out.settings.groups, [{ model: 'fold-0', persons: ['Person_03', 'Person_05', 'Person_13'] }]);
  const counts = Object.values(golden.fold0SegmentCounts);
  assert.equal(out.settings.segments, { enroll: counts.reduce((n, c) => n + c[0], 0), trial: counts.reduce((n, c) => n + c[1], 0) });
  assert.match(out.settings.cv, /cross-validation over ECG-ID persons/);
  assert.equal(out.results.map((v) => v.variant), ['float32', 'int8', 'int8-tfconverter']);

  const ids = Object.keys(golden.fold0RecordScores).sort();
  const genuine = ids.map((a) => golden.fold0RecordScores[a][a]);
  const impostor = ids.flatMap((a) => ids.filter((b) => b !== a).map((b) => golden.fold0RecordScores[a][b]));
  // trial b against every template a: rank-1 when its own template scores highest
  const rank1 = ids.filter((b) => ids.every((a) => a === b || golden.fold0RecordScores[a][b] < golden.fold0RecordScores[b][b])).length;
  const float = out.results[0];
  assert.is(float.record.genuine, 3);
  assert.is(float.record.impostor, 6);
  assert.ok(Math.abs(float.record.eer - equalErrorRate(genuine, impostor).eer) < 1e-9);
  assert.ok(Math.abs(float.record.threshold - equalErrorRate(genuine, impostor).threshold) < 1e-4);
  assert.is(float.record.rank1Correct, rank1);
  for (const v of out.results) assert.ok(v.segment.trials === counts.reduce((n, c) => n + c[1], 0));
});

test('CLI refuses a folder without persons', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/gateway/cli.ts', 'eval', 'similarity', '--data', join(root, 'docs')], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 1);
  assert.match(r.stderr, /fewer than 2 persons/);
});

test.run();
