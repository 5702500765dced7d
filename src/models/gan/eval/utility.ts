// Utility of synthetic ECG beats: train a normal-vs-ventricular beat classifier on synthetic beats
// and test it on real beats of persons the generator never saw (TSTR), against the same classifier
// trained on the generator's own real training beats (TRTR), with their V beats in their natural mix
// of records and re-weighted by record as the generator trains (the better of the two is the bar);
// then augmentation: real training
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
  /** Trained on the real training beats, each V beat once (their natural mix of records). */
  trtr: ClassifierScore;
  /**
   * Trained on real beats with the V beats drawn by record, weight 1/sqrt(beats of the record), the
   * sampling gan-ecg >= 0.2.0 trains with: a generator that learned that mix must beat this too.
   */
  trtrRecordWeighted: ClassifierScore;
  tstr: ClassifierScore;
  /** TSTR - the better of the two TRTR balanced accuracies, percentage points (target: >= -3). */
  gapPoints: number;
  /** TSTR - the natural-mix TRTR (the only TRTR before gan-ecg 0.2.0). */
  gapVsNaturalPoints: number;
  /** 95 % cluster-bootstrap interval of `gapPoints` over the test records (persons). */
  gapCi: [number, number];
}

/** `count` beats drawn with replacement, a beat of record r with weight 1/sqrt(beats of r in `set`). */
export function recordWeightedDraw(set: BeatSet, count: number, rng: SeededRandom): BeatSet {
  const perRecord = new Map<string, number>();
  for (const r of set.records) perRecord.set(r, (perRecord.get(r) ?? 0) + 1);
  const cumulative: number[] = [];
  let total = 0;
  for (const r of set.records) cumulative.push((total += 1 / Math.sqrt(perRecord.get(r)!)));
  const out: BeatSet = { beats: [], classes: [], records: [] };
  for (let i = 0; i < count && total > 0; i++) {
    const u = rng.next() * total;
    let lo = 0, hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    out.beats.push(set.beats[lo]!);
    out.classes.push(set.classes[lo]!);
    out.records.push(set.records[lo]!);
  }
  return out;
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
  const weightedSet = concatBeats(ofClass(realSet, 0), recordWeightedDraw(ofClass(realTrain, V), perClass, rng));
  const pWeighted = predictions(weightedSet, test);
  const trtrRecordWeighted = scoreClassifier(weightedSet, test, pWeighted);
  const pBest = trtrRecordWeighted.balancedAccuracy > trtr.balancedAccuracy ? pWeighted : pReal;
  const best = Math.max(trtr.balancedAccuracy, trtrRecordWeighted.balancedAccuracy);
  const gapCi = clusterBootstrapCi(test.records, (idx) => 100 * (balancedAccuracy(pSynth, test.classes, idx) - balancedAccuracy(pBest, test.classes, idx)), rng);
  return {
    test: { n: test.classes.filter((c) => c !== V).length, v: test.classes.filter((c) => c === V).length, records: [...new Set(test.records)] },
    trtr,
    trtrRecordWeighted,
    tstr,
    gapPoints: 100 * (tstr.balancedAccuracy - best),
    gapVsNaturalPoints: 100 * (tstr.balancedAccuracy - trtr.balancedAccuracy),
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
