// The privacy gate of `weargate synth share` through runShare (src/models/gan/share/run.ts) on tiny
// WFDB records, with a fake Python for the training and export steps and an injected evaluation
// result (the real one needs a trained generator): every privacy check passes -> strips, report.json
// and REPORT.md in --out; one fails -> exit 3, --out untouched, the report kept in --work.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Check } from '../../../src/models/gan/eval/evaluate.js';
import { privacyGate } from '../../../src/models/gan/share/gate.js';
import { runShare, type ShareDeps } from '../../../src/models/gan/share/run.js';
import type { Strip } from '../../../src/models/gan/strip.js';
import { loadWfdbRecord } from '../../../src/streaming/formats/load.js';
import { fakeSynthReport, privacyChecks } from '../../_support/synth-report.js';
import { writeTinyClinic } from '../../_support/tiny-ecg-wfdb.js';

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'wg-share-gate-'));
  const from = join(root, 'from');
  mkdirSync(from);
  writeTinyClinic(from, 8);
  const python = join(root, 'fake-python');
  writeFileSync(python, `#!/bin/sh\necho "$@" >> '${join(root, 'calls.txt')}'\nexit 0\n`);
  chmodSync(python, 0o755);
  return { root, from, out: join(root, 'out'), work: join(root, 'work'), python, calls: join(root, 'calls.txt') };
}

function fakeStrip(rhythmClass: 'N' | 'V'): Strip {
  const samplesMv = new Float32Array(2500);
  const beats = [250, 1000, 1750].map((sample, i) => ({ sample, symbol: rhythmClass === 'V' && i === 1 ? 'V' : 'N', classIndex: rhythmClass === 'V' && i === 1 ? 1 : 0 }));
  for (const b of beats) samplesMv[b.sample] = 1;
  return { sampleRateHz: 250, samplesMv, beats, rhythmFrom: 0 };
}

function deps(work: string, checks: Check[], log: string[]): ShareDeps {
  return {
    log: (l) => log.push(l),
    error: (l) => log.push(`ERR ${l}`),
    quantize: async () => undefined,
    evaluate: async (o) => fakeSynthReport(JSON.parse(readFileSync(join(work, 'split.json'), 'utf8')), o.dataDir, checks),
    strips: async () => ({ make: (cls) => fakeStrip(cls), model: 'gan-ecg@test', close: () => undefined }),
  };
}

const opts = (d: ReturnType<typeof setup>) => ({ from: d.from, out: d.out, work: d.work, python: d.python, n: 3, seconds: 10, steps: 10, seed: 4, identityWeight: 0.75 });

test('every privacy check passes: strips, report.json and REPORT.md in --out (TSTR failing is reported, not gated)', async () => {
  const d = setup();
  const log: string[] = [];
  const code = await runShare(opts(d), deps(d.work, privacyChecks({ tstrGap: -12 }), log));
  assert.is(code, 0, log.join('\n'));
  const files = readdirSync(d.out).sort();
  assert.ok(files.includes('report.json') && files.includes('REPORT.md'));
  // the tiny clinic has V beats in every record: both classes, 3 strips each
  for (const name of ['synth_N_0001', 'synth_N_0003', 'synth_V_0003']) assert.ok(files.includes(`${name}.hea`), name);
  assert.is(files.filter((f) => f.endsWith('.hea')).length, 6);
  const rec = await loadWfdbRecord(join(d.out, 'synth_V_0002'));
  assert.equal(rec.annotations?.map((a) => a.symbol), ['N', 'V', 'N']);
  assert.match(readFileSync(join(d.out, 'synth_V_0002.hea'), 'utf8'), /SYNTHETIC ECG/);
  const report = JSON.parse(readFileSync(join(d.out, 'report.json'), 'utf8')) as { gate: { pass: boolean; other: Check[] }; shared: { strips: unknown[] }; split: { heldoutRecords: string[] } };
  assert.ok(report.gate.pass);
  assert.is(report.shared.strips.length, 6);
  assert.is(report.split.heldoutRecords.length, 2);
  assert.match(readFileSync(join(d.out, 'REPORT.md'), 'utf8'), /privacy gate PASSED[\s\S]*TSTR - TRTR balanced accuracy \(points\): -12\.000 \(target >= -3\) FAIL/);
  assert.ok(existsSync(join(d.work, 'report.json')));
  // the two Python steps, training then export
  const calls = readFileSync(d.calls, 'utf8').trim().split('\n');
  assert.is(calls.length, 2);
  assert.match(calls[0]!, /ecg_wgan\.py .*--beats .*--identity-weight 0\.75( |$)/);
  assert.match(readFileSync(join(d.out, 'REPORT.md'), 'utf8'), /identity adversary weight 0\.75\n/);
  assert.match(calls[1]!, /ecg_export\.py --dir .*--trained-on /);
});

for (const [what, values, failing] of [
  ['a membership AUC', { mia: 0.61 }, /membership AUC, beat level, DCR attack: 0\.610 \(target <= 0\.55\) FAIL/],
  ['the DCR ratio', { dcrRatio: 0.3 }, /DCR ratio .*: 0\.300 \(target >= 0\.5\) FAIL/],
  ['re-identification', { reidP: 0.001 }, /re-identification: .*: 0\.001 \(target >= 0\.05\) FAIL/],
] as const) {
  test(`${what} fails: exit 3, the failing check with its value, --out untouched, the report in --work`, async () => {
    const d = setup();
    const log: string[] = [];
    const code = await runShare(opts(d), deps(d.work, privacyChecks(values), log));
    assert.is(code, 3, log.join('\n'));
    assert.not.ok(existsSync(d.out), '--out was created');
    const text = log.join('\n');
    assert.match(text, /ERR synth share: \d of 6 privacy checks failed; nothing was written/);
    assert.match(text, failing);
    assert.match(readFileSync(join(d.work, 'REPORT.md'), 'utf8'), /privacy gate FAILED/);
  });
}

test('an existing empty --out stays empty when the gate fails', async () => {
  const d = setup();
  mkdirSync(d.out);
  const code = await runShare(opts(d), deps(d.work, privacyChecks({ mia: 0.9 }), []));
  assert.is(code, 3);
  assert.equal(readdirSync(d.out), []);
});

test('the gate: no privacy check, or a non-finite value, is a failure', () => {
  assert.not.ok(privacyGate({ checks: privacyChecks().filter((c) => c.name.startsWith('TSTR')) }).pass);
  const nan = privacyChecks().map((c) => (c.name.startsWith('DCR') ? { ...c, value: Number.NaN, pass: true } : c));
  assert.not.ok(privacyGate({ checks: nan }).pass);
  const g = privacyGate({ checks: privacyChecks({ tstrGap: -20 }) });
  assert.ok(g.pass);
  assert.is(g.privacy.length, 6);
  assert.is(g.other.length, 1);
});

test.run();
