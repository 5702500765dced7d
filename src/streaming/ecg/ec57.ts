// Beat-by-beat QRS detection scoring in the manner of ANSI/AAMI EC57:2012 (and PhysioNet's `bxb`):
// reference beats and detections are paired one-to-one when they are at most 150 ms apart, the
// closest pairs first; unpaired references are false negatives, unpaired detections false
// positives. Sensitivity Se = TP/(TP+FN), positive predictivity +P = TP/(TP+FP). Gross statistics
// pool the counts of all records (EC57 "gross"), so long records weigh more.
import { BEAT_SYMBOLS } from '../formats/wfdb-annotations.js';

/** EC57 match window, seconds. */
export const EC57_MATCH_WINDOW_SECONDS = 0.15;

/** Reference beat annotation symbols (EC57 / MIT-BIH beat labels). */
export const EC57_BEAT_SYMBOLS: ReadonlySet<string> = BEAT_SYMBOLS;

export interface Ec57Options {
  /** Match window, seconds (default 0.15). */
  matchWindowSeconds?: number;
  /** Half-open sample intervals [start, end) where neither references nor detections are scored (e.g. VF episodes). */
  excludedIntervals?: readonly (readonly [number, number])[];
  /** References and detections before this sample are not scored (e.g. a learning period). Default 0. */
  startSample?: number;
}

export interface MatchCounts {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Sums over matched pairs of (detection - reference) in ms, and of its square, to pool timing exactly. */
  timingErrorSumMs: number;
  timingErrorSumSquaresMs2: number;
}

export interface Ec57Score extends MatchCounts {
  referenceBeats: number;
  detections: number;
  /** Se in [0,1]; NaN when there are no reference beats. */
  sensitivity: number;
  /** +P in [0,1]; NaN when there are no detections. */
  positivePredictivity: number;
  /** 2TP / (2TP + FP + FN); NaN when both sets are empty. */
  f1: number;
  /** Mean of (detection - reference) over matched pairs, ms (positive = detector late). NaN without matches. */
  timingErrorMeanMs: number;
  /** Sample standard deviation of the timing error, ms. NaN with fewer than two matches. */
  timingErrorSdMs: number;
}

export interface Ec57Match {
  referenceIndex: number;
  detectionIndex: number;
}

/** Sample indices of the reference beats among annotations ({sampleIndex, symbol}). */
export function referenceBeatSamples(annotations: readonly { sampleIndex: number; symbol: string }[]): number[] {
  return annotations.filter((a) => EC57_BEAT_SYMBOLS.has(a.symbol)).map((a) => a.sampleIndex);
}

/**
 * Ventricular flutter/fibrillation episodes, from '[' (onset) to ']' (end) annotations, as
 * half-open sample intervals; an episode still open at the end runs to `endSample`.
 */
export function ventricularFlutterIntervals(
  annotations: readonly { sampleIndex: number; symbol: string }[],
  endSample: number,
): [number, number][] {
  const out: [number, number][] = [];
  let onset: number | undefined;
  for (const a of annotations) {
    if (a.symbol === '[' && onset === undefined) onset = a.sampleIndex;
    else if (a.symbol === ']' && onset !== undefined) {
      out.push([onset, a.sampleIndex + 1]);
      onset = undefined;
    }
  }
  if (onset !== undefined) out.push([onset, endSample]);
  return out;
}

function isScored(sample: number, options: Ec57Options): boolean {
  if (sample < (options.startSample ?? 0)) return false;
  for (const [start, end] of options.excludedIntervals ?? []) if (sample >= start && sample < end) return false;
  return true;
}

function sortedAscending(values: readonly number[]): number[] {
  for (let i = 1; i < values.length; i++) if (values[i] < values[i - 1]) return [...values].sort((a, b) => a - b);
  return [...values];
}

/**
 * Pairs references and detections one-to-one within `windowSamples` (inclusive), closest pairs
 * first; ties go to the earlier reference, then the earlier detection. Inputs must be ascending.
 */
export function matchBeats(references: readonly number[], detections: readonly number[], windowSamples: number): Ec57Match[] {
  const candidates: { r: number; d: number; distance: number }[] = [];
  let first = 0;
  for (let r = 0; r < references.length; r++) {
    const ref = references[r];
    while (first < detections.length && detections[first] < ref - windowSamples) first++;
    for (let d = first; d < detections.length && detections[d] <= ref + windowSamples; d++) {
      candidates.push({ r, d, distance: Math.abs(detections[d] - ref) });
    }
  }
  candidates.sort((a, b) => a.distance - b.distance || a.r - b.r || a.d - b.d);
  const refUsed = new Uint8Array(references.length);
  const detUsed = new Uint8Array(detections.length);
  const matches: Ec57Match[] = [];
  for (const c of candidates) {
    if (refUsed[c.r] || detUsed[c.d]) continue;
    refUsed[c.r] = 1;
    detUsed[c.d] = 1;
    matches.push({ referenceIndex: c.r, detectionIndex: c.d });
  }
  return matches.sort((a, b) => a.referenceIndex - b.referenceIndex);
}

/** Derives rates and timing statistics from counts (shared by per-record and gross scores). */
export function finishScore(counts: MatchCounts): Ec57Score {
  const { truePositives: tp, falsePositives: fp, falseNegatives: fn } = counts;
  const mean = tp > 0 ? counts.timingErrorSumMs / tp : Number.NaN;
  const variance = tp > 1 ? (counts.timingErrorSumSquaresMs2 - tp * mean * mean) / (tp - 1) : Number.NaN;
  return {
    ...counts,
    referenceBeats: tp + fn,
    detections: tp + fp,
    sensitivity: tp + fn > 0 ? tp / (tp + fn) : Number.NaN,
    positivePredictivity: tp + fp > 0 ? tp / (tp + fp) : Number.NaN,
    f1: tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : Number.NaN,
    timingErrorMeanMs: mean,
    timingErrorSdMs: Number.isNaN(variance) ? Number.NaN : Math.sqrt(Math.max(0, variance)),
  };
}

/** Scores one record: reference beat samples against detected R-peak samples, at `sampleRateHz`. */
export function scoreRecord(
  referenceSamples: readonly number[],
  detectedSamples: readonly number[],
  sampleRateHz: number,
  options: Ec57Options = {},
): Ec57Score {
  if (!(sampleRateHz > 0)) throw new RangeError(`sample rate ${sampleRateHz} must be positive`);
  const windowSamples = (options.matchWindowSeconds ?? EC57_MATCH_WINDOW_SECONDS) * sampleRateHz + 1e-9;
  const references = sortedAscending(referenceSamples).filter((s) => isScored(s, options));
  const detections = sortedAscending(detectedSamples).filter((s) => isScored(s, options));
  const matches = matchBeats(references, detections, windowSamples);
  let sum = 0;
  let sumSquares = 0;
  for (const m of matches) {
    const errorMs = ((detections[m.detectionIndex] - references[m.referenceIndex]) * 1000) / sampleRateHz;
    sum += errorMs;
    sumSquares += errorMs * errorMs;
  }
  return finishScore({
    truePositives: matches.length,
    falsePositives: detections.length - matches.length,
    falseNegatives: references.length - matches.length,
    timingErrorSumMs: sum,
    timingErrorSumSquaresMs2: sumSquares,
  });
}

/** EC57 gross statistics: counts and timing sums pooled over records. */
export function grossScore(scores: readonly MatchCounts[]): Ec57Score {
  const total: MatchCounts = { truePositives: 0, falsePositives: 0, falseNegatives: 0, timingErrorSumMs: 0, timingErrorSumSquaresMs2: 0 };
  for (const s of scores) {
    total.truePositives += s.truePositives;
    total.falsePositives += s.falsePositives;
    total.falseNegatives += s.falseNegatives;
    total.timingErrorSumMs += s.timingErrorSumMs;
    total.timingErrorSumSquaresMs2 += s.timingErrorSumSquaresMs2;
  }
  return finishScore(total);
}
