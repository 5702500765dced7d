// `weargate synth share --kind eeg-maps` through runShareEeg (src/models/gan/share/eeg-run.ts) on tiny EDF
// persons: input validation (exit 2, nothing trained), the trainer input it writes, the real evaluation
// (evaluateSynthEeg on the one split) and the real map writer with the shipped generator standing in for
// the trained one (a fake Python copies it, as eeg_wgan.py would write it), and the privacy gate: pass ->
// map stacks + report in --out; fail -> exit 3, --out untouched. The privacy values are set on the real
// report, since a generator trained for seconds on 8 tiny persons cannot be made to pass or fail at will.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { EvalSynthEegReport } from '../../../src/models/gan/eval/eeg-evaluate.js';
import { eegPrivacyGate, eegShareChecks } from '../../../src/models/gan/share/eeg-gate.js';
import { defaultEegDeps, runShareEeg, splitPersons, type ShareEegDeps } from '../../../src/models/gan/share/eeg-run.js';
import { readNpy } from '../../../src/quantize/npy.js';
import { writeTinyDataset, type TinyPerson } from '../../_support/mdd-edf.js';

const MODEL = resolve('models/gan-eeg-maps');
const MODEL_CYTON8 = resolve('models/gan-eeg-maps-cyton8');
const FILES = ['manifest.json', 'generator-float32.tflite', 'generator-int8.tflite', 'golden-inputs.npy', 'golden-outputs-float32.npy', 'golden-outputs-int8.npy', 'golden-maps-float32.npy'];

function persons(perLabel: number, condition2 = 'EO'): TinyPerson[] {
  return ['M', 'H'].flatMap((p, k) => Array.from({ length: perLabel }, (_, i) => ({
    subject: `${p}${i + 1}`, label: k === 0 ? 'MDD' : 'healthy',
    files: [{ condition: 'EC', edf: { seed: 31 * k + 2 * i + 1 } }, { condition: condition2, edf: { seed: 31 * k + 2 * i + 2, seconds: 10 } }],
  })));
}

function setup(perLabel = 4, condition2 = 'EO') {
  const root = mkdtempSync(join(tmpdir(), 'wg-share-eeg-'));
  const from = join(root, 'from');
  mkdirSync(from);
  writeTinyDataset(from, persons(perLabel, condition2));
  // the "trainer": records its arguments; as eeg_wgan.py, writes the model folder (here the shipped generator, its manifest naming the persons it was given)
  const python = join(root, 'fake-python');
  writeFileSync(python, `#!/usr/bin/env node
const fs = require('node:fs'); const path = require('node:path');
const a = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(join(root, 'calls.txt'))}, a.join(' ') + '\\n');
if (a[0].endsWith('eeg_wgan.py')) {
  const out = a[a.indexOf('--out') + 1];
  fs.mkdirSync(out, { recursive: true });
  const model = a[a.indexOf('--set') + 1] === 'cyton8' ? ${JSON.stringify(MODEL_CYTON8)} : ${JSON.stringify(MODEL)};
  for (const f of ${JSON.stringify(FILES)}) fs.copyFileSync(path.join(model, f), path.join(out, f));
  const m = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  m.params.trainPersons = [...new Set(JSON.parse(fs.readFileSync(a[a.indexOf('--subjects') + 1], 'utf8')))].sort();
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(m));
}
`);
  chmodSync(python, 0o755);
  return { root, from, labels: join(from, 'labels.csv'), out: join(root, 'out'), work: join(root, 'work'), python, calls: join(root, 'calls.txt') };
}

type Privacy = { epoch: number; person: number; disc: number; discPerson: number; ratio: number };
const PASSING: Privacy = { epoch: 0.5, person: 0.5, disc: 0.52, discPerson: 0.5, ratio: 1.05 };

function deps(log: string[], privacy: Privacy, seen: { report?: EvalSynthEegReport }): ShareEegDeps {
  const real = defaultEegDeps();
  return {
    ...real,
    log: (l) => log.push(l),
    error: (l) => log.push(`ERR ${l}`),
    quantize: async () => undefined,
    evaluate: async (o) => {
      const r = await real.evaluate({ ...o, resamples: 20 });
      seen.report = structuredClone(r);
      const f = r.perFold[0]!;
      f.membershipAuc = privacy.epoch;
      f.attacks.dcrPerson.auc = privacy.person;
      f.attacks.discriminator.epoch.auc = privacy.disc;
      f.attacks.discriminator.person.auc = privacy.discPerson;
      f.dcrRatio = privacy.ratio;
      return r;
    },
  };
}

const opts = (d: ReturnType<typeof setup>) => ({ from: d.from, labels: d.labels, out: d.out, work: d.work, python: d.python, n: 3, steps: 10, seed: 5 });

test('every privacy check passes: synthetic-MDD.npy and synthetic-healthy.npy (2n stacks, EC/EO) + report in --out; the trainer got the training persons only', async () => {
  const d = setup();
  const log: string[] = [];
  const seen: { report?: EvalSynthEegReport } = {};
  const code = await runShareEeg(opts(d), deps(log, PASSING, seen));
  assert.is(code, 0, log.join('\n'));
  const split = JSON.parse(readFileSync(join(d.work, 'split.json'), 'utf8')) as { trainPersons: string[]; heldoutPersons: string[] };
  assert.equal(split.heldoutPersons.length, 4);
  assert.equal(split.heldoutPersons.filter((p) => p.startsWith('M')).length, 2);
  assert.equal(split.trainPersons.filter((p) => split.heldoutPersons.includes(p)), []);
  // trainer input: the training persons' clean epochs only, 4 conditions
  const subjects = JSON.parse(readFileSync(join(d.work, 'input', 'subjects.json'), 'utf8')) as string[];
  assert.equal([...new Set(subjects)].sort(), split.trainPersons);
  const values = readNpy(new Uint8Array(readFileSync(join(d.work, 'input', 'values.npy'))), 'values');
  const conds = readNpy(new Uint8Array(readFileSync(join(d.work, 'input', 'conditions.npy'))), 'conditions');
  assert.is(values.shape[0], subjects.length);
  // 12 s EC -> 5 epochs, 10 s EO -> 4 (4 s, hop 2 s), per person; MDD-EC = 0 ... healthy-EO = 3
  assert.equal([0, 1, 2, 3].map((c) => Array.from(conds.data).filter((x) => x === c).length), [10, 8, 10, 8]);
  const calls = readFileSync(d.calls, 'utf8').trim().split('\n');
  assert.is(calls.length, 2);
  assert.match(calls[0]!, /eeg_wgan\.py --values \S+values\.npy --conditions \S+conditions\.npy --subjects \S+subjects\.json --set base --runs final --steps 10 --seed 5 /);
  assert.match(calls[1]!, /eeg_export\.py --dir .* --trained-on 4 persons of .*H\d, H\d, M\d, M\d .*never seen/);
  // the real evaluation: one fold, the held-out persons, the generator known not to have seen them
  const r = seen.report!;
  assert.equal(r.folds, [split.heldoutPersons]);
  assert.match(r.basis, /trained without any held-out person/);
  assert.is(r.persons, 8);
  // the shared set
  assert.equal(readdirSync(d.out).sort(), ['REPORT.md', 'report.json', 'synthetic-MDD.json', 'synthetic-MDD.npy', 'synthetic-healthy.json', 'synthetic-healthy.npy']);
  for (const label of ['MDD', 'healthy']) {
    const maps = readNpy(new Uint8Array(readFileSync(join(d.out, `synthetic-${label}.npy`))), label);
    assert.equal(maps.shape, [6, 32, 32, 5]);
    assert.ok(maps.data.every(Number.isFinite));
    const side = JSON.parse(readFileSync(join(d.out, `synthetic-${label}.json`), 'utf8')) as { conditions: string[]; notice: string };
    assert.equal(side.conditions, ['EC', 'EO', 'EC', 'EO', 'EC', 'EO']);
    assert.match(side.notice, /synthetic/i);
  }
  const md = readFileSync(join(d.out, 'REPORT.md'), 'utf8');
  assert.match(md, /privacy gate PASSED/);
  assert.match(md, /not checked: re-identification/);
  assert.match(md, /TSTR - TRTR balanced accuracy, both conditions, points: .*\(target >= -3\)/);
  const rep = JSON.parse(readFileSync(join(d.out, 'report.json'), 'utf8')) as { gate: { pass: boolean; privacy: unknown[] }; shared: { files: string[] } };
  assert.ok(rep.gate.pass);
  assert.is(rep.gate.privacy.length, 5);
  assert.is(rep.shared.files.length, 4);
});

test('--montage 8: the 8 Cyton electrodes by name, trained and exported as gan-eeg-maps-cyton8, evaluated and shared on that montage', async () => {
  const d = setup();
  const log: string[] = [];
  const seen: { report?: EvalSynthEegReport } = {};
  const code = await runShareEeg({ ...opts(d), montage: 8 }, deps(log, PASSING, seen));
  assert.is(code, 0, log.join('\n'));
  const values = readNpy(new Uint8Array(readFileSync(join(d.work, 'input', 'values.npy'))), 'values');
  assert.is(values.shape[1], 8 * 5);
  const interp = JSON.parse(readFileSync(join(d.work, 'input', 'interp.json'), 'utf8')) as { electrodes: string[] };
  assert.equal(interp.electrodes, ['Fp1', 'Fp2', 'C3', 'C4', 'P7', 'P8', 'O1', 'O2']);
  const calls = readFileSync(d.calls, 'utf8').trim().split('\n');
  assert.match(calls[0]!, /eeg_wgan\.py .*--set cyton8 --runs final/);
  assert.match(calls[1]!, /eeg_export\.py .*--set cyton8 .*8 electrodes Fp1 Fp2 C3 C4 P7 P8 O1 O2.* --model-version 0\.1\.0-share\.5/);
  assert.is(seen.report!.model.name, 'gan-eeg-maps-cyton8');
  const side = JSON.parse(readFileSync(join(d.out, 'synthetic-MDD.json'), 'utf8')) as { electrodes: string[] };
  assert.equal(side.electrodes, interp.electrodes);
  assert.match(readFileSync(join(d.out, 'REPORT.md'), 'utf8'), /8 electrodes, 10 steps/);
});

for (const [what, privacy, failing] of [
  ['the epoch-level DCR attack', { ...PASSING, epoch: 0.75 }, /membership AUC, epoch level, DCR attack: 0\.750 \(target <= 0\.55\) FAIL/],
  ['the DCR ratio', { ...PASSING, ratio: 0.85 }, /DCR ratio .*: 0\.850 \(target >= 1\) FAIL/],
] as const) {
  test(`${what} fails: exit 3, the failing check named, --out not created, the report in --work`, async () => {
    const d = setup();
    const log: string[] = [];
    const code = await runShareEeg(opts(d), deps(log, privacy, {}));
    assert.is(code, 3, log.join('\n'));
    assert.not.ok(existsSync(d.out));
    assert.match(log.join('\n'), /ERR synth share: 1 of 5 privacy checks failed; nothing was written/);
    assert.match(log.join('\n'), failing);
    assert.match(readFileSync(join(d.work, 'REPORT.md'), 'utf8'), /privacy gate FAILED/);
  });
}

test('bad input: exit 2 with every problem named, nothing trained', async () => {
  const cases: [[number, string], RegExp, ((d: ReturnType<typeof setup>) => void) | undefined][] = [
    [[3, 'EO'], /3 MDD persons \(M1, M2, M3\); synth share needs at least 4 persons per label/, undefined],
    [[4, 'rest'], /M1_rest\.edf: condition 'REST' is neither EC nor EO/, undefined],
    [[4, ''], /8 file\(s\) without condition EC or EO \(M1_\.edf, /, undefined],
    [[4, 'EO'], /--out .*exists and is not empty/, (d) => { mkdirSync(d.out); writeFileSync(join(d.out, 'x'), ''); }],
  ];
  for (const [setupArgs, problem, prepare] of cases) {
    const d = setup(...setupArgs);
    prepare?.(d);
    const log: string[] = [];
    const code = await runShareEeg(opts(d), deps(log, PASSING, {}));
    assert.is(code, 2, log.join('\n'));
    assert.match(log.join('\n'), /ERR synth share: \d+ problems? in the input, nothing was trained or written/);
    assert.match(log.join('\n'), problem);
    assert.not.ok(existsSync(d.calls), 'the trainer ran');
  }
});

test('no training environment: exit 1 with the set-up command', async () => {
  const d = setup();
  const log: string[] = [];
  const code = await runShareEeg({ ...opts(d), python: join(d.root, 'no-python') }, deps(log, PASSING, {}));
  assert.is(code, 1);
  assert.match(log.join('\n'), /training environment is missing[\s\S]*training\/setup\.sh/);
});

test('split: per label, seeded, max(2, 25 %) held out; the gate: a non-finite value fails, and it needs exactly one fold', () => {
  const labels = Object.fromEntries([...Array.from({ length: 19 }, (_, i) => [`M${i}`, 'MDD']), ...Array.from({ length: 17 }, (_, i) => [`H${i}`, 'healthy'])]) as Record<string, 'MDD' | 'healthy'>;
  const a = splitPersons(labels, 1);
  assert.is(a.heldoutPersons.filter((p) => p.startsWith('M')).length, 5);
  assert.is(a.heldoutPersons.filter((p) => p.startsWith('H')).length, 4);
  assert.equal(splitPersons(labels, 1), a);
  assert.not.equal(splitPersons(labels, 2).heldoutPersons, a.heldoutPersons);
  const fold = { membershipAuc: 0.5, dcrRatio: Number.NaN, twoSampleAucTrees: null, attacks: { dcrPerson: { auc: 0.5 }, discriminator: { epoch: { auc: 0.5 }, person: { auc: 0.5 } } }, gaussianReference: { membershipAucRelativeToGaussian: 0.5 } };
  const report = { perFold: [fold], gap: {} } as unknown as EvalSynthEegReport;
  const g = eegPrivacyGate(report);
  assert.not.ok(g.pass);
  assert.equal(g.failed.map((c) => c.name), ['DCR ratio (median synthetic-to-train / held-out-to-train)']);
  assert.not.ok(eegShareChecks(report).other[0]!.pass, 'a missing TSTR gap passes');
  assert.throws(() => eegShareChecks({ ...report, perFold: [fold, fold] } as unknown as EvalSynthEegReport), /2 folds, not 1/);
});

test.run();
