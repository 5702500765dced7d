// Fidelity of synthetic ECG: are its rhythm, beat shape, spectrum and learned embedding distributed
// like real ECG? Every measurement runs the same code on real and synthetic data, and each
// synthetic-vs-real number sits beside a real-vs-real yardstick (members vs held-out persons), so a
// reader can see how far apart two REAL populations already are.
import type { SeededRandom } from '../../../common/random.js';
import { createDetector } from '../../../streaming/ecg/registry.js';
import { runDetector } from '../../../streaming/ecg/ec57-evaluate.js';
import { rmssd, sdnn } from '../../../streaming/ecg/hrv.js';
import type { SimilarityEncoder } from '../../similarity/encoder.js';
import { similaritySegments } from '../../similarity/preprocess.js';
import { beatFeatures, logSpectrum, qrsWidthMs } from './beat-features.js';
import type { BeatSet, StripSet } from './data.js';
import { LogisticModel } from './logistic.js';
import { aucByRank, ks2, matrix, mmdPermutationTest, sampleIndices, summarize, type Matrix, type Summary } from './stats.js';

export const RHYTHM_DETECTOR = 'pan-tompkins';
const MATCH_S = 0.15;

export interface StripRhythm {
  heartRateBpm: Summary;
  sdnnMs: Summary;
  rmssdMs: Summary;
  /** The detector's agreement with the strips' own beat positions (annotations or placed beats). */
  detector: { sensitivity: number; positivePredictivity: number; beats: number };
  strips: number;
}

export function stripRhythm(set: StripSet, rateHz: number): StripRhythm & { raw: { hr: number[]; sdnn: number[]; rmssd: number[] } } {
  const hr: number[] = [];
  const sd: number[] = [];
  const rm: number[] = [];
  let tp = 0, fn = 0, fp = 0;
  const tol = Math.round(MATCH_S * rateHz);
  set.strips.forEach((strip, i) => {
    const peaks = runDetector(createDetector(RHYTHM_DETECTOR, rateHz), strip, rateHz).peaks;
    const ref = set.beats[i];
    const used = new Set<number>();
    for (const r of ref) {
      const hit = peaks.findIndex((p, k) => !used.has(k) && Math.abs(p - r) <= tol);
      if (hit >= 0) {
        used.add(hit);
        tp++;
      } else fn++;
    }
    fp += peaks.length - used.size;
    const rr = peaks.slice(1).map((p, k) => ((p - peaks[k]) / rateHz) * 1000).filter((ms) => ms >= 300 && ms <= 2000);
    if (rr.length < 3) return;
    hr.push(60_000 / (rr.reduce((s, v) => s + v, 0) / rr.length));
    sd.push(sdnn(rr) ?? Number.NaN);
    rm.push(rmssd(rr.slice(1).map((v, k) => v - rr[k])) ?? Number.NaN);
  });
  return {
    heartRateBpm: summarize(hr), sdnnMs: summarize(sd), rmssdMs: summarize(rm),
    detector: { sensitivity: tp / Math.max(1, tp + fn), positivePredictivity: tp / Math.max(1, tp + fp), beats: tp + fn },
    strips: set.strips.length, raw: { hr, sdnn: sd, rmssd: rm },
  };
}

/** Root-mean-square difference of two mean log10 spectra, in dB. */
export function logSpectralDistanceDb(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  const mean = (set: readonly Float32Array[]) => {
    const m = new Float64Array(logSpectrum(set[0]).length);
    for (const beat of set) logSpectrum(beat).forEach((v, k) => (m[k] += v / set.length));
    return m;
  };
  const ma = mean(a);
  const mb = mean(b);
  let s = 0;
  for (let k = 0; k < ma.length; k++) s += (10 * (ma[k] - mb[k])) ** 2;
  return Math.sqrt(s / ma.length);
}

/** k-fold cross-validated AUC of a logistic regression told to separate set A (1) from set B (0). */
export function twoSampleAuc(a: Matrix, b: Matrix, rng: SeededRandom, folds = 5): number {
  const n = a.rows + b.rows;
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < a.rows; i++) (rows.push(a.data.subarray(i * a.cols, (i + 1) * a.cols)), labels.push(1));
  for (let i = 0; i < b.rows; i++) (rows.push(b.data.subarray(i * b.cols, (i + 1) * b.cols)), labels.push(0));
  const order = sampleIndices(n, n, rng);
  const pos: number[] = [];
  const neg: number[] = [];
  for (let f = 0; f < folds; f++) {
    const test = order.filter((_, k) => k % folds === f);
    const train = order.filter((_, k) => k % folds !== f);
    const model = LogisticModel.fit(matrix(train.map((i) => rows[i])), train.map((i) => labels[i]));
    const p = model.predict(matrix(test.map((i) => rows[i])));
    test.forEach((i, k) => (labels[i] === 1 ? pos : neg).push(p[k]));
  }
  return aucByRank(pos, neg);
}

function pick(set: BeatSet, classIndex: number, max: number, rng: SeededRandom): Float32Array[] {
  const idx = set.classes.flatMap((c, i) => (c === classIndex ? [i] : []));
  return sampleIndices(idx.length, max, rng).map((k) => set.beats[idx[k]]);
}

export interface ClassFidelity {
  qrsWidthMs: { real: Summary; synthetic: Summary; heldout: Summary; ks: { d: number; p: number } };
  logSpectralDistanceDb: { syntheticVsReal: number; heldoutVsReal: number };
  twoSampleAuc: { syntheticVsReal: number; heldoutVsReal: number };
}

export function classFidelity(real: BeatSet, heldout: BeatSet, synthetic: BeatSet, classIndex: number, rateHz: number, preSamples: number, rng: SeededRandom, max = 1000): ClassFidelity {
  const r = pick(real, classIndex, max, rng);
  const h = pick(heldout, classIndex, max, rng);
  const s = pick(synthetic, classIndex, max, rng);
  const width = (set: Float32Array[]) => set.map((b) => qrsWidthMs(b, preSamples, rateHz));
  const wr = width(r), ws = width(s), wh = width(h);
  return {
    qrsWidthMs: { real: summarize(wr), synthetic: summarize(ws), heldout: summarize(wh), ks: ks2(ws, wr) },
    logSpectralDistanceDb: { syntheticVsReal: logSpectralDistanceDb(s, r), heldoutVsReal: logSpectralDistanceDb(h, r) },
    twoSampleAuc: { syntheticVsReal: twoSampleAuc(beatFeatures(s), beatFeatures(r), rng), heldoutVsReal: twoSampleAuc(beatFeatures(h), beatFeatures(r), rng) },
  };
}

/** Similarity-encoder embeddings of up to `max` segments drawn from the strips. */
export function stripEmbeddings(encoder: SimilarityEncoder, set: StripSet, rateHz: number, max: number, rng: SeededRandom): Float32Array[] {
  const segments = set.strips.flatMap((s) => similaritySegments(s, rateHz).map((g) => g.values));
  return encoder.embed(sampleIndices(segments.length, max, rng).map((i) => segments[i]));
}

export interface EmbeddingFidelity {
  syntheticVsReal: { mmd2: number; p: number };
  heldoutVsReal: { mmd2: number; p: number };
  segments: number;
}

export function embeddingFidelity(real: Float32Array[], heldout: Float32Array[], synthetic: Float32Array[], rng: SeededRandom, permutations = 200): EmbeddingFidelity {
  const a = mmdPermutationTest(matrix(synthetic), matrix(real), rng, permutations);
  const b = mmdPermutationTest(matrix(heldout), matrix(real), rng, permutations);
  return { syntheticVsReal: { mmd2: a.mmd2, p: a.p }, heldoutVsReal: { mmd2: b.mmd2, p: b.p }, segments: Math.min(real.length, synthetic.length) };
}
