// The model card of `weargate model train mdd`, generated from a committed report.json (the real
// 8-person, 2-fold, 2-epoch run of docs/models/mdd-train-your-own.md).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { modelCardMarkdown } from '../../../src/models/mdd/model-card.js';
import { parsePythonJson, readTrainReport, type MddTrainReport } from '../../../src/models/mdd/train-report.js';

const FIXTURE = 'tests/fixtures/mdd/train-report.json';
const report = () => readTrainReport(FIXTURE);

test('card: intended use, what it was trained on, data summary', () => {
  const card = modelCardMarkdown(report());
  assert.ok(card.startsWith('# Model card: `mdd-cnn` 1.0.0 (MDD screening on EEG band maps, 19 electrodes)'));
  assert.match(card, /\*\*Intended use: a research screening signal, NOT a diagnosis and not a medical device\.\*\*/);
  assert.match(card, /`screening_only: true`/);
  assert.match(card, /\*\*Trained on `\.\.\/shared\/data\/mumtaz-mdd-train`\*\* \(labels `tests\/fixtures\/mdd\/train-subset8\.csv`\) by this command: not the shipped `mdd-cnn`/);
  assert.ok(card.includes('| 4 | 4 | 16 | 256 Hz (16 files) | 1817 of 1904 | EC 8, EO 8 |'), 'data row');
  assert.match(card, /- 10 files: EEG Fp1-LE, .*EEG A2-A1\n- 6 files: EEG Fp1-LE, .*EEG 23A-23R, EEG 24A-24R\n/);
  assert.ok(card.includes('| P09_EC.edf | P09 | MDD | EC | 240 | 70 / 119 |'));
  assert.match(card, /## Subject-wise 2-fold cross-validation/);
  assert.ok(card.includes('- fold 1 held out: P02, P07, P08, P09\n- fold 2 held out: P04, P05, P06, P17'));
});

test('card: the seed state of the training (a report from before --seed-state carried it over)', () => {
  assert.match(modelCardMarkdown(report()), /folds 2, epochs 2, seed 20261201, seed state carry\)\./);
  const r = report();
  r.options.seedState = 'reset';
  assert.match(modelCardMarkdown(r), /seed 20261201, seed state reset\)\./);
});

test('card: CV rows of the CNN (Keras, float32, int8) and the baseline with 95 % intervals, from the report', () => {
  const r = report();
  const card = modelCardMarkdown(r);
  const rows = card.split('\n').filter((l) => l.startsWith('| CNN') || l.startsWith('| baseline'));
  assert.is(rows.length, 12);
  assert.ok(rows.includes('| CNN our int8 .tflite | both | 8 (4/4) | 75.0 [38-100] | 75.0 [20-100] | 75.0 [25-100] | 75.0 [37-100] | 0.625 [0.13-1.00] |'), rows.join('\n'));
  assert.ok(rows.includes('| baseline LR, relative band powers | EO | 8 (4/4) | 75.0 [38-100] | 100.0 [100-100] | 50.0 [0-100] | 75.0 [50-100] | 0.875 [0.50-1.00] |'), rows.join('\n'));
  // every row is the report's numbers: balanced accuracy of each int8 row
  for (const c of ['EC', 'EO', 'both'] as const) {
    const m = r.cv.int8[c]!;
    const row = rows.find((l) => l.startsWith(`| CNN our int8 .tflite | ${c} |`))!;
    assert.ok(row.includes(`| ${(100 * m.balancedAccuracy).toFixed(1)} [${(100 * m.balancedAccuracyCi![0]).toFixed(0)}-`), row);
  }
  assert.match(card, /fold models, held-out epochs: mean \|P int8 - P float32\| 0\.0013, max 0\.0207, same decision 96\.53 %/);
  assert.match(card, /final model, int8 vs float32 over 1817 epochs: mean \|dP\| 0\.0011/);
});

test('card: reading the numbers says when the CNN is not ahead of the baseline and when int8 moved a person', () => {
  const card = modelCardMarkdown(report());
  assert.match(card, /balanced accuracy 75\.0 vs 62\.5 %, AUC 0\.625 vs 0\.875\. The CNN is not ahead of the baseline on both/);
  assert.match(card, /\*\*int8 differs from float32 by 12\.5 points\*\* of balanced accuracy \(both conditions\): 1 person \(P05\)/);
  const same = report();
  same.cv.int8 = same.cv.float32;
  assert.match(modelCardMarkdown(same), /int8 within 1 point of float32 \(balanced accuracy 62\.5 vs 62\.5 %/);
});

test('card: files, bundle, the eval command; without a bundle it says so', () => {
  const r = report();
  const card = modelCardMarkdown(r);
  assert.match(card, /- int8: `var\/train\/mdd-subset8\/models\/mdd-cnn\/int8\.tflite`, 14176 B, sha256 [0-9a-f]{64}/);
  assert.match(card, /- signed fleet bundle \(int8\): `var\/train\/mdd-subset8\/mdd-cnn-1\.0\.0\.wgb`, \d+ B, key 6cf754b2eb64fe0a/);
  assert.match(card, /weargate eval mdd --data \.\.\/shared\/data\/mumtaz-mdd-train --labels tests\/fixtures\/mdd\/train-subset8\.csv --manifest var\/train\/mdd-subset8\/models\/mdd-cnn\/manifest\.json/);
  delete r.bundle;
  assert.match(modelCardMarkdown(r), /- no fleet bundle \(no --sign-key given\)/);
});

test('a metric a condition cannot have (NaN, null in JSON) prints "-"; a condition absent has no row', () => {
  const r = report();
  r.cv.baseline.EC = { ...r.cv.baseline.EC!, auc: NaN, aucCi: undefined, specificity: NaN, specificityCi: undefined };
  delete r.cv.cnn.EO;
  const dir = mkdtempSync(join(tmpdir(), 'wg-card-'));
  writeFileSync(join(dir, 'report.json'), JSON.stringify(r)); // NaN -> null, as the command writes it
  const back = readTrainReport(join(dir, 'report.json'));
  assert.ok(Number.isNaN(back.cv.baseline.EC!.auc));
  const card = modelCardMarkdown(back);
  assert.match(card, /\| baseline LR, relative band powers \| EC \| 8 \(4\/4\) \| 62\.5 \[25-100\] \| 75\.0 \[20-100\] \| - \| 62\.5 \[25-100\] \| - \|/);
  assert.not.ok(card.includes('| CNN (Keras float) | EO |'));
});

test('Python JSON: NaN literals are read as NaN; a file that is not a report is refused', () => {
  const v = parsePythonJson('{"auc": NaN, "n": 3, "x": [1, NaN]}') as { auc: number; n: number; x: number[] };
  assert.ok(Number.isNaN(v.auc) && Number.isNaN(v.x[1]!));
  assert.is(v.n, 3);
  const dir = mkdtempSync(join(tmpdir(), 'wg-card-'));
  writeFileSync(join(dir, 'other.json'), JSON.stringify({ format: 'something-else' } satisfies Partial<Record<keyof MddTrainReport, string>>));
  assert.throws(() => readTrainReport(join(dir, 'other.json')), /not a weargate mdd training report/);
});

test('card: the recording-setup check, with its warning when the filter edges predict the label', () => {
  const r = report();
  assert.not.match(modelCardMarkdown(r), /Recording setup check/); // a report without the check (older runs)
  const alike = modelCardMarkdown({ ...r, confounds: { setup: { persons: 8, lowEdgeAuc: 0.56, highEdgeAuc: 0.44 } } });
  assert.match(alike, /Recording setup check: the AUC for MDD of each person's filter edges is 0\.56 below 1 Hz and 0\.44 above 40 Hz/);
  assert.not.match(alike, /\*\*Warning:\*\*/);
  const apart = modelCardMarkdown({ ...r, confounds: { setup: { persons: 8, lowEdgeAuc: 0.94, highEdgeAuc: Number.NaN, warning: 'the groups differ' } } });
  assert.match(apart, /0\.94 below 1 Hz and n\/a above 40 Hz/);
  assert.match(apart, /\*\*Warning:\*\* the groups differ\./);
});

test.run();
