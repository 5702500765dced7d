// `weargate eval synth eeg-maps`: the EEG map generator measured in TS from the recordings, on the
// subject-wise folds of the MDD CV (the folds training/gan/eeg_eval.py used, read from the model's
// eval-<variant>.json or the mdd-cnn manifest). Each fold uses its own generator when the model
// folder holds one (`folds/fold<k>/manifest.json`); otherwise the final generator, which was trained
// on all development persons INCLUDING each fold's held-out persons: then utility and privacy are
// labelled as such (TSTR optimistic; "non-members" are members).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '../../../common/random.js';
import type { EvalCondition } from '../../mdd/evaluate.js';
import { readMddLabels } from '../../mdd/labels.js';
import type { MetricsWithCi } from '../../mdd/metrics.js';
import { createLiteRtRuntime } from '../../runtime/litert.js';
import { valuesToRelativePowers } from '../eeg-maps.js';
import { DEFAULT_GAN_EEG_DIR, EegMapGenerator } from '../eeg-generator.js';
import { checkFolds, crossFit, featuresForGenerator, foldIndices, loadEegEpochs, type EegEpochSet } from './eeg-data.js';
import { fitBaseline, mapStats, personMetrics, privacyFrom, dcrDistances, splineWeights, twoSampleLogisticAuc, twoSampleTreeAuc, type BandMapStats, type PrivacyResult } from './eeg-metrics.js';
import { eegAttacks, type EegAttacks } from './eeg-privacy.js';
import { gaussianReference, gaussianTwin, mmdVsMembers, topUpConditions, type GaussianReference, type MmdResult } from './eeg-reference.js';

export interface EvalSynthEegOptions {
  dataDir: string;
  labelsPath: string;
  modelDir?: string;
  variant?: string;
  seed?: number;
  resamples?: number;
  /** Held-out persons per fold (default: from the model folder, see foldsFor). */
  folds?: string[][];
  /** Persons in no fold who only ever train (synth share: the generator's training persons beside one held-out fold). */
  trainOnly?: string[];
  progress?: (line: string) => void;
}

export type PersonMetrics = MetricsWithCi & { persons: { subject: string; label: number; score: number; epochs: number }[] };

export interface EegFoldResult extends PrivacyResult {
  fold: number;
  heldOut: string[];
  generator: string;
  trainEpochs: number;
  testEpochs: number;
  twoSampleAucLogistic: number;
  /** Gradient-boosted-tree two-sample test (training/gan/eeg_eval.py's "gbt"), of the GAN and of the Gaussian reference. */
  twoSampleAucTrees: number;
  gaussianTwoSampleAucTrees: number;
  /** Discriminator attack (epoch and person level) and the DCR attack at person level. */
  attacks: EegAttacks;
  /** The memoryless yardstick: one normal per condition fitted to the fold's training epochs. */
  gaussianReference: GaussianReference;
  /** MMD² in the standardised values: synthetic vs training persons, and held-out vs training persons (the real spread). */
  mmd: { syntheticVsMembers: MmdResult; heldOutVsMembers: MmdResult };
  /** Synthetic minority-label epochs added per condition for the augmentation arm. */
  augmentedEpochs: Record<string, number>;
  mapsVsTrain: Record<string, Record<string, BandMapStats>>;
}

type SummaryKey = 'twoSampleAucLogistic' | 'twoSampleAucTrees' | 'gaussianTwoSampleAucTrees' | 'membershipAuc' | 'dcrRatio' | 'dcrPersonAuc' | 'discriminatorAuc' | 'discriminatorPersonAuc'
  | 'gaussianMembershipAuc' | 'membershipAucRelativeToGaussian' | 'gaussianDcrRatio' | 'mmd2SyntheticVsMembers' | 'mmdPSyntheticVsMembers' | 'mmd2HeldOutVsMembers';

export interface EvalSynthEegReport {
  command: string;
  model: { name: string; version: string; variant: string; sha256: string };
  /** 'fold generators' or 'final generator (...)': what the held-out persons are to the generator. */
  basis: string;
  foldsSource: string;
  folds: string[][];
  seed: number;
  epochs: number;
  persons: number;
  trtr: Partial<Record<EvalCondition, PersonMetrics>>;
  tstr: Partial<Record<EvalCondition, PersonMetrics>>;
  /** Real training epochs + synthetic minority-label epochs (each eyes condition topped up to the majority count). */
  augmented: Partial<Record<EvalCondition, PersonMetrics>>;
  /** TSTR with the Gaussian reference's samples: what a model with no memory of any epoch teaches. */
  tstrGaussian: Partial<Record<EvalCondition, PersonMetrics>>;
  /** TSTR - TRTR balanced accuracy; `assessed` only with fold generators (the final one saw the test persons). */
  gap: Partial<Record<EvalCondition, { balancedAccuracyPoints: number; withinTarget: boolean; assessed: boolean }>>;
  /** Augmented - TRTR balanced accuracy, points (a gain when > 0). */
  augmentationGain: Partial<Record<EvalCondition, { balancedAccuracyPoints: number; assessed: boolean }>>;
  perFold: EegFoldResult[];
  summary: Record<SummaryKey, { mean: number; min: number; max: number }>;
  /** Mean over folds, per condition and band. */
  mapsVsTrain: Record<string, Record<string, BandMapStats>>;
  notes: string[];
}

/** The folds: the model's eval-<variant>.json (Python eval's record), else eval-float32.json, else the mdd-cnn manifest's cv.folds. */
export function foldsFor(modelDir: string, variant: string): { folds: string[][]; source: string } {
  for (const name of [`eval-${variant}.json`, 'eval-float32.json']) {
    const p = join(modelDir, name);
    if (existsSync(p)) {
      const doc = JSON.parse(readFileSync(p, 'utf8')) as { folds?: unknown };
      if (Array.isArray(doc.folds)) return { folds: doc.folds as string[][], source: p };
    }
  }
  const mdd = join(modelDir, '..', 'mdd-cnn', 'manifest.json');
  if (existsSync(mdd)) {
    const doc = JSON.parse(readFileSync(mdd, 'utf8')) as { params?: { cv?: { folds?: string[][] } } };
    if (doc.params?.cv?.folds) return { folds: doc.params.cv.folds, source: mdd };
  }
  throw new Error(`no folds: neither ${modelDir}/eval-*.json nor ../mdd-cnn/manifest.json lists them`);
}

const CONDS = ['EC', 'EO'] as const;

export async function evaluateSynthEeg(opts: EvalSynthEegOptions): Promise<EvalSynthEegReport> {
  const modelDir = opts.modelDir ?? DEFAULT_GAN_EEG_DIR;
  const seed = opts.seed ?? 7;
  const log = opts.progress ?? (() => undefined);
  const runtime = await createLiteRtRuntime();
  try {
    const final = await EegMapGenerator.load(runtime, { dir: modelDir, ...(opts.variant ? { variant: opts.variant } : {}) });
    const variant = final.info.variant;
    const { folds, source } = opts.folds ? { folds: opts.folds, source: '--folds' } : foldsFor(modelDir, variant);
    const labels = readMddLabels(opts.labelsPath);
    const inFolds = new Set(folds.flat());
    const trainOnly = new Set(opts.trainOnly ?? []);
    const both = [...trainOnly].filter((s) => inFolds.has(s));
    if (both.length) throw new Error(`persons both held out and train-only: ${both.join(', ')}`);
    const data = loadEegEpochs(opts.dataDir, labels.filter((l) => inFolds.has(l.subject) || trainOnly.has(l.subject)), featuresForGenerator(final.geometry), log);
    if (data.values.length === 0) throw new Error('no clean epochs of any fold person');
    checkFolds({ subject: data.subject.filter((s) => !trainOnly.has(s)) }, folds.map((f) => f.filter((s) => data.subject.includes(s))));
    const foldDirs = folds.map((_, k) => join(modelDir, 'folds', `fold${k}`));
    const perFoldGenerators = foldDirs.every((d) => existsSync(join(d, 'manifest.json')));
    // a final generator whose manifest names training persons none of whom is held out measures unseen persons too
    const trained = new Set(final.params.trainPersons);
    const finalUnseen = !perFoldGenerators && folds.every((f) => f.every((s) => !trained.has(s)));
    const unseen = perFoldGenerators || finalUnseen;
    const basis = perFoldGenerators ? 'fold generators (each trained on its fold\'s training persons only)' : finalUnseen ? 'final generator, trained without any held-out person (its manifest\'s trainPersons)' : 'final generator (trained on ALL development persons, including every fold\'s held-out persons: TSTR is optimistic and the membership test has no true non-members)';
    const g = final.geometry;
    const weights = splineWeights(g);
    const condIndex = (i: number, d: EegEpochSet = data) => final.conditionIndex(d.label[i] ? 'MDD' : 'healthy', d.condition[i]!);
    const generatorFor = async (k: number) => {
      if (!perFoldGenerators) return final;
      const gen = await EegMapGenerator.load(runtime, { dir: foldDirs[k]!, variant });
      if (gen.geometry.electrodes.join(',') !== g.electrodes.join(',')) throw new Error(`${foldDirs[k]}: electrodes ${gen.geometry.electrodes.join(' ')}, the model's are ${g.electrodes.join(' ')}`);
      return gen;
    };
    const sample = (gen: EegMapGenerator, conds: number[], rng: SeededRandom) =>
      gen.values(conds.map((conditionIndex) => ({ latent: Float32Array.from({ length: gen.params.latentSize }, () => rng.gaussian()), conditionIndex })));
    const perFold: EegFoldResult[] = [];
    const synthByFold: { values: Float32Array[]; labels: number[] }[] = [];
    const extraByFold: { values: Float32Array[]; labels: number[] }[] = [];
    const gaussByFold: Float32Array[][] = [];
    for (const [k, held] of folds.entries()) {
      const { train, test } = foldIndices(data, held);
      if (test.length === 0) continue;
      const gen = await generatorFor(k);
      const rng = new SeededRandom(seed + 1000 * k);
      const cTr = train.map((i) => condIndex(i)), cTe = test.map((i) => condIndex(i));
      const sA = sample(gen, cTr, rng);
      const sB = sample(gen, cTe, rng);
      synthByFold[k] = { values: sA, labels: train.map((i) => data.label[i]!) };
      const vTr = train.map((i) => data.values[i]!), vTe = test.map((i) => data.values[i]!);
      // the extra arms draw from their own streams, so the numbers above do not depend on them
      const extraC = topUpConditions(cTr, gen.params.conditions);
      const isMdd = (c: number) => (gen.params.conditions[c]!.toUpperCase().startsWith('MDD') ? 1 : 0);
      extraByFold[k] = { values: extraC.length ? sample(gen, extraC, new SeededRandom(seed + 1000 * k + 2)) : [], labels: extraC.map(isMdd) };
      const rngG = new SeededRandom(seed + 1000 * k + 3);
      const gA = gaussianTwin(vTr, cTr, cTr, rngG), gB = gaussianTwin(vTr, cTr, cTe, rngG);
      gaussByFold[k] = gA;
      const mmd = mmdVsMembers(vTr, vTe, sA, new SeededRandom(seed + 1000 * k + 4));
      const augmentedEpochs = Object.fromEntries(gen.params.conditions.map((name, c) => [name, extraC.filter((x) => x === c).length]));
      const twoSampleAucLogistic = twoSampleLogisticAuc({ real: vTr, realCond: cTr, synth: sA, synthCond: cTr }, { real: vTe, realCond: cTe, synth: sB, synthCond: cTe }, gen.params.conditions.length);
      const treeAuc = (syn: Float32Array[], fresh: Float32Array[], k2: number) => twoSampleTreeAuc({ real: vTr, realCond: cTr, synth: syn, synthCond: cTr },
        { real: vTe, realCond: cTe, synth: fresh, synthCond: cTe }, gen.params.conditions.length, new SeededRandom(seed + 1000 * k + k2));
      const twoSampleAucTrees = treeAuc(sA, sB, 600), gaussianTwoSampleAucTrees = treeAuc(gA, gB, 601);
      const ganD = dcrDistances(vTr, vTe, sA, sB);
      const priv = privacyFrom(ganD);
      const gaussRef = gaussianReference(ganD, dcrDistances(vTr, vTe, gA, gB));
      const labelOf = (subject: string) => data.label[data.subject.indexOf(subject)]!;
      const attacks = eegAttacks(
        { values: vTr, subject: train.map((i) => data.subject[i]!), condition: cTr },
        { values: vTe, subject: test.map((i) => data.subject[i]!), condition: cTe },
        { values: sA, condition: cTr }, gen.params.conditions.length, labelOf, new SeededRandom(seed + 1000 * k + 500));
      const mapsVsTrain: Record<string, Record<string, BandMapStats>> = {};
      gen.params.conditions.forEach((name, c) => {
        const r = vTr.filter((_, j) => cTr[j] === c), s = sA.filter((_, j) => cTr[j] === c);
        if (r.length > 1) mapsVsTrain[name] = mapStats(r, s, g, weights);
      });
      perFold.push({ fold: k, heldOut: held, generator: perFoldGenerators ? `folds/fold${k}` : 'final', trainEpochs: train.length, testEpochs: test.length, twoSampleAucLogistic, twoSampleAucTrees, gaussianTwoSampleAucTrees, ...priv, attacks, gaussianReference: gaussRef, mmd, augmentedEpochs, mapsVsTrain });
      if (gen !== final) gen.dispose();
      log(`fold ${k + 1}/${folds.length}: two-sample AUC (logistic) ${twoSampleAucLogistic.toFixed(3)}, trees ${twoSampleAucTrees.toFixed(3)} (Gaussian ${gaussianTwoSampleAucTrees.toFixed(3)}); membership AUC ${priv.membershipAuc.toFixed(3)}; DCR ratio ${priv.dcrRatio.toFixed(3)}; discriminator AUC ${attacks.discriminator.epoch.auc.toFixed(3)} (persons ${attacks.discriminator.person.auc.toFixed(3)}); DCR persons ${attacks.dcrPerson.auc.toFixed(3)}; vs Gaussian ${gaussRef.membershipAucRelativeToGaussian.toFixed(3)}; MMD² ${mmd.syntheticVsMembers.mmd2.toFixed(4)} (held-out ${mmd.heldOutVsMembers.mmd2.toFixed(4)})`);
    }
    const rel = (i: number) => data.relativePowers[i]!;
    const pTrtr = crossFit(data, folds, (train) => {
      const f = fitBaseline(train.map(rel), train.map((i) => data.label[i]!));
      return (test) => f(test.map(rel));
    });
    const pTstr = crossFit(data, folds, (_train, k) => {
      const s = synthByFold[k]!;
      const f = fitBaseline(s.values.map((v) => valuesToRelativePowers(v, g)), s.labels);
      return (test) => f(test.map(rel));
    });
    const pAug = crossFit(data, folds, (train, k) => {
      const x = extraByFold[k]!;
      const f = fitBaseline([...train.map(rel), ...x.values.map((v) => valuesToRelativePowers(v, g))], [...train.map((i) => data.label[i]!), ...x.labels]);
      return (test) => f(test.map(rel));
    });
    const pGauss = crossFit(data, folds, (_train, k) => {
      const f = fitBaseline(gaussByFold[k]!.map((v) => valuesToRelativePowers(v, g)), synthByFold[k]!.labels);
      return (test) => f(test.map(rel));
    });
    log('baselines fitted (TRTR, TSTR, augmented, TSTR with the Gaussian reference)');
    const trtr = personMetrics(data, pTrtr, opts.resamples);
    const tstr = personMetrics(data, pTstr, opts.resamples);
    const augmented = personMetrics(data, pAug, opts.resamples);
    const tstrGaussian = personMetrics(data, pGauss, opts.resamples);
    const gap: EvalSynthEegReport['gap'] = {};
    const augmentationGain: EvalSynthEegReport['augmentationGain'] = {};
    for (const c of ['EC', 'EO', 'both'] as const) {
      if (trtr[c] && tstr[c]) {
        const points = 100 * (tstr[c].balancedAccuracy - trtr[c].balancedAccuracy);
        gap[c] = { balancedAccuracyPoints: points, withinTarget: points >= -3, assessed: unseen };
      }
      if (trtr[c] && augmented[c]) augmentationGain[c] = { balancedAccuracyPoints: 100 * (augmented[c].balancedAccuracy - trtr[c].balancedAccuracy), assessed: unseen };
    }
    // Over the folds where the measure exists (a discriminator attack needs held-out persons to spare); NaN when none.
    const stat = (f: (r: EegFoldResult) => number) => {
      const v = perFold.map(f).filter(Number.isFinite);
      return v.length === 0 ? { mean: Number.NaN, min: Number.NaN, max: Number.NaN } : { mean: v.reduce((a, b) => a + b, 0) / v.length, min: Math.min(...v), max: Math.max(...v) };
    };
    const mapsMean: Record<string, Record<string, BandMapStats>> = {};
    for (const name of final.params.conditions) {
      const rows = perFold.map((f) => f.mapsVsTrain[name]).filter((m): m is Record<string, BandMapStats> => m !== undefined);
      if (!rows.length) continue;
      mapsMean[name] = {};
      for (const band of g.bands) {
        const avg = (key: keyof BandMapStats) => rows.reduce((a, m) => a + m[band]![key], 0) / rows.length;
        mapsMean[name][band] = { meanR: avg('meanR'), meanRmse: avg('meanRmse'), sdR: avg('sdR'), realSdMean: avg('realSdMean'), synthSdMean: avg('synthSdMean') };
      }
    }
    const info = final.info;
    return {
      command: 'weargate eval synth eeg-maps',
      model: { name: info.name, version: info.version, variant, sha256: info.sha256 },
      basis, foldsSource: source, folds, seed,
      epochs: data.values.length, persons: new Set(data.subject).size,
      trtr, tstr, augmented, tstrGaussian, gap, augmentationGain, perFold,
      summary: {
        twoSampleAucLogistic: stat((f) => f.twoSampleAucLogistic), twoSampleAucTrees: stat((f) => f.twoSampleAucTrees),
        gaussianTwoSampleAucTrees: stat((f) => f.gaussianTwoSampleAucTrees), membershipAuc: stat((f) => f.membershipAuc), dcrRatio: stat((f) => f.dcrRatio),
        dcrPersonAuc: stat((f) => f.attacks.dcrPerson.auc), discriminatorAuc: stat((f) => f.attacks.discriminator.epoch.auc), discriminatorPersonAuc: stat((f) => f.attacks.discriminator.person.auc),
        gaussianMembershipAuc: stat((f) => f.gaussianReference.membershipAuc), membershipAucRelativeToGaussian: stat((f) => f.gaussianReference.membershipAucRelativeToGaussian),
        gaussianDcrRatio: stat((f) => f.gaussianReference.dcrRatio), mmd2SyntheticVsMembers: stat((f) => f.mmd.syntheticVsMembers.mmd2),
        mmdPSyntheticVsMembers: stat((f) => f.mmd.syntheticVsMembers.p), mmd2HeldOutVsMembers: stat((f) => f.mmd.heldOutVsMembers.mmd2),
      },
      mapsVsTrain: mapsMean,
      notes: [
        `conditions: ${CONDS.join(', ')} and both; person score = mean P(MDD) over the person's clean epochs; intervals: bootstrap over persons (mulberry32 12345)`,
        'baseline: logistic regression on standardised log10 relative band power, l2 = 1/(0.1 n), balanced class weights (mdd_cnn.py: C 0.1), fitted by full-batch Adam',
        'synthetic training set per fold: as many epochs per condition as the fold\'s real training set; latents: seeded standard normal (not numpy\'s stream)',
        'privacy: distances in the 95 values standardised by the fold\'s training epochs; members = training persons\' epochs, non-members = held-out persons\' epochs',
        'augmentation: the fold\'s real training epochs + synthetic epochs of the minority label, each eyes condition topped up to the majority label\'s count (eeg_eval.py\'s arm)',
        'Gaussian reference: one multivariate normal per condition fitted to the fold\'s training epochs (covariance + 1e-3 x mean variance on the diagonal); calibrated attack = distance to its samples / distance to the GAN\'s (0.5 = the GAN reveals no more than a memoryless model)',
        'MMD²: Gaussian kernel (median-distance bandwidth), standardised values, at most 300 epochs per side, 200 permutations; held-out vs training persons is the spread between real persons',
        'two-sample tests: a classifier fitted on the fold\'s training epochs vs as many synthetic epochs (conditions one-hot), AUC on the held-out persons\' epochs vs fresh synthetic ones; logistic (C 1, standardised) and gradient-boosted trees (scikit-learn\'s HistGradientBoostingClassifier defaults, gbdt.ts; early stopping on a seeded 10 % split)',
        'discriminator attack: logistic (standardised values + condition one-hot) of the synthetic epochs vs the epochs of half the fold\'s held-out persons (per label, seeded), scored on the members and the OTHER half; person level = mean score per person; AUC target <= 0.55 for every attack',
      ],
    };
  } finally {
    runtime.close();
  }
}
