// Heart rate and time-domain HRV (Task Force of the ESC and NASPE, Circulation 1996) over sliding
// time windows, from classified RR intervals (./rr.ts):
//  - SDNN: sample standard deviation of the accepted (normal-to-normal) intervals in the window;
//  - RMSSD and pNN50: from successive differences, only between two accepted intervals that are
//    adjacent in the beat series (an interval next to a rejected one has no valid neighbour);
//  - instantaneous HR = 60000 / last accepted RR; smoothed HR = 60000 / median of the last 8.
// The statistics are pure functions over arrays; HrvMonitor keeps a bounded ring per window.
import { medianOf, RrExtractor, type RrCounts, type RrInterval, type RrOptions } from './rr.js';

export interface HrvSummary {
  windowMs: number;
  /** End of the window: time of the latest beat, ms since sample 0. */
  endMs: number;
  /** Accepted intervals in the window. */
  intervalCount: number;
  /** Rejected intervals (artefact or ectopic) in the window. */
  rejectedCount: number;
  /** Successive differences used for RMSSD and pNN50. */
  differenceCount: number;
  meanRrMs: number | null;
  meanHrBpm: number | null;
  sdnnMs: number | null;
  rmssdMs: number | null;
  /** Fraction (0..1) of successive differences above 50 ms. */
  pnn50: number | null;
}

/** Pure: sample standard deviation (n - 1); null for fewer than two values. */
export function sdnn(rrMs: ArrayLike<number>): number | null {
  const n = rrMs.length;
  if (n < 2) return null;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += rrMs[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (rrMs[i] - mean) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/** Pure: root mean square of successive differences; null when there are none. */
export function rmssd(differencesMs: ArrayLike<number>): number | null {
  const n = differencesMs.length;
  if (n === 0) return null;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += differencesMs[i] * differencesMs[i];
  return Math.sqrt(ss / n);
}

/** Pure: fraction of successive differences larger than 50 ms; null when there are none. */
export function pnn50(differencesMs: ArrayLike<number>): number | null {
  const n = differencesMs.length;
  if (n === 0) return null;
  let count = 0;
  for (let i = 0; i < n; i++) if (Math.abs(differencesMs[i]) > 50) count++;
  return count / n;
}

/** Pure: successive differences of a series, only between intervals that are both accepted. */
export function successiveDifferences(intervals: readonly Pick<RrInterval, 'rrMs' | 'rejected'>[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < intervals.length; i++) {
    if (intervals[i].rejected === undefined && intervals[i - 1].rejected === undefined) out.push(intervals[i].rrMs - intervals[i - 1].rrMs);
  }
  return out;
}

/** One sliding window: a ring of the intervals that ended in the last `windowMs`. */
class RrWindow {
  readonly windowMs: number;
  private readonly endMs: Float64Array;
  private readonly rrMs: Float64Array;
  /** 1 = accepted, 0 = rejected. */
  private readonly accepted: Uint8Array;
  /** Successive difference to the previous interval when both are accepted, else NaN. */
  private readonly diffMs: Float64Array;
  private head = 0;
  private size = 0;
  private readonly rrScratch: Float64Array;
  private readonly diffScratch: Float64Array;

  constructor(windowMs: number, minRrMs: number) {
    this.windowMs = windowMs;
    // intervals shorter than minRrMs are still stored (as rejected), so allow for a few per beat
    const capacity = Math.ceil((4 * windowMs) / minRrMs) + 8;
    this.endMs = new Float64Array(capacity);
    this.rrMs = new Float64Array(capacity);
    this.accepted = new Uint8Array(capacity);
    this.diffMs = new Float64Array(capacity);
    this.rrScratch = new Float64Array(capacity);
    this.diffScratch = new Float64Array(capacity);
  }

  add(interval: RrInterval, diffMs: number): void {
    const cap = this.endMs.length;
    if (this.size === cap) {
      this.head = (this.head + 1) % cap;
      this.size--;
    }
    const slot = (this.head + this.size) % cap;
    this.endMs[slot] = interval.endMs;
    this.rrMs[slot] = interval.rrMs;
    this.accepted[slot] = interval.rejected === undefined ? 1 : 0;
    this.diffMs[slot] = diffMs;
    this.size++;
    const oldest = interval.endMs - this.windowMs;
    while (this.size > 0 && this.endMs[this.head] <= oldest) {
      this.head = (this.head + 1) % cap;
      this.size--;
    }
  }

  summary(latestEndMs: number): HrvSummary {
    const cap = this.endMs.length;
    let n = 0;
    let d = 0;
    let rejected = 0;
    let sum = 0;
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) % cap;
      if (this.accepted[i] === 0) {
        rejected++;
        continue;
      }
      this.rrScratch[n++] = this.rrMs[i];
      sum += this.rrMs[i];
      // the first interval's predecessor may lie outside the window: only pairs inside count
      if (k > 0 && this.diffMs[i] === this.diffMs[i]) this.diffScratch[d++] = this.diffMs[i];
    }
    const rr = this.rrScratch.subarray(0, n);
    const diffs = this.diffScratch.subarray(0, d);
    const meanRrMs = n > 0 ? sum / n : null;
    return {
      windowMs: this.windowMs,
      endMs: latestEndMs,
      intervalCount: n,
      rejectedCount: rejected,
      differenceCount: d,
      meanRrMs,
      meanHrBpm: meanRrMs === null ? null : 60000 / meanRrMs,
      sdnnMs: sdnn(rr),
      rmssdMs: rmssd(diffs),
      pnn50: pnn50(diffs),
    };
  }

  reset(): void {
    this.head = 0;
    this.size = 0;
  }
}

export interface HeartRateUpdate {
  interval: RrInterval;
  /** 60000 / the latest accepted interval; null before the first. */
  instantHrBpm: number | null;
  /** 60000 / median of the last `smoothingCount` accepted intervals; null before the first. */
  smoothedHrBpm: number | null;
}

export interface HrvMonitorOptions {
  /** Sliding windows for the HRV summaries, ms (default 60 s and 300 s). */
  windowsMs: number[];
  smoothingCount: number;
  rr: Partial<RrOptions>;
}

/** Streaming HR/HRV from beat sample indices; memory bounded by the longest window. */
export class HrvMonitor {
  readonly sampleRateHz: number;
  private readonly extractor: RrExtractor;
  private readonly windows: RrWindow[];
  private readonly smoothing: Float64Array;
  private readonly smoothingScratch: Float64Array;
  private smoothingCount = 0;
  private smoothingPos = 0;
  private previous: RrInterval | undefined;
  private lastEndMs = 0;
  private instant: number | null = null;

  constructor(sampleRateHz: number, options: Partial<HrvMonitorOptions> = {}) {
    this.sampleRateHz = sampleRateHz;
    this.extractor = new RrExtractor(sampleRateHz, options.rr);
    const windowsMs = options.windowsMs ?? [60_000, 300_000];
    this.windows = windowsMs.map((w) => new RrWindow(w, this.extractor.options.minRrMs));
    const smoothing = options.smoothingCount ?? 8;
    this.smoothing = new Float64Array(smoothing);
    this.smoothingScratch = new Float64Array(smoothing);
  }

  get counts(): Readonly<RrCounts> {
    return this.extractor.counts;
  }

  /** Feeds beat indices (ascending) and returns one update per new interval. */
  push(beatSampleIndices: readonly number[]): HeartRateUpdate[] {
    const updates: HeartRateUpdate[] = [];
    for (const interval of this.extractor.push(beatSampleIndices)) {
      const ok = interval.rejected === undefined;
      const prev = this.previous;
      const diff = ok && prev !== undefined && prev.rejected === undefined ? interval.rrMs - prev.rrMs : NaN;
      for (const w of this.windows) w.add(interval, diff);
      if (ok) {
        this.instant = 60000 / interval.rrMs;
        this.smoothing[this.smoothingPos] = interval.rrMs;
        this.smoothingPos = (this.smoothingPos + 1) % this.smoothing.length;
        if (this.smoothingCount < this.smoothing.length) this.smoothingCount++;
      }
      this.previous = interval;
      this.lastEndMs = interval.endMs;
      const median = medianOf(this.smoothing, this.smoothingCount, this.smoothingScratch);
      updates.push({ interval, instantHrBpm: this.instant, smoothedHrBpm: median === median ? 60000 / median : null });
    }
    return updates;
  }

  /** HRV over each configured window, ending at the latest beat. */
  summaries(): HrvSummary[] {
    return this.windows.map((w) => w.summary(this.lastEndMs));
  }

  reset(): void {
    this.extractor.reset();
    for (const w of this.windows) w.reset();
    this.smoothingCount = 0;
    this.smoothingPos = 0;
    this.previous = undefined;
    this.lastEndMs = 0;
    this.instant = null;
  }
}
