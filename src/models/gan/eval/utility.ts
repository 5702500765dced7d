// Utility of synthetic ECG beats: train a normal-vs-ventricular beat classifier on synthetic beats
// and test it on real beats of persons the generator never saw (TSTR), against the same classifier
// trained on the generator's own real training beats (TRTR); then augmentation: real training
// beats with their natural class imbalance, plus synthetic V beats, against plus duplicated real V
// beats (plain oversampling, the baseline any augmentation has to beat).
import type { SeededRandom } from '../../../common/random.js';
import { beatFeatures } from './beat-features.js';
import { concatBeats, ofClass, type BeatSet } from './data.js';
import { LogisticModel } from './logistic.js';
import { aucByRank, clusterBootstrapCi } from './stats.js';

export interface ClassifierScore {
  auc: number;
  balancedAccuracy: number;
  vSensitivity: number;
  nSpecificity: number;
  train: { n: number; v: number };
}

const V = 1;

function predictions(train: BeatSet, test: BeatSet): number[] {
  return LogisticModel.fit(beatFeatures(train.beats), train.classes).predict(beatFeatures(test.beats));
}

/** Balanced accuracy at 0.5 over the test items `idx` (NaN without both classes). */
function balancedAccuracy(p: readonly number[], classes: readonly number[], idx: readonly number[]): number {
  let tp = 0, pos = 0, tn = 0, neg = 0;
  for (const i of idx) {
    if (classes[i] === V) (pos++, p[i] >= 0.5 && tp++);
    else (neg++, p[i] < 0.5 && tn++);
  }
  return pos && neg ? (tp / pos + tn / neg) / 2 : Number.NaN;
}

export function scoreClassifier(train: BeatSet, test: BeatSet, given?: number[]): ClassifierScore {
  const p = given ?? predictions(train, test);
  const pos = p.filter((_, i) => test.classes[i] === V);
  const neg = p.filter((_, i) => test.classes[i] !== V);
  const se = pos.filter((x) => x >= 0.5).length / pos.length;
  const sp = neg.filter((x) => x < 0.5).length / neg.length;
  return {
    auc: aucByRank(pos, neg),
    balancedAccuracy: (se + sp) / 2,
    vSensitivity: se,
    nSpecificity: sp,
    train: { n: train.classes.filter((c) => c !== V).length, v: train.classes.filter((c) => c === V).length },
  };
}

export interface UtilityResult {
  /** Real test beats: every V and at most `maxTestN` N beats of the held-out persons. */
  test: { n: number; v: number; records: string[] };
  trtr: ClassifierScore;
  tstr: ClassifierScore;
  /** TSTR - TRTR balanced accuracy, percentage points (target: >= -3). */
  gapPoints: number;
  /** 95 % cluster-bootstrap interval of the gap over the test records (persons). */
  gapCi: [number, number];
}

export function testSet(heldout: BeatSet, rng: SeededRandom, maxTestN = 5000): BeatSet {
  return concatBeats(ofClass(heldout, 0, rng, maxTestN), ofClass(heldout, V));
}

export function utility(realTrain: BeatSet, synthetic: BeatSet, test: BeatSet, rng: SeededRandom): UtilityResult {
  const perClass = Math.min(ofClass(realTrain, V).beats.length, ofClass(synthetic, V).beats.length, 2000);
  const realSet = concatBeats(ofClass(realTrain, 0, rng, perClass), ofClass(realTrain, V, rng, perClass));
  const synthSet = concatBeats(ofClass(synthetic, 0, rng, perClass), ofClass(synthetic, V, rng, perClass));
  const pReal = predictions(realSet, test);
  const pSynth = predictions(synthSet, test);
  const trtr = scoreClassifier(realSet, test, pReal);
  const tstr = scoreClassifier(synthSet, test, pSynth);
  const gapCi = clusterBootstrapCi(test.records, (idx) => 100 * (balancedAccuracy(pSynth, test.classes, idx) - balancedAccuracy(pReal, test.classes, idx)), rng);
  return {
    test: { n: test.classes.filter((c) => c !== V).length, v: test.classes.filter((c) => c === V).length, records: [...new Set(test.records)] },
    trtr,
    tstr,
    gapPoints: 100 * (tstr.balancedAccuracy - trtr.balancedAccuracy),
    gapCi,
  };
}

export interface AugmentationScenario {
  /** Share of the real V training beats kept (1 = all; 0.1 = a rare-class scenario). */
  realVShare: number;
  realOnly: ClassifierScore;
  plusDuplicatedV: ClassifierScore;
  plusSyntheticV: ClassifierScore;
}

function duplicate(set: BeatSet, count: number, rng: SeededRandom): BeatSet {
  const out: BeatSet = { beats: [], classes: [], records: [] };
  for (let i = 0; i < count; i++) {
    const k = Math.floor(rng.next() * set.beats.length);
    out.beats.push(set.beats[k]);
    out.classes.push(set.classes[k]);
    out.records.push(set.records[k]);
  }
  return out;
}

export function augmentation(realTrain: BeatSet, synthetic: BeatSet, test: BeatSet, rng: SeededRandom, shares: readonly number[] = [1, 0.1], maxTrainN = 10_000): AugmentationScenario[] {
  const n = ofClass(realTrain, 0, rng, maxTrainN);
  const allV = ofClass(realTrain, V);
  return shares.map((share) => {
    const v = ofClass(allV, V, rng, Math.max(1, Math.round(share * allV.beats.length)));
    const missing = Math.max(0, n.beats.length - v.beats.length);
    const synthV = ofClass(synthetic, V, rng, missing);
    return {
      realVShare: share,
      realOnly: scoreClassifier(concatBeats(n, v), test),
      plusDuplicatedV: scoreClassifier(concatBeats(n, v, duplicate(v, missing, rng)), test),
      plusSyntheticV: scoreClassifier(concatBeats(n, v, synthV), test),
    };
  });
}
