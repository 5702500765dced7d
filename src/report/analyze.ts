// The numbers behind the report, from the project's own streaming modules: the registered R-peak
// detector fed in 1 s chunks, RR classification (rr.ts), time-domain HRV (hrv.ts), signal quality
// per window (quality.ts) and EC57 scoring against reference beats; plus the rolling statistics
// and gap detection of this folder.
import type { DetectorName } from '../streaming/ecg/detector.js';
import { createDetector, detectorFactories } from '../streaming/ecg/registry.js';
import { rrSeriesFromBeats, type RrCounts, type RrInterval } from '../streaming/ecg/rr.js';
import { HrvMonitor, pnn50, rmssd, sdnn, successiveDifferences } from '../streaming/ecg/hrv.js';
import { assessEcgQuality, defaultQualityOptions, type SignalQuality } from '../streaming/ecg/quality.js';
import { EC57_MATCH_WINDOW_SECONDS, matchBeats, scoreRecord, type Ec57Score } from '../streaming/ecg/ec57.js';
import { rollingMeanSd, type RollingStats } from './rolling.js';
import { coveredSamples, findFlatRuns, findMissingRuns, type SignalSegment } from './gaps.js';
import type { EcgExcerpt } from './load-input.js';

export interface AnalysisOptions {
  detector?: string;
  /** Rolling mean/SD window, seconds (default 2). */
  rollingSeconds?: number;
  /** Signal quality window, seconds (default 10). */
  qualityWindowSeconds?: number;
  /** Shortest flat line reported, seconds (default: the quality module's flat-line time). */
  flatSeconds?: number;
}

export interface HeartRatePoint {
  /** Beat time, seconds from the excerpt start. */
  tSeconds: number;
  instantBpm: number | null;
  smoothedBpm: number | null;
}

export interface QualityWindow extends SignalQuality {
  startSample: number;
  endSample: number;
}

export interface HrvNumbers {
  meanRrMs: number | null;
  meanHrBpm: number | null;
  sdnnMs: number | null;
  rmssdMs: number | null;
  pnn50: number | null;
  differenceCount: number;
}

export interface EcgAnalysis {
  excerpt: EcgExcerpt;
  detector: { name: DetectorName; latencySamples: number; latencyMs: number; processingMs: number; chunkSamples: number };
  /** R peaks, sample indices relative to the excerpt start. */
  beats: number[];
  rr: RrInterval[];
  rrCounts: RrCounts;
  hrv: HrvNumbers;
  heartRate: HeartRatePoint[];
  rolling: RollingStats & { windowSeconds: number };
  missing: SignalSegment[];
  flat: SignalSegment[];
  missingFraction: number;
  flatFraction: number;
  quality: { windowSeconds: number; windows: QualityWindow[] };
  /** EC57 score against the reference beats, when the record has annotations. */
  score?: Ec57Score;
  /** Scored reference beats no detection matched (false negatives), excerpt samples. */
  missedReferences?: number[];
  /** Scored detections matching no reference beat (false positives), excerpt samples. */
  falseDetections?: number[];
}

/** The unmatched beats behind an EC57 score, to mark them on the chart (same rules as scoreRecord). */
export function disagreements(references: readonly number[], detections: readonly number[], sampleRateHz: number, excluded: readonly (readonly [number, number])[]) {
  const scored = (s: number) => !excluded.some(([a, b]) => s >= a && s < b);
  const refs = references.filter(scored).sort((a, b) => a - b);
  const dets = detections.filter(scored).sort((a, b) => a - b);
  const matches = matchBeats(refs, dets, EC57_MATCH_WINDOW_SECONDS * sampleRateHz + 1e-9);
  const refMatched = new Uint8Array(refs.length);
  const detMatched = new Uint8Array(dets.length);
  for (const m of matches) {
    refMatched[m.referenceIndex] = 1;
    detMatched[m.detectionIndex] = 1;
  }
  return { missedReferences: refs.filter((_, i) => refMatched[i] === 0), falseDetections: dets.filter((_, i) => detMatched[i] === 0) };
}

/** The named detector, or 'pan-tompkins' when registered, else the first registered one. */
export function chooseDetector(requested: string | undefined): DetectorName {
  const registered = Object.keys(detectorFactories) as DetectorName[];
  if (registered.length === 0) throw new Error('no R-peak detectors are registered');
  if (requested !== undefined) {
    if (!(registered as string[]).includes(requested)) throw new Error(`unknown detector '${requested}' (registered: ${registered.join(', ')})`);
    return requested as DetectorName;
  }
  return registered.includes('pan-tompkins') ? 'pan-tompkins' : registered[0];
}

/** Runs a detector over a whole signal in chunks of `chunkSamples`, then flushes. */
export function detectBeats(name: DetectorName, microvolts: Float32Array, sampleRateHz: number, chunkSamples: number) {
  const detector = createDetector(name, sampleRateHz);
  const beats: number[] = [];
  const started = performance.now();
  for (let at = 0; at < microvolts.length; at += chunkSamples) {
    for (const b of detector.push(microvolts.subarray(at, Math.min(microvolts.length, at + chunkSamples)))) beats.push(b);
  }
  for (const b of detector.flush()) beats.push(b);
  return { beats, latencySamples: detector.latencySamples, processingMs: performance.now() - started };
}

function countRejections(rr: readonly RrInterval[]): RrCounts {
  const counts: RrCounts = { accepted: 0, tooShort: 0, tooLong: 0, ectopic: 0 };
  for (const r of rr) {
    if (r.rejected === undefined) counts.accepted++;
    else if (r.rejected === 'too-short') counts.tooShort++;
    else if (r.rejected === 'too-long') counts.tooLong++;
    else counts.ectopic++;
  }
  return counts;
}

/** Whole-excerpt time-domain HRV over the accepted (NN) intervals. */
export function hrvOf(rr: readonly RrInterval[]): HrvNumbers {
  const nn = rr.filter((r) => r.rejected === undefined).map((r) => r.rrMs);
  const diffs = successiveDifferences(rr);
  const meanRrMs = nn.length > 0 ? nn.reduce((a, b) => a + b, 0) / nn.length : null;
  return {
    meanRrMs,
    meanHrBpm: meanRrMs === null ? null : 60000 / meanRrMs,
    sdnnMs: sdnn(nn),
    rmssdMs: rmssd(diffs),
    pnn50: pnn50(diffs),
    differenceCount: diffs.length,
  };
}

/** Quality of consecutive windows; a last partial window is kept when at least half a window long. */
export function qualityWindows(x: Float32Array, beats: readonly number[], sampleRateHz: number, windowSamples: number): QualityWindow[] {
  const out: QualityWindow[] = [];
  let b = 0;
  for (let start = 0; start < x.length; start += windowSamples) {
    const end = Math.min(x.length, start + windowSamples);
    if (end - start < windowSamples / 2) break;
    while (b < beats.length && beats[b] < start) b++;
    const offsets: number[] = [];
    for (let k = b; k < beats.length && beats[k] < end; k++) offsets.push(beats[k] - start);
    out.push({ ...assessEcgQuality(x.subarray(start, end), offsets, sampleRateHz), startSample: start, endSample: end });
  }
  return out;
}

export function analyzeEcg(excerpt: EcgExcerpt, options: AnalysisOptions = {}): EcgAnalysis {
  const fs = excerpt.sampleRateHz;
  const x = excerpt.microvolts;
  const name = chooseDetector(options.detector);
  // 1 s chunks, as a device would deliver them
  const chunkSamples = Math.max(1, Math.round(fs));
  const detected = detectBeats(name, x, fs, chunkSamples);
  const beats = detected.beats;
  const rr = rrSeriesFromBeats(beats, fs);
  const monitor = new HrvMonitor(fs, { windowsMs: [60_000] });
  const heartRate = monitor.push(beats).map((u) => ({
    tSeconds: u.interval.endSampleIndex / fs,
    instantBpm: u.interval.rejected === undefined ? 60000 / u.interval.rrMs : null,
    smoothedBpm: u.smoothedHrBpm,
  }));
  const rollingSeconds = options.rollingSeconds ?? 2;
  const rolling = rollingMeanSd(x, rollingSeconds * fs);
  const missing = findMissingRuns(x);
  const flatSeconds = options.flatSeconds ?? defaultQualityOptions.flatlineSec;
  const flat = findFlatRuns(x, Math.max(2, Math.round(flatSeconds * fs)), defaultQualityOptions.flatToleranceUnits);
  const qualityWindowSeconds = options.qualityWindowSeconds ?? 10;
  const analysis: EcgAnalysis = {
    excerpt,
    detector: { name, latencySamples: detected.latencySamples, latencyMs: (1000 * detected.latencySamples) / fs, processingMs: detected.processingMs, chunkSamples },
    beats,
    rr,
    rrCounts: countRejections(rr),
    hrv: hrvOf(rr),
    heartRate,
    rolling: { ...rolling, windowSeconds: rollingSeconds },
    missing,
    flat,
    missingFraction: x.length > 0 ? coveredSamples(missing) / x.length : 0,
    flatFraction: x.length > 0 ? coveredSamples(flat) / x.length : 0,
    quality: { windowSeconds: qualityWindowSeconds, windows: qualityWindows(x, beats, fs, Math.round(qualityWindowSeconds * fs)) },
  };
  if (excerpt.referenceBeats) {
    const excluded = excerpt.excludedIntervals ?? [];
    analysis.score = scoreRecord(excerpt.referenceBeats, beats, fs, { excludedIntervals: excluded });
    Object.assign(analysis, disagreements(excerpt.referenceBeats, beats, fs, excluded));
  }
  return analysis;
}
