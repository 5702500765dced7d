// validateTrainInput (`weargate model train mdd`'s first step) on tiny EDFs written by our EDF writer:
// one test per refusal, each checking that the message names the file; all problems are collected.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MDD_19 } from '../../../src/models/mdd/features.js';
import { validateTrainInput } from '../../../src/models/mdd/train-input.js';
import { CYTON_8 } from '../../../src/streaming/eeg/positions.js';
import { balancedPersons, MDD_19_LABELS, writeTinyDataset, type TinyPerson } from '../../_support/mdd-edf.js';

function dataset(persons: readonly TinyPerson[], labelsText?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'wg-mdd-train-'));
  writeTinyDataset(dir, persons);
  if (labelsText !== undefined) writeFileSync(join(dir, 'labels.csv'), labelsText);
  return { dir, labelsPath: join(dir, 'labels.csv') };
}

function check(persons: readonly TinyPerson[], options: { folds?: number; electrodes?: readonly string[]; labelsText?: string } = {}) {
  const { dir, labelsPath } = dataset(persons, options.labelsText);
  return validateTrainInput({ edfDir: dir, labelsPath, electrodes: options.electrodes ?? MDD_19, folds: options.folds ?? 2 });
}

/** Exactly one problem, naming `file` and matching `what`. */
function oneProblem(problems: string[], file: string, what: RegExp): void {
  assert.is(problems.length, 1, problems.join('\n'));
  assert.ok(problems[0]!.includes(file), `'${problems[0]}' does not name ${file}`);
  assert.match(problems[0]!, what);
}

test('clean input: no problems; persons, files, rate, channel sets and conditions summarised', () => {
  const persons = balancedPersons(2);
  persons[0]!.files = [{ condition: 'EC' }, { condition: 'EO', edf: { labels: [...MDD_19_LABELS, 'EEG A2-A1'] } }];
  const r = check(persons);
  assert.equal(r.problems, []);
  assert.is(r.sampleRateHz, 256);
  assert.equal(r.summary.persons, { MDD: 2, healthy: 2 });
  assert.is(r.summary.files, 5);
  assert.equal(r.summary.ratesHz, { '256': 5 });
  assert.equal(r.summary.channelSets.map((s) => [s.channels.length, s.files]), [[19, 4], [20, 1]]);
  assert.equal(r.summary.conditions, { EC: 4, EO: 1 });
  assert.is(r.recordings.length, 5);
  assert.is(r.recordings[0]!.durationS, 12);
});

test('a file listed but missing is named', () => {
  const { dir, labelsPath } = dataset(balancedPersons(2));
  writeFileSync(labelsPath, `file,subject,label\nM1_EC.edf,M1,MDD\nM2_EC.edf,M2,MDD\nH1_EC.edf,H1,healthy\nH2_EC.edf,H2,healthy\nGONE.edf,H2,healthy\n`);
  const r = validateTrainInput({ edfDir: dir, labelsPath, electrodes: MDD_19, folds: 2 });
  oneProblem(r.problems, 'GONE.edf', /not found in/);
});

test('an unreadable file (not an EDF) is named', () => {
  const { dir, labelsPath } = dataset(balancedPersons(2));
  writeFileSync(join(dir, 'M2_EC.edf'), 'this is not an EDF file at all');
  const r = validateTrainInput({ edfDir: dir, labelsPath, electrodes: MDD_19, folds: 2 });
  oneProblem(r.problems, 'M2_EC.edf', /unreadable as EDF/);
});

test('unknown channel names (nothing maps to 10-20) are refused, naming the file and its channels', () => {
  const persons = balancedPersons(2);
  persons[1]!.files = [{ edf: { labels: Array.from({ length: 19 }, (_, i) => `Chan ${i + 1}`) } }];
  const r = check(persons);
  oneProblem(r.problems, 'M2_EC.edf', /no channel name maps to a 10-20\/10-10 electrode \(channels: Chan 1, Chan 2/);
});

test('fewer than the montage\'s electrodes: the file and the missing electrodes are named', () => {
  const persons = balancedPersons(2);
  persons[2]!.files = [{ edf: { labels: CYTON_8.map((e) => `EEG ${e}`) } }];
  const r = check(persons);
  oneProblem(r.problems, 'H1_EC.edf', /has 8 of the montage's 19 electrodes; missing F7, F3, Fz, F4, F8, T7, Cz, T8, P3, Pz, P4 \(channels: EEG Fp1, /);
  // the same file is fine for the 8-electrode montage
  assert.equal(check(persons, { electrodes: CYTON_8 }).problems, []);
});

test('mixed sampling rates across files: which files have which rate', () => {
  const persons = balancedPersons(2);
  persons[3]!.files = [{ edf: { rateHz: 250 } }];
  const r = check(persons);
  oneProblem(r.problems, 'H2_EC.edf', /mixed sampling rates: 256 Hz: M1_EC\.edf, M2_EC\.edf, H1_EC\.edf \(3 files\); 250 Hz: H2_EC\.edf \(1 file\)/);
  assert.is(r.sampleRateHz, undefined);
});

test('electrodes of one file at different rates are named', () => {
  const persons = balancedPersons(2);
  persons[0]!.files = [{ edf: { rateHz: MDD_19.map((_, i) => (i === 4 ? 128 : 256)) } }];
  const r = check(persons);
  oneProblem(r.problems, 'M1_EC.edf', /electrodes are sampled at different rates \(256 Hz: .*; 128 Hz: EEG Fz-LE\)/);
});

test('a rate too low for the bands is named', () => {
  const persons = balancedPersons(2).map((p) => ({ ...p, files: [{ edf: { rateHz: 64 } }] }));
  const r = check(persons);
  oneProblem(r.problems, 'M1_EC.edf', /sampled at 64 Hz, below the 66 Hz the bands up to 30 Hz need/);
});

test('a recording shorter than one epoch and a non-voltage unit are named', () => {
  const persons = balancedPersons(2);
  persons[0]!.files = [{ edf: { seconds: 3 } }];
  persons[1]!.files = [{ edf: { unit: 'degC' } }];
  const r = check(persons);
  assert.is(r.problems.length, 20, r.problems.join('\n')); // 1 short + 19 channels in degC
  assert.match(r.problems[0]!, /^M1_EC\.edf: 3\.0 s of signal, shorter than one 4 s epoch/);
  assert.match(r.problems[1]!, /^M2_EC\.edf: channel 'EEG Fp1-LE' is in 'degC', not a voltage/);
});

test('a subject with both labels: both files are named', () => {
  const persons = balancedPersons(3);
  const text = 'file,subject,label,condition\nM1_EC.edf,M1,MDD,EC\nM2_EC.edf,M2,MDD,EC\nM3_EC.edf,H1,MDD,EC\nH1_EC.edf,H1,healthy,EC\nH2_EC.edf,H2,healthy,EC\nH3_EC.edf,H3,healthy,EC\n';
  const r = check(persons, { labelsText: text });
  oneProblem(r.problems, 'H1_EC.edf', /subject H1 has both labels: M3_EC\.edf is MDD \(line 4\), H1_EC\.edf is healthy/);
  assert.ok(r.problems[0]!.includes('M3_EC.edf'));
});

test('fewer persons per class than folds: says how many and what --folds needs', () => {
  const r = check(balancedPersons(3), { folds: 6 });
  assert.is(r.problems.length, 2, r.problems.join('\n'));
  assert.match(r.problems[0]!, /labels\.csv: 3 MDD persons \(M1, M2, M3\); --folds 6 needs at least 6 persons per class/);
  assert.match(r.problems[1]!, /3 healthy persons \(H1, H2, H3\); --folds 6/);
  assert.equal(check(balancedPersons(3), { folds: 3 }).problems, []);
});

test('an unknown label value is named with its file and line', () => {
  const text = 'file,subject,label\nM1_EC.edf,M1,MDD\nM2_EC.edf,M2,depressed\nH1_EC.edf,H1,healthy\nH2_EC.edf,H2,healthy\nM3_EC.edf,M3,MDD\n';
  const persons = [...balancedPersons(2), { subject: 'M3', label: 'MDD' }];
  const r = check(persons, { labelsText: text });
  oneProblem(r.problems, 'M2_EC.edf', /labels\.csv:3: M2_EC\.edf: label 'depressed' is neither MDD nor healthy/);
});

test('a bad header, a missing labels file, a missing folder', () => {
  const { dir, labelsPath } = dataset(balancedPersons(2), 'name,person,class\n');
  const header = validateTrainInput({ edfDir: dir, labelsPath, electrodes: MDD_19, folds: 2 });
  assert.equal(header.problems.length, 1);
  assert.match(header.problems[0]!, /header must name file,subject,label/);
  const none = validateTrainInput({ edfDir: dir, labelsPath: join(dir, 'nope.csv'), electrodes: MDD_19, folds: 2 });
  assert.match(none.problems[0]!, /nope\.csv: cannot be read \(ENOENT\)/);
  const folder = validateTrainInput({ edfDir: join(dir, 'no-such-dir'), labelsPath, electrodes: MDD_19, folds: 2 });
  assert.ok(folder.problems.some((p) => p.includes('no-such-dir: not a folder')));
});

test('every problem is reported at once, not only the first', () => {
  const persons = balancedPersons(2);
  persons[0]!.files = [{ edf: { labels: CYTON_8.map((e) => `EEG ${e}`) } }];
  persons[3]!.files = [{ edf: { rateHz: 500 } }];
  const { dir, labelsPath } = dataset(persons);
  writeFileSync(join(dir, 'H1_EC.edf'), 'garbage');
  const r = validateTrainInput({ edfDir: dir, labelsPath, electrodes: MDD_19, folds: 3 });
  const named = ['M1_EC.edf', 'H1_EC.edf', 'mixed sampling rates', '2 MDD persons', '2 healthy persons'];
  assert.is(r.problems.length, named.length, r.problems.join('\n'));
  for (const n of named) assert.ok(r.problems.some((p) => p.includes(n)), `no problem mentions ${n}:\n${r.problems.join('\n')}`);
});

test.run();
