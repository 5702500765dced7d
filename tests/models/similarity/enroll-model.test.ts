// Enrollment with the committed int8 model: synthetic ECG (McSharry) enrolls, is stored durably and
// scores itself above the EER threshold; short or noisy signal is refused with the reason and stores
// nothing; the CLI refuses a 10-s record and lists/removes from the store.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McSharryEcg } from '../../../hardware/signals/mcsharry.js';
import { createLiteRtRuntime } from '../../../src/models/runtime/litert.js';
import type { ModelRuntime } from '../../../src/models/runtime/types.js';
import { enrollAthlete } from '../../../src/models/similarity/athletes.js';
import { AthleteStore, athletesDbPath } from '../../../src/models/similarity/athletes-store.js';
import { SimilarityEncoder } from '../../../src/models/similarity/encoder.js';
import { finalFold, loadSimilarityManifest } from '../../../src/models/similarity/manifest.js';
import { SimilarityStream } from '../../../src/models/similarity/stream.js';

const root = new URL('../../..', import.meta.url).pathname;
const rateHz = 250;
const manifest = loadSimilarityManifest();
const dir = mkdtempSync(join(tmpdir(), 'wg-enroll-'));
let runtime: ModelRuntime;
let encoder: SimilarityEncoder;
const ecg = (seconds: number, noiseMicrovolts: number, seed = 11, heartRateBpm = 66) => ({
  microvolts: new McSharryEcg({ sampleRateHz: rateHz, heartRateBpm, noiseMicrovolts, seed }).next(seconds * rateHz),
  sampleRateHz: rateHz,
  channel: 'ECG',
});

test.before(async () => {
  runtime = await createLiteRtRuntime();
  encoder = await SimilarityEncoder.load(runtime, manifest, finalFold(manifest), 'int8');
});
test.after(() => {
  encoder.dispose();
  runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

test('three minutes of clean ECG enroll; the template is durable and matches the same signal live', () => {
  const path = athletesDbPath(dir);
  let store = new AthleteStore(path);
  const r = enrollAthlete({ store, encoder, signal: ecg(180, 10), id: 'demo-1', name: 'Demo', source: 'synthetic', nowMs: 1 });
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.ok(r.stats.segments >= 100 && (r.stats.consistency ?? 0) >= 0.8, JSON.stringify(r.stats));
  store.close();
  store = new AthleteStore(path);
  const rec = store.get('demo-1');
  store.close();
  assert.ok(rec);
  assert.equal(rec.model, { name: manifest.name, version: manifest.version, sha256: encoder.identity.sha256, variant: 'int8' });
  const live = new SimilarityStream(rateHz, encoder, rec.template, { threshold: manifest.eerThreshold });
  const reports = live.push(ecg(30, 10, 12).microvolts, 0);
  const scores = reports.flatMap((w) => w.scores);
  assert.ok(scores.length >= 2);
  assert.ok(scores.every((s) => s.sameWearer && !s.signalChange), JSON.stringify(scores));
});

test('too little and too noisy signal are refused with the reason; nothing is stored', () => {
  const store = new AthleteStore(':memory:');
  const short = enrollAthlete({ store, encoder, signal: ecg(60, 10), id: 'x', source: 's', nowMs: 1 });
  assert.is(short.ok, false);
  assert.match(short.ok ? '' : short.reason, /too little signal/);
  const noisy = enrollAthlete({ store, encoder, signal: ecg(150, 2500), id: 'x', source: 's', nowMs: 1 });
  assert.is(noisy.ok, false);
  assert.match(noisy.ok ? '' : noisy.reason, /poor signal/);
  assert.equal(store.list(), []);
  store.close();
});

test('CLI: a 10-s record is refused (exit 3); list and remove on the store', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/gateway/cli.ts', 'athletes', ...args, '--data-dir', dir], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  const record = join(root, 'tests/models/similarity/fixtures/ecgid-mini/Person_05/rec_1m');
  const refused = cli('enroll', '--id', 'p5', '--file', record);
  assert.is(refused.status, 3, refused.stderr);
  assert.match(refused.stderr, /refused: too little signal: 10 s/);
  const list = cli('list', '--json');
  assert.is(list.status, 0, list.stderr);
  assert.equal((JSON.parse(list.stdout) as { id: string }[]).map((a) => a.id), ['demo-1']);
  assert.is(cli('remove', 'demo-1').status, 0);
  assert.is(cli('remove', 'demo-1').status, 1);
  assert.match(cli('list').stdout, /no athletes enrolled/);
});

test.run();
