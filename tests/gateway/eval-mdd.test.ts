// `weargate eval mdd` on a tiny subset (3 persons, 5 recordings of the real data): the TS features
// and the shipped fold models in LiteRT.js score each person with the fold model that held them out,
// and reproduce the person scores of training/mdd_export.py (Python LiteRT on the same fold models).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const DATA = '/work/shared/data/mumtaz-mdd-train';

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/gateway/cli.ts', 'eval', 'mdd', ...args], { encoding: 'utf8', timeout: 240_000 });
}

interface Person { subject: string; score: number; model: string; cleanEpochs: number }

test('eval mdd --json on 3 persons: fold models, scores as in metrics.json (int8, Python LiteRT)', () => {
  const r = cli('--data', DATA, '--labels', `${DATA}/labels.csv`, '--persons', 'P02,P04,P38', '--json', '--resamples', '200');
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { note: string; persons: Record<'EC' | 'EO' | 'both', Person[]>; metrics: Record<string, { n: number }> };
  assert.match(out.note, /fold model that held them out/);
  assert.equal(out.persons.both.map((p) => p.subject), ['P02', 'P04', 'P38']);
  assert.equal(out.persons.EO.map((p) => p.subject), ['P02', 'P04']); // P38 has no EO file
  assert.ok(out.persons.both.every((p) => /^fold \d$/.test(p.model)));
  const metrics = JSON.parse(readFileSync('models/mdd-cnn/metrics.json', 'utf8')) as { cvTflite: { int8: Record<string, { persons: { subject: string; score: number; epochs: number }[] }> } };
  for (const c of ['EC', 'EO', 'both'] as const) {
    for (const p of out.persons[c]) {
      const ref = metrics.cvTflite.int8[c]!.persons.find((q) => q.subject === p.subject)!;
      assert.is(p.cleanEpochs, ref.epochs, `${c} ${p.subject}`);
      assert.ok(Math.abs(p.score - ref.score) < 1e-4, `${c} ${p.subject}: ${p.score} vs ${ref.score}`);
    }
  }
  assert.is(out.metrics.both!.n, 3);
  // the setup check: P02 (healthy, open setup) against P04 (MDD) and P38 (healthy), both steep: the edges of
  // P02 are the highest, so MDD ranks between the two healthy persons (AUC 0.5), no warning with 3 persons
  const setup = (JSON.parse(r.stdout) as { setup: { persons: number; lowEdgeAuc: number; warning?: string } }).setup;
  assert.is(setup.persons, 3);
  assert.is(setup.lowEdgeAuc, 0.5);
});

test('eval mdd: bad input is refused with the file named', () => {
  const r = cli('--data', DATA, '--labels', `${DATA}/labels.csv`, '--persons', 'P999');
  assert.is(r.status, 1);
  assert.match(r.stderr, /P999 not in/);
});

test.run();
