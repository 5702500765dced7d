// Channel names to standard 10-10 names: prefixes, reference suffixes, eegmmidb dots, case, the old
// temporal names, and the channels that are not scalp EEG (with their reason), on the real label
// sets of the data in ../shared/data and of the devices.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLASSIC_10_20, Montage, readLabel, standardName } from '../../../src/streaming/eeg/montage.js';

test('aliases, prefixes, suffixes, dots and case all give the 10-10 name', () => {
  const cases: Array<[string, string]> = [
    ['T3', 'T7'], ['T4', 'T8'], ['T5', 'P7'], ['T6', 'P8'], ['t3', 'T7'],
    ['EEG T3-LE', 'T7'], ['EEG Fp1-LE', 'Fp1'], ['Fp1-REF', 'Fp1'], ['C3-A1', 'C3'], ['EEG Cz-Ref', 'Cz'], ['eeg:o2', 'O2'],
    ['Fc5.', 'FC5'], ['Cz..', 'Cz'], ['Fpz.', 'Fpz'], ['Afz.', 'AFz'], ['Iz..', 'Iz'],
    ['FP1', 'Fp1'], ['fcz', 'FCz'], ['TP9', 'TP9'], ['AF8', 'AF8'], ['  Pz  ', 'Pz'],
  ];
  for (const [label, name] of cases) assert.is(standardName(label), name, label);
});

test('non-EEG, references, bipolar and unknown labels are excluded with their reason', () => {
  const cases: Array<[string, string]> = [
    ['ECG ECG', 'non-eeg'], ['EKG', 'non-eeg'], ['EOG-L', 'non-eeg'], ['EMG1', 'non-eeg'], ['AUX', 'non-eeg'], ['Status', 'non-eeg'],
    ['EEG A2-A1', 'reference'], ['EEG 23A-23R', 'unknown'], ['EEG1', 'unknown'], ['CH3', 'unknown'], ['Fp1-F3', 'bipolar'], ['', 'unknown'],
  ];
  for (const [label, reason] of cases) {
    const r = readLabel(label);
    assert.is(r.kind, 'excluded', label);
    if (r.kind === 'excluded') assert.is(r.reason, reason, label);
  }
  assert.equal(readLabel('A1'), { kind: 'reference-electrode', name: 'A1' });
  assert.equal(readLabel('EEG M2'), { kind: 'reference-electrode', name: 'M2' });
});

test('the Mumtaz label set: 19 10-20 electrodes recorded against linked ears, 3 channels excluded', () => {
  const labels = ['Fp1', 'F3', 'C3', 'P3', 'O1', 'F7', 'T3', 'T5', 'Fz', 'Fp2', 'F4', 'C4', 'P4', 'O2', 'F8', 'T4', 'T6', 'Cz', 'Pz']
    .map((n) => `EEG ${n}-LE`)
    .concat(['EEG A2-A1', 'EEG 23A-23R', 'EEG 24A-24R']);
  const m = new Montage(labels);
  assert.is(m.channels.length, 19);
  assert.ok(m.isFull1020);
  assert.ok(m.recordedLinkedEars);
  assert.not.ok(m.hasEarPair);
  assert.equal(m.excluded.map((e) => e.reason), ['reference', 'unknown', 'unknown']);
  assert.is(m.indexOf('T7'), 6);
  assert.is(m.channels[6].label, 'EEG T3-LE');
});

test('eegmat, eegmmidb, Muse, a Cyton with default labels, ears in the stream, duplicates', () => {
  const eegmat = new Montage(['Fp1', 'Fp2', 'F3', 'F4', 'F7', 'F8', 'T3', 'T4', 'C3', 'C4', 'T5', 'T6', 'P3', 'P4', 'O1', 'O2', 'Fz', 'Cz', 'Pz'].map((n) => `EEG ${n}`).concat(['EEG A2-A1', 'ECG ECG']));
  assert.equal(eegmat.names.slice().sort(), [...CLASSIC_10_20].sort());
  assert.not.ok(eegmat.recordedLinkedEars);
  const mmidb = new Montage(['Fc5.', 'Fc3.', 'Cz..', 'T9..', 'T10.', 'Tp7.', 'Po7.', 'Iz..']);
  assert.equal(mmidb.names, ['FC5', 'FC3', 'Cz', 'T9', 'T10', 'TP7', 'PO7', 'Iz']);
  const muse = new Montage(['TP9', 'AF7', 'AF8', 'TP10', 'AUX']);
  assert.equal(muse.names, ['TP9', 'AF7', 'AF8', 'TP10']);
  assert.equal(muse.excluded, [{ index: 4, label: 'AUX', reason: 'non-eeg' }]);
  assert.is(new Montage(['EEG1', 'EEG2']).channels.length, 0);
  const ears = new Montage(['C3', 'C4', 'A1', 'A2']);
  assert.ok(ears.hasEarPair);
  assert.equal([...ears.references.entries()], [['A1', 2], ['A2', 3]]);
  const dup = new Montage(['T3', 'T7']);
  assert.equal(dup.names, ['T7']);
  assert.equal(dup.excluded, [{ index: 1, label: 'T7', reason: 'duplicate' }]);
});

test.run();
