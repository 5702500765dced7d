// `weargate eval synth eeg-maps` end to end on a tiny EDF data set (4 persons, EC + EO, features by
// the gateway's code) with the shipped generator: the folds come from the model folder, every person
// is scored by the fold that held them out, and fold generators (folds/fold<k>) are used when present.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeTinyDataset } from '../_support/mdd-edf.js';

const MODEL = 'models/gan-eeg-maps';
const FILES = ['manifest.json', 'generator-float32.tflite', 'generator-int8.tflite', 'golden-inputs.npy', 'golden-outputs-float32.npy', 'golden-outputs-int8.npy', 'golden-maps-float32.npy'];
const root = mkdtempSync(join(tmpdir(), 'eval-synth-eeg-'));
const data = join(root, 'data');
mkdirSync(data);
const files = (s: string) => [{ condition: 'EC', edf: { seed: s.charCodeAt(0) * 7 + Number(s[1]) } }, { condition: 'EO', edf: { seed: s.charCodeAt(0) * 11 + Number(s[1]), seconds: 10 } }];
writeTinyDataset(data, ['M1', 'M2', 'H1', 'H2'].map((subject) => ({ subject, label: subject[0] === 'M' ? 'MDD' : 'healthy', files: files(subject) })));
const FOLDS = [['M1', 'H1'], ['M2', 'H2']];

/** A copy of the shipped generator; `trainPersons` replaces the manifest's list (the persons it says it was trained on). */
function modelCopy(name: string, trainPersons?: string[]): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const f of FILES) copyFileSync(join(MODEL, f), join(dir, f));
  writeFileSync(join(dir, 'eval-float32.json'), JSON.stringify({ folds: FOLDS }));
  if (trainPersons) {
    const doc = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { params: { trainPersons: string[] } };
    doc.params.trainPersons = trainPersons;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(doc));
  }
  return dir;
}

interface Report {
  basis: string; folds: string[][]; persons: number; epochs: number; foldsSource: string;
  perFold: { fold: number; generator: string; trainEpochs: number; testEpochs: number; twoSampleAucLogistic: number; twoSampleAucTrees: number | null; gaussianTwoSampleAucTrees: number | null; membershipAuc: number; dcrRatio: number; attacks: { discriminator: { epoch: { auc: number | null }; unmeasured?: string }; dcrPerson: { auc: number } };
    augmentedEpochs: Record<string, number>; gaussianReference: { membershipAuc: number; membershipAucRelativeToGaussian: number; dcrRatio: number };
    mmd: Record<'syntheticVsMembers' | 'heldOutVsMembers', { mmd2: number; p: number; n: number }> }[];
  augmented: Record<'EC' | 'EO' | 'both', { persons: { subject: string; score: number }[] }>;
  tstrGaussian: Record<'EC' | 'EO' | 'both', { persons: { subject: string; score: number }[] }>;
  augmentationGain: Record<string, { balancedAccuracyPoints: number; assessed: boolean }>;
  trtr: Record<'EC' | 'EO' | 'both', { persons: { subject: string; epochs: number; score: number }[]; balancedAccuracy: number }>;
  tstr: Record<'EC' | 'EO' | 'both', { persons: { subject: string; epochs: number; score: number }[] }>;
  gap: Record<string, { balancedAccuracyPoints: number; assessed: boolean }>;
  mapsVsTrain: Record<string, Record<string, { meanR: number }>>;
}

function run(model: string, ...extra: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/gateway/cli.ts', 'eval', 'synth', 'eeg-maps', '--data', data, '--labels', join(data, 'labels.csv'), '--model', model, '--resamples', '20', ...extra], { encoding: 'utf8', timeout: 240_000 });
}

let finalReport: Report | undefined;

test('eval synth eeg-maps --json: the model folder\'s folds, person-wise, final generator labelled as such', () => {
  const r = run(modelCopy('final', ['H1', 'H2', 'M1', 'M2']), '--json');
  assert.is(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as Report;
  finalReport = rep;
  assert.equal(rep.folds, FOLDS);
  assert.match(rep.foldsSource, /eval-float32\.json$/);
  assert.match(rep.basis, /^final generator .*including every fold's held-out persons/);
  assert.is(rep.persons, 4);
  // 12 s EC (5 epochs of 4 s, hop 2 s) + 10 s EO (4) per person
  assert.is(rep.epochs, 36);
  assert.equal(rep.perFold.map((f) => [f.fold, f.generator, f.trainEpochs, f.testEpochs]), [[0, 'final', 18, 18], [1, 'final', 18, 18]]);
  assert.equal(rep.trtr.both.persons.map((p) => [p.subject, p.epochs]), [['H1', 9], ['H2', 9], ['M1', 9], ['M2', 9]]);
  assert.equal(rep.trtr.EO.persons.map((p) => p.epochs), [4, 4, 4, 4]);
  assert.equal(rep.tstr.EC.persons.map((p) => p.epochs), [5, 5, 5, 5]);
  // one held-out person per label and fold: no reference persons for the discriminator attack (null in JSON), DCR per person measured
  for (const f of rep.perFold) {
    assert.is(f.attacks.discriminator.epoch.auc, null);
    assert.match(f.attacks.discriminator.unmeasured ?? '', /none left as the attacker's reference/);
    assert.ok(f.attacks.dcrPerson.auc >= 0 && f.attacks.dcrPerson.auc <= 1);
  }
  // 18 + 18 training rows: too few for trees with 20 rows per leaf, so the tree test says unmeasured (null), not 0.5
  for (const f of rep.perFold) assert.equal([f.twoSampleAucTrees, f.gaussianTwoSampleAucTrees], [null, null]);
  for (const f of rep.perFold) assert.ok(f.twoSampleAucLogistic >= 0 && f.twoSampleAucLogistic <= 1 && f.membershipAuc >= 0 && f.membershipAuc <= 1 && f.dcrRatio > 0, JSON.stringify(f));
  assert.ok(Number.isFinite(rep.gap.both!.balancedAccuracyPoints));
  assert.is(rep.gap.both!.assessed, false);
  assert.equal(Object.keys(rep.mapsVsTrain).sort(), ['MDD-EC', 'MDD-EO', 'healthy-EC', 'healthy-EO']);
  // each fold trains on one MDD and one healthy person with equal epochs: nothing to top up, so the
  // augmented arm is the TRTR fit itself, score for score
  for (const f of rep.perFold) assert.equal(Object.values(f.augmentedEpochs), [0, 0, 0, 0]);
  assert.equal(rep.augmented.both.persons.map((p) => p.score), rep.trtr.both.persons.map((p) => p.score));
  assert.is(rep.augmentationGain.both!.balancedAccuracyPoints, 0);
  // the Gaussian reference's TSTR is its own fit (other samples than the GAN's)
  assert.is.not(rep.tstrGaussian.both.persons[0]!.score, rep.tstr.both.persons[0]!.score);
  for (const f of rep.perFold) {
    const g = f.gaussianReference;
    assert.ok(g.membershipAuc >= 0 && g.membershipAuc <= 1 && g.membershipAucRelativeToGaussian >= 0 && g.membershipAucRelativeToGaussian <= 1 && g.dcrRatio > 0, JSON.stringify(g));
    assert.is(f.mmd.syntheticVsMembers.n, 18);
    assert.ok(f.mmd.syntheticVsMembers.p > 0 && f.mmd.syntheticVsMembers.p <= 1);
  }
});

test('eval synth eeg-maps: a final generator whose trainPersons hold no held-out person is scored as on unseen persons; train-only persons', () => {
  // the shipped manifest names the 36 Mumtaz persons, none of them in this data
  const r = run(modelCopy('unseen'), '--json');
  assert.is(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as Report;
  assert.match(rep.basis, /^final generator, trained without any held-out person/);
  assert.is(rep.gap.both!.assessed, true);
  // the same numbers as the run that labels the generator as having seen them: only the label differs
  assert.equal(rep.tstr.both.persons.map((p) => p.score), finalReport!.tstr.both.persons.map((p) => p.score));
});

test('eval synth eeg-maps: fold generators (folds/fold<k>) are used fold by fold', () => {
  const dir = modelCopy('per-fold');
  for (const k of [0, 1]) {
    const fd = join(dir, 'folds', `fold${k}`);
    mkdirSync(fd, { recursive: true });
    for (const f of FILES) copyFileSync(join(MODEL, f), join(fd, f));
  }
  // fold 1's "float32" generator is the int8 file: its samples, hence its numbers, must differ
  const m1 = join(dir, 'folds', 'fold1', 'manifest.json');
  const doc = JSON.parse(readFileSync(m1, 'utf8')) as { variants: Record<string, unknown> };
  doc.variants.float32 = doc.variants.int8;
  writeFileSync(m1, JSON.stringify(doc));
  const r = run(dir, '--json', '--variant', 'float32');
  assert.is(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as Report;
  assert.match(rep.basis, /^fold generators/);
  assert.equal(rep.perFold.map((f) => f.generator), ['folds/fold0', 'folds/fold1']);
  assert.is(rep.gap.both!.assessed, true);
  const base = finalReport!;
  assert.is(rep.perFold[0]!.twoSampleAucLogistic, base.perFold[0]!.twoSampleAucLogistic);
  assert.is(rep.perFold[0]!.dcrRatio, base.perFold[0]!.dcrRatio);
  assert.is.not(rep.perFold[1]!.dcrRatio, base.perFold[1]!.dcrRatio);
  // TSTR of fold 0's held-out persons (M1, H1) is unchanged, fold 1's (M2, H2) is not
  const score = (x: Report, s: string) => x.tstr.both.persons.find((p) => p.subject === s)!.score;
  assert.is(score(rep, 'M1'), score(base, 'M1'));
  assert.is.not(score(rep, 'M2'), score(base, 'M2'));
});

test('eval synth eeg-maps: a person of the data in two folds is refused', () => {
  const dir = modelCopy('bad-folds');
  writeFileSync(join(dir, 'eval-float32.json'), JSON.stringify({ folds: [['M1', 'H1'], ['M1', 'M2', 'H2']] }));
  const r = run(dir);
  assert.is(r.status, 1);
  assert.match(r.stderr, /M1 is held out by folds 0 and 1/);
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
