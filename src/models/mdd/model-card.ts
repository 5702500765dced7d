// MODEL_CARD.md of a clinic-trained MDD model, generated from report.json (train-report.ts) only:
// intended use (screening research signal, never a diagnosis), the data it was trained on (NOT the
// Mumtaz set of the shipped model), persons per class, files, rates, channel sets, the subject-wise
// CV metrics with 95 % intervals for the CNN and the logistic-regression baseline on the same folds,
// float32 vs our int8, the files and how to evaluate or deploy them.
import type { EvalCondition } from './evaluate.js';
import type { ConditionMetrics, CvMetrics, MddTrainReport } from './train-report.js';

const CONDITIONS: readonly EvalCondition[] = ['EC', 'EO', 'both'];

function pct(m: CvMetrics, key: 'accuracy' | 'sensitivity' | 'specificity' | 'balancedAccuracy'): string {
  const v = m[key];
  if (!Number.isFinite(v)) return '-';
  const ci = m[`${key}Ci`];
  return ci ? `${(100 * v).toFixed(1)} [${(100 * ci[0]).toFixed(0)}-${(100 * ci[1]).toFixed(0)}]` : (100 * v).toFixed(1);
}

function auc(m: CvMetrics): string {
  if (!Number.isFinite(m.auc)) return '-';
  return m.aucCi ? `${m.auc.toFixed(3)} [${m.aucCi[0].toFixed(2)}-${m.aucCi[1].toFixed(2)}]` : m.auc.toFixed(3);
}

const HEAD = '| model | condition | persons (MDD/healthy) | accuracy % | sensitivity % | specificity % | balanced accuracy % | ROC AUC |\n|---|---|---|---|---|---|---|---|';

function rows(name: string, metrics: ConditionMetrics): string[] {
  return CONDITIONS.flatMap((c) => {
    const m = metrics[c];
    return m ? [`| ${name} | ${c} | ${m.n} (${m.mdd}/${m.healthy}) | ${pct(m, 'accuracy')} | ${pct(m, 'sensitivity')} | ${pct(m, 'specificity')} | ${pct(m, 'balancedAccuracy')} | ${auc(m)} |`] : [];
  });
}

/** The recording-setup check (setup-signature.ts): do the groups' filter edges differ? */
function setupLines(r: MddTrainReport): string[] {
  const c = r.confounds?.setup;
  if (!c) return [];
  const a = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
  return [
    `Recording setup check: the AUC for MDD of each person's filter edges is ${a(c.lowEdgeAuc)} below 1 Hz and ${a(c.highEdgeAuc)} above 40 Hz (0.5: the groups were recorded alike).`,
    ...(c.warning ? ['', `**Warning:** ${c.warning}.`] : []),
    '',
  ];
}

const fmt = (v: number, digits = 4) => (Number.isFinite(v) ? v.toFixed(digits) : '-');

/** What the CV says about the CNN against the baseline, and int8 against float32 (both conditions). */
function comparison(r: MddTrainReport): string[] {
  const i8 = r.cv.int8.both;
  const lr = r.cv.baseline.both;
  const f32 = r.cv.float32.both;
  if (!i8 || !lr || !f32) return [];
  const p = (v: number) => (Number.isFinite(v) ? (100 * v).toFixed(1) : '-');
  const lines = [
    `- CNN (our int8) vs the baseline on the same folds: balanced accuracy ${p(i8.balancedAccuracy)} vs ${p(lr.balancedAccuracy)} %, AUC ${fmt(i8.auc, 3)} vs ${fmt(lr.auc, 3)}. ` +
      (i8.auc > lr.auc && i8.balancedAccuracy > lr.balancedAccuracy ? 'The CNN is ahead on both; check whether the intervals overlap before calling it better.' : 'The CNN is not ahead of the baseline on both: its value over a linear model on band powers is not shown by this data.'),
  ];
  const decision = (m: typeof i8) => new Map((m.persons ?? []).map((q) => [q.subject, q.score >= 0.5]));
  const a = decision(f32);
  const flipped = [...decision(i8)].filter(([s, d]) => a.has(s) && a.get(s) !== d).map(([s]) => s);
  const gap = Math.abs(i8.balancedAccuracy - f32.balancedAccuracy) * 100;
  lines.push(gap > 1
    ? `- **int8 differs from float32 by ${gap.toFixed(1)} points** of balanced accuracy (both conditions): ${flipped.length} person${flipped.length === 1 ? '' : 's'} (${flipped.join(', ')}) on the other side of 0.5. A score that close to the threshold is no answer either way; more data or epochs move scores away from it.`
    : `- int8 within 1 point of float32 (balanced accuracy ${p(i8.balancedAccuracy)} vs ${p(f32.balancedAccuracy)} %, both conditions).`);
  return lines;
}

export function modelCardMarkdown(r: MddTrainReport): string {
  const d = r.data;
  const m = r.model;
  const both = r.cv.int8.both;
  const lines = [
    `# Model card: \`${m.name}\` ${m.version} (MDD screening on EEG band maps, ${r.montage.electrodes.length} electrodes)`,
    '',
    '**Intended use: a research screening signal, NOT a diagnosis and not a medical device.** The score is a',
    `probability-like number from a model trained on ${d.persons.MDD + d.persons.healthy} persons of one data set; its error on other persons, sites,`,
    'amplifiers and populations is unknown beyond the intervals below. Never to be used to withhold or decide care.',
    'Every `<device>/eeg/mdd` payload carries `screening_only: true` and the research notice.',
    '',
    `**Trained on \`${r.trainedOn.edfDir}\`** (labels \`${r.trainedOn.labels}\`) by this command: not the shipped \`mdd-cnn\`, which`,
    'was trained on the Mumtaz data set (docs/models/mdd.md, whose numbers do not apply here). The numbers below are this run\'s.',
    `Made by \`weargate model train mdd\` on ${r.createdAt} (${r.wallS.toFixed(0)} s; folds ${r.options.folds}, epochs ${r.options.epochs}, seed ${r.options.seed}, seed state ${r.options.seedState ?? 'carry'}).`,
    '',
    '## Data',
    `| persons MDD | persons healthy | files | sampling rate | clean epochs | conditions |`,
    '|---|---|---|---|---|---|',
    `| ${d.persons.MDD} | ${d.persons.healthy} | ${d.files} | ${Object.entries(d.ratesHz).map(([rate, n]) => `${rate} Hz (${n} files)`).join(', ')} | ${d.cleanEpochs} of ${d.epochs} | ${Object.entries(d.conditions).map(([c, n]) => `${c} ${n}`).join(', ')} |`,
    '',
    `Electrodes (selected by name, in model order): ${r.montage.electrodes.join(' ')}. Channel sets in the files:`,
    '',
    ...d.channelSets.map((s) => `- ${s.files} file${s.files === 1 ? '' : 's'}: ${s.channels.join(', ')}`),
    '',
    'A channel set or amplitude that differs by class (as in the Mumtaz data) cannot reach the model through the',
    'maps (electrodes by name, log10 power centred per epoch), and its bands stay inside 4-30 Hz, away from the',
    "amplifier's filter edges; other site or group differences may still reach it: check them.",
    '',
    ...setupLines(r),
    '| file | subject | label | condition | duration s | clean / epochs |',
    '|---|---|---|---|---|---|',
    ...d.recordings.map((x) => `| ${x.file} | ${x.subject} | ${x.label} | ${x.condition ?? '-'} | ${x.durationS.toFixed(0)} | ${x.clean} / ${x.epochs} |`),
    '',
    `## Subject-wise ${r.cv.folds.length}-fold cross-validation`,
    'Folds of persons, stratified by label: every file of a person is in one fold; each fold\'s CNN and baseline are',
    'trained on the other persons only. Person score = mean P(MDD) over their clean epochs; threshold 0.5; 95 %',
    'intervals: percentile bootstrap over persons (2000 resamples). Baseline: logistic regression on log10 relative',
    'band powers, same folds.',
    '',
    ...r.cv.folds.map((f, k) => `- fold ${k + 1} held out: ${f.join(', ')}`),
    '',
    HEAD,
    ...rows('CNN (Keras float)', r.cv.cnn),
    ...rows('baseline LR, relative band powers', r.cv.baseline),
    ...rows('CNN float32 .tflite', r.cv.float32),
    ...rows('CNN our int8 .tflite', r.cv.int8),
    '',
    `Epoch-level accuracy: CNN ${fmt(100 * r.cv.epochAccuracy.cnn, 1)} %, baseline ${fmt(100 * r.cv.epochAccuracy.baseline, 1)} %.`,
    '',
    '## int8 vs float',
    `- fold models, held-out epochs: mean |P int8 - P float32| ${fmt(r.cv.int8VsFloat32.meanAbsDiff)}, max ${fmt(r.cv.int8VsFloat32.maxAbsDiff)}, same decision ${fmt(100 * r.cv.int8VsFloat32.decisionAgreement, 2)} %`,
    ...Object.entries(r.finalAgreement).map(([k, a]) => `- final model, ${k} vs float32${a.epochs !== undefined ? ` over ${a.epochs} epochs` : ''}: mean |dP| ${fmt(a.meanAbsDiff)}, max ${fmt(a.maxAbsDiff)}, same decision ${fmt(100 * a.decisionAgreement, 2)} %`),
    '',
    '## Reading the numbers',
    both
      ? `- Both conditions, our int8: balanced accuracy ${pct(both, 'balancedAccuracy')} %, ROC AUC ${auc(both)} on ${both.n} persons. With few persons the intervals are wide: a person is ${(100 / Math.max(1, both.n)).toFixed(1)} % of the data.`
      : '- No person-level result for both conditions.',
    ...comparison(r),
    '- No hyper-parameter was tuned on these CV results by this command (one configuration).',
    '',
    '## Files',
    `The model folder \`${m.dir}\` (manifest, ${m.parameters} parameters in Keras):`,
    '',
    ...Object.entries(m.files).map(([k, f]) => `- ${k}: \`${f.file}\`, ${f.bytes} B, sha256 ${f.sha256}`),
    ...(r.bundle ? [`- signed fleet bundle (int8): \`${r.bundle.file}\`, ${r.bundle.bytes} B, key ${r.bundle.keyId}`] : ['- no fleet bundle (no --sign-key given)']),
    '',
    'Re-score the CV persons with the fold models in LiteRT.js (reproduces the int8 rows):',
    '```sh',
    `weargate eval mdd --data ${r.trainedOn.edfDir} --labels ${r.trainedOn.labels} --manifest ${m.dir}/manifest.json`,
    '```',
    '',
  ];
  return lines.join('\n');
}
