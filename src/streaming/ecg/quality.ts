// ECG signal quality over a window (e.g. 10 s), pure. Combines:
//  - template correlation (Li, Clifford et al. 2008 "bSQI/tSQI" family; Orphanidou et al. 2015):
//    the mean Pearson correlation of each beat with the window's median beat;
//  - kurtosis (Li & Clifford 2008 "kSQI"): a clean ECG is peaky (kurtosis > 5), Gaussian noise is 3;
//  - flat line, clipping and missing-sample (NaN) detection, and the lead-off status bit.
// Flat lines, gaps and lead-off pull the quality down and say so in `reasons`.

export type QualityLevel = 'good' | 'poor' | 'unusable';

export interface SignalQuality {
  /** Combined index, 0 (useless) .. 1 (clean). */
  sqi: number;
  /** Pearson kurtosis of the window after removing its linear trend (normal = 3); null when too few samples. */
  kurtosis: number | null;
  /** Mean correlation of the beats with the median beat; null with fewer than 2 complete beats. */
  templateCorrelation: number | null;
  /** Beats given inside the window (complete, gap-free ones feed the template). */
  beatCount: number;
  /** A run of unchanged samples of at least `flatlineSec`, or no variation at all. */
  flatline: boolean;
  /** Fraction of samples on plateaus at the window's extremes (or outside given limits). */
  clippedFraction: number;
  /** Fraction of missing (NaN) samples. */
  missingFraction: number;
  leadOff: boolean;
  quality: QualityLevel;
  /** Why the quality is not 'good' (empty when it is). */
  reasons: string[];
}

export interface QualityOptions {
  /** Samples differing by at most this (physical units) count as unchanged for flat-line detection. */
  flatToleranceUnits: number;
  flatlineSec: number;
  /** Known clipping limits of the front end (physical units), when the device reports them. */
  clipLowUnits?: number;
  clipHighUnits?: number;
  /** Beat segment around each R for template correlation, seconds. */
  beatBeforeSec: number;
  beatAfterSec: number;
  /** Window of the moving mean removed before the kurtosis (baseline wander is not noise here), s. */
  baselineSec: number;
  goodSqi: number;
  poorSqi: number;
}

export const defaultQualityOptions: QualityOptions = {
  flatToleranceUnits: 0,
  flatlineSec: 1,
  beatBeforeSec: 0.2,
  beatAfterSec: 0.4,
  baselineSec: 1,
  goodSqi: 0.7,
  poorSqi: 0.4,
};

/** Pearson kurtosis of the finite samples after removing the least-squares line; null if < 4. */
export function kurtosis(x: ArrayLike<number>): number | null {
  let n = 0;
  let st = 0;
  let sx = 0;
  let stt = 0;
  let stx = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) continue;
    n++;
    st += i;
    sx += v;
    stt += i * i;
    stx += i * v;
  }
  if (n < 4) return null;
  const den = n * stt - st * st;
  const slope = den > 0 ? (n * stx - st * sx) / den : 0;
  const intercept = (sx - slope * st) / n;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) continue;
    const d = v - (intercept + slope * i);
    const d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= n;
  m4 /= n;
  return m2 > 0 ? m4 / (m2 * m2) : null;
}

/** `x` minus its centred moving mean over `windowSamples` (missing samples stay NaN and are skipped). */
export function withoutBaseline(x: ArrayLike<number>, windowSamples: number): Float64Array {
  const n = x.length;
  const half = Math.max(1, windowSamples >> 1);
  const out = new Float64Array(n);
  let sum = 0;
  let count = 0;
  let lo = 0;
  let hi = 0; // window is [lo, hi)
  for (let i = 0; i < n; i++) {
    while (hi < n && hi <= i + half) {
      const v = x[hi++];
      if (v === v) {
        sum += v;
        count++;
      }
    }
    while (lo < i - half) {
      const v = x[lo++];
      if (v === v) {
        sum -= v;
        count--;
      }
    }
    const v = x[i];
    out[i] = v === v && count > 0 ? v - sum / count : NaN;
  }
  return out;
}

/** Pearson correlation of two equal-length segments; 0 when either is constant. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * Mean correlation of each complete, gap-free beat segment with the sample-wise median of all of
 * them; null with fewer than two such beats.
 */
export function templateCorrelation(x: ArrayLike<number>, beatOffsets: readonly number[], before: number, after: number): { mean: number | null; beats: number } {
  const length = before + after + 1;
  const segments: Float64Array[] = [];
  for (const b of beatOffsets) {
    if (b - before < 0 || b + after >= x.length) continue;
    const seg = new Float64Array(length);
    let ok = true;
    for (let k = 0; k < length && ok; k++) {
      const v = x[b - before + k];
      if (v !== v) ok = false;
      seg[k] = v;
    }
    if (ok) segments.push(seg);
  }
  if (segments.length < 2) return { mean: null, beats: segments.length };
  const template = new Float64Array(length);
  const column = new Float64Array(segments.length);
  for (let k = 0; k < length; k++) {
    for (let s = 0; s < segments.length; s++) column[s] = segments[s][k];
    column.sort();
    const mid = column.length >> 1;
    template[k] = column.length % 2 === 1 ? column[mid] : 0.5 * (column[mid - 1] + column[mid]);
  }
  let sum = 0;
  for (const seg of segments) sum += correlation(seg, template);
  return { mean: sum / segments.length, beats: segments.length };
}

/** Flat-line, clipping and missing-sample statistics of a window. */
export function signalDefects(x: ArrayLike<number>, sampleRateHz: number, options: QualityOptions = defaultQualityOptions) {
  let missing = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) missing++;
    else {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const finite = x.length - missing;
  const tol = options.flatToleranceUnits;
  // longest run of unchanged consecutive finite samples
  let run = 1;
  let longest = finite > 0 ? 1 : 0;
  let prev = NaN;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) continue;
    run = prev === prev && Math.abs(v - prev) <= tol ? run + 1 : 1;
    if (run > longest) longest = run;
    prev = v;
  }
  const flatline = finite > 0 && (hi - lo <= tol || longest >= options.flatlineSec * sampleRateHz);
  // clipping: samples beyond known limits, or on plateaus (>= 3 equal samples) at the extremes
  const clipLow = options.clipLowUnits ?? lo;
  const clipHigh = options.clipHighUnits ?? hi;
  const known = options.clipLowUnits !== undefined || options.clipHighUnits !== undefined;
  let clipped = 0;
  if (finite > 0 && hi > lo) {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (v !== v) continue;
      const atEdge = v <= clipLow || v >= clipHigh;
      if (!atEdge) continue;
      const before = i > 0 && x[i - 1] === v;
      const after = i + 1 < x.length && x[i + 1] === v;
      const plateau = (before && after) || (before && i > 1 && x[i - 2] === v) || (after && i + 2 < x.length && x[i + 2] === v);
      if (known || plateau) clipped++;
    }
  }
  return {
    missingFraction: x.length > 0 ? missing / x.length : 1,
    flatline,
    clippedFraction: finite > 0 ? clipped / x.length : 0,
  };
}

/** The `reasons` entry for missing samples (one wording, shared with the silence re-rating). */
export function missingSamplesReason(missingFraction: number): string {
  return `${(100 * missingFraction).toFixed(1)}% samples missing`;
}

/** The class of an index, by the options' thresholds (more than half missing is always unusable). */
export function qualityLevel(sqi: number, missingFraction: number, options: QualityOptions = defaultQualityOptions): QualityLevel {
  if (missingFraction > 0.5) return 'unusable';
  return sqi >= options.goodSqi ? 'good' : sqi >= options.poorSqi ? 'poor' : 'unusable';
}

/** Pure: quality of one window given the beats found in it (offsets into `x`). */
export function assessEcgQuality(
  x: ArrayLike<number>,
  beatOffsets: readonly number[],
  sampleRateHz: number,
  input: { leadOff?: boolean; options?: Partial<QualityOptions> } = {},
): SignalQuality {
  const options = { ...defaultQualityOptions, ...input.options };
  const leadOff = input.leadOff ?? false;
  const defects = signalDefects(x, sampleRateHz, options);
  const k = kurtosis(withoutBaseline(x, Math.round(options.baselineSec * sampleRateHz)));
  const tc = templateCorrelation(x, beatOffsets, Math.round(options.beatBeforeSec * sampleRateHz), Math.round(options.beatAfterSec * sampleRateHz));
  // kurtosis 3 (noise) -> 0, 5 and above -> 1
  const kurtosisScore = k === null ? 0 : Math.min(1, Math.max(0, (k - 3) / 2));
  // correlation 0.6 -> 0, 0.95 and above -> 1 (Orphanidou et al. accept beats from 0.86)
  const templateScore = tc.mean === null ? 0 : Math.min(1, Math.max(0, (tc.mean - 0.6) / 0.35));
  let sqi = (0.7 * templateScore + 0.3 * kurtosisScore) * (1 - defects.missingFraction) * Math.max(0, 1 - 5 * defects.clippedFraction);
  const reasons: string[] = [];
  if (leadOff) reasons.push('lead off');
  if (defects.flatline) reasons.push('flat line');
  if (defects.missingFraction > 0) reasons.push(missingSamplesReason(defects.missingFraction));
  if (defects.clippedFraction > 0.01) reasons.push(`${(100 * defects.clippedFraction).toFixed(1)}% samples clipped`);
  if (tc.mean === null) reasons.push('fewer than 2 complete beats');
  else if (tc.mean < 0.8) reasons.push(`beats unlike each other (correlation ${tc.mean.toFixed(2)})`);
  if (k !== null && k < 5) reasons.push(`kurtosis ${k.toFixed(1)} < 5`);
  if (leadOff || defects.flatline) sqi = 0;
  let quality = qualityLevel(sqi, defects.missingFraction, options);
  if (leadOff || defects.flatline) quality = 'unusable';
  return {
    sqi,
    kurtosis: k,
    templateCorrelation: tc.mean,
    beatCount: beatOffsets.reduce((n, b) => (b >= 0 && b < x.length ? n + 1 : n), 0),
    flatline: defects.flatline,
    clippedFraction: defects.clippedFraction,
    missingFraction: defects.missingFraction,
    leadOff,
    quality,
    reasons,
  };
}
