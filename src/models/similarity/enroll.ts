// Enrollment of an athlete, pure: a recording is cut into quality windows, segments come only from
// the good ones, and the template is the normalised mean of their embeddings. An enrollment that
// is too short, too noisy or whose beats disagree with each other is refused with the reason.
import { median } from '../../common/stats.js';
import { assessEcgQuality, type QualityLevel } from '../../streaming/ecg/quality.js';
import { cosine, meanTemplate } from './metrics.js';
import { cutSegments, prepareEcg, SIMILARITY_RATE_HZ, type PreprocessOptions, type Segment } from './preprocess.js';

export interface EnrollmentPolicy {
  /** Shortest recording accepted, seconds. */
  minDurationS: number;
  /** Fewest segments (beats) from good windows. */
  minSegments: number;
  /** Fewest good windows, as a fraction of all windows. */
  minGoodWindowFraction: number;
  /** Median cosine of the segments' embeddings to the template must reach this. */
  minConsistency: number;
}

export const defaultEnrollmentPolicy: EnrollmentPolicy = {
  minDurationS: 120,
  minSegments: 100,
  minGoodWindowFraction: 0.7,
  minConsistency: 0.8,
};

export const ENROLL_WINDOW_S = 10;

export interface QualityWindow {
  startS: number;
  quality: QualityLevel;
  sqi: number;
  reasons: string[];
  segments: number;
}

export interface EnrollmentAnalysis {
  durationS: number;
  windows: QualityWindow[];
  /** Segments of the good windows, in time order. */
  segments: Segment[];
}

/** Cuts the recording into ENROLL_WINDOW_S windows, rates each, keeps the good windows' segments. */
export function analyzeEnrollment(samples: Float32Array, sampleRateHz: number, options: PreprocessOptions = {}): EnrollmentAnalysis {
  const windowSamples = Math.round(ENROLL_WINDOW_S * sampleRateHz);
  const windows: QualityWindow[] = [];
  const segments: Segment[] = [];
  for (let start = 0; start + windowSamples <= samples.length; start += windowSamples) {
    const prepared = prepareEcg(samples.subarray(start, start + windowSamples), sampleRateHz, options);
    const quality = assessEcgQuality(prepared.filtered, prepared.rPeaks, SIMILARITY_RATE_HZ);
    const segs = quality.quality === 'good' ? cutSegments(prepared) : [];
    const offset = Math.round((start / sampleRateHz) * SIMILARITY_RATE_HZ);
    for (const s of segs) segments.push({ rIndex: s.rIndex + offset, values: s.values });
    windows.push({ startS: start / sampleRateHz, quality: quality.quality, sqi: quality.sqi, reasons: quality.reasons, segments: segs.length });
  }
  return { durationS: samples.length / sampleRateHz, windows, segments };
}

export interface EnrollmentStats {
  durationS: number;
  windows: number;
  goodWindows: number;
  segments: number;
  /** Median cosine of the segment embeddings to the template (null when no template was made). */
  consistency: number | null;
  /** The most frequent quality reasons of the windows that were not good. */
  qualityReasons: string[];
}

export type EnrollmentResult =
  | { ok: true; template: Float32Array; stats: EnrollmentStats }
  | { ok: false; reason: string; stats: EnrollmentStats };

function topReasons(windows: readonly QualityWindow[], keep = 3): string[] {
  const counts = new Map<string, number>();
  for (const w of windows) {
    if (w.quality === 'good') continue;
    for (const r of w.reasons) {
      const key = r.replace(/[\d.]+/g, '#');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, keep).map(([r, n]) => `${r} (${n} windows)`);
}

/** The gate and the template, from an analysis and the embeddings of its segments (same order). */
export function enrollTemplate(analysis: EnrollmentAnalysis, embeddings: readonly Float32Array[], policy: EnrollmentPolicy = defaultEnrollmentPolicy): EnrollmentResult {
  if (embeddings.length !== analysis.segments.length) throw new RangeError(`${embeddings.length} embeddings for ${analysis.segments.length} segments`);
  const goodWindows = analysis.windows.filter((w) => w.quality === 'good').length;
  const stats: EnrollmentStats = {
    durationS: analysis.durationS,
    windows: analysis.windows.length,
    goodWindows,
    segments: embeddings.length,
    consistency: null,
    qualityReasons: topReasons(analysis.windows),
  };
  const refuse = (reason: string): EnrollmentResult => ({ ok: false, reason, stats });
  if (analysis.durationS < policy.minDurationS) {
    return refuse(`too little signal: ${analysis.durationS.toFixed(0)} s, at least ${policy.minDurationS} s needed`);
  }
  const goodFraction = analysis.windows.length === 0 ? 0 : goodWindows / analysis.windows.length;
  if (goodFraction < policy.minGoodWindowFraction) {
    const why = stats.qualityReasons.length > 0 ? `; ${stats.qualityReasons.join(', ')}` : '';
    return refuse(`poor signal: ${goodWindows} of ${analysis.windows.length} ${ENROLL_WINDOW_S}-s windows good, ${Math.round(100 * policy.minGoodWindowFraction)} % needed${why}`);
  }
  if (embeddings.length < policy.minSegments) {
    return refuse(`too few clean beats: ${embeddings.length}, at least ${policy.minSegments} needed`);
  }
  const template = meanTemplate(embeddings);
  const consistency = median(embeddings.map((e) => cosine(e, template)));
  stats.consistency = consistency;
  if (consistency < policy.minConsistency) {
    return refuse(`inconsistent beats: median similarity to the template ${consistency.toFixed(3)} < ${policy.minConsistency}`);
  }
  return { ok: true, template, stats };
}
