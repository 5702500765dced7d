// Pre-processing of the ECG similarity model, shared by the trainer's segment export
// (scripts/similarity-segments.ts), the eval command and the gateway, so all three see the same
// segments. Works on a buffered stretch of ECG (a recording, or the last few seconds of a stream):
//   1. resample to SIMILARITY_RATE_HZ (windowed sinc, src/streaming/resample.ts);
//   2. band-pass 0.5-40 Hz, order 2 Butterworth, run forwards then backwards (zero phase, so
//      the R peak does not move), after removing the first second's median (shorter transient);
//   3. R peaks by a classic streaming detector on the resampled signal, moved to the largest
//      |filtered| sample within +-REFINE_MS;
//   4. one segment per R peak: SEGMENT_SAMPLES samples starting PRE_R_SAMPLES before it (2.048 s,
//      two to four beats), z-scored (mean 0, standard deviation 1).
import { resampleSinc } from '../../streaming/resample.js';
import { BiquadCascade, butterworthBandpass } from '../../streaming/filters/index.js';
import { createDetector } from '../../streaming/ecg/registry.js';
import type { DetectorName } from '../../streaming/ecg/detector.js';

export const SIMILARITY_RATE_HZ = 250;
export const SEGMENT_SAMPLES = 512;
export const PRE_R_SAMPLES = 63;
export const BANDPASS_LOW_HZ = 0.5;
export const BANDPASS_HIGH_HZ = 40;
export const REFINE_MS = 40;
export const DEFAULT_SIMILARITY_DETECTOR: DetectorName = 'two-average';
/** A segment whose standard deviation is below this (input units after filtering) is flat: skipped. */
export const MIN_SEGMENT_STD = 1e-6;

export interface PreparedEcg {
  /** The band-passed signal at SIMILARITY_RATE_HZ. */
  filtered: Float32Array;
  /** R-peak indices into `filtered`, ascending. */
  rPeaks: number[];
}

export interface Segment {
  /** R-peak index (at SIMILARITY_RATE_HZ) the segment is aligned on. */
  rIndex: number;
  /** SEGMENT_SAMPLES z-scored samples. */
  values: Float32Array;
}

export interface PreprocessOptions {
  detector?: DetectorName;
}

function median(values: ArrayLike<number>): number {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite.push(values[i]);
  if (finite.length === 0) return 0;
  finite.sort((a, b) => a - b);
  const mid = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

/** Zero-phase band-pass: the cascade run forwards, then backwards over the reversed output. NaN -> 0. */
export function bandpassZeroPhase(x: Float32Array, sampleRateHz: number): Float32Array {
  const sections = butterworthBandpass(2, BANDPASS_LOW_HZ, BANDPASS_HIGH_HZ, sampleRateHz);
  const offset = median(x.subarray(0, Math.min(x.length, Math.round(sampleRateHz))));
  const forward = new BiquadCascade(sections);
  const tmp = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    tmp[i] = forward.step(Number.isFinite(v) ? v - offset : 0);
  }
  const backward = new BiquadCascade(sections);
  const out = new Float32Array(x.length);
  for (let i = x.length - 1; i >= 0; i--) out[i] = backward.step(tmp[i]);
  return out;
}

/** Steps 1-3: resample, filter, find R peaks. `samples` in any physical unit (mV, uV). */
export function prepareEcg(samples: Float32Array, sampleRateHz: number, options: PreprocessOptions = {}): PreparedEcg {
  const resampled = resampleSinc(samples, sampleRateHz, SIMILARITY_RATE_HZ);
  const filtered = bandpassZeroPhase(resampled, SIMILARITY_RATE_HZ);
  const detector = createDetector(options.detector ?? DEFAULT_SIMILARITY_DETECTOR, SIMILARITY_RATE_HZ);
  const clean = Float32Array.from(resampled, (v) => (Number.isFinite(v) ? v : Number.NaN));
  const raw = [...detector.push(clean), ...detector.flush()];
  const half = Math.round((REFINE_MS / 1000) * SIMILARITY_RATE_HZ);
  const rPeaks: number[] = [];
  for (const r of raw) {
    let best = r;
    let bestAbs = -1;
    for (let i = Math.max(0, r - half); i <= Math.min(filtered.length - 1, r + half); i++) {
      const a = Math.abs(filtered[i]);
      if (a > bestAbs) {
        bestAbs = a;
        best = i;
      }
    }
    if (r >= 0 && r < filtered.length && (rPeaks.length === 0 || best > rPeaks[rPeaks.length - 1])) rPeaks.push(best);
  }
  return { filtered, rPeaks };
}

/** z-scores a copy of `x`; null when it is flat (std below MIN_SEGMENT_STD). */
export function zScore(x: ArrayLike<number>): Float32Array | null {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i];
  const mean = sum / x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] - mean) ** 2;
  const std = Math.sqrt(ss / x.length);
  if (!(std > MIN_SEGMENT_STD)) return null;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - mean) / std;
  return out;
}

/** Step 4: the segments of every R peak with a whole window inside the signal. */
export function cutSegments(prepared: PreparedEcg): Segment[] {
  const segments: Segment[] = [];
  for (const r of prepared.rPeaks) {
    const start = r - PRE_R_SAMPLES;
    if (start < 0 || start + SEGMENT_SAMPLES > prepared.filtered.length) continue;
    const values = zScore(prepared.filtered.subarray(start, start + SEGMENT_SAMPLES));
    if (values) segments.push({ rIndex: r, values });
  }
  return segments;
}

/** Steps 1-4. */
export function similaritySegments(samples: Float32Array, sampleRateHz: number, options: PreprocessOptions = {}): Segment[] {
  return cutSegments(prepareEcg(samples, sampleRateHz, options));
}
