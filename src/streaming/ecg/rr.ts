// RR intervals from R-peak sample indices, with artefact and ectopic rejection:
//  - physiological bounds (default 300-2000 ms, i.e. 30-200 bpm): a missed beat or a signal gap
//    gives an interval too long, a false detection one too short;
//  - Malik's 20% rule (Malik et al. 1989, Kleiger et al. 1992): an interval differing from the
//    reference by more than 20% is treated as ectopic. The reference is the running median of
//    the last 9 plausible intervals (accepted or not), so a genuine change of rate is followed
//    after a few beats instead of being rejected forever, while a premature beat and its
//    compensatory pause are both rejected.
// The classification is a pure function; RrExtractor adds the bounded streaming state.

export type RrRejection = 'too-short' | 'too-long' | 'ectopic';

export interface RrOptions {
  minRrMs: number;
  maxRrMs: number;
  /** Largest accepted relative difference from the reference interval (Malik: 0.2). */
  ectopicFraction: number;
  /** Number of recent plausible intervals whose median is the reference. */
  medianCount: number;
}

export const defaultRrOptions: RrOptions = { minRrMs: 300, maxRrMs: 2000, ectopicFraction: 0.2, medianCount: 9 };

export interface RrInterval {
  /** Sample index of the beat that ends the interval. */
  endSampleIndex: number;
  /** Time of that beat, ms since sample 0. */
  endMs: number;
  rrMs: number;
  /** Undefined when accepted as a normal-to-normal interval. */
  rejected?: RrRejection;
}

export interface RrCounts {
  accepted: number;
  tooShort: number;
  tooLong: number;
  ectopic: number;
}

/** Pure: why `rrMs` is rejected against `referenceMs` (NaN = no reference yet), or undefined. */
export function classifyRr(rrMs: number, referenceMs: number, options: RrOptions = defaultRrOptions): RrRejection | undefined {
  if (!(rrMs >= options.minRrMs)) return 'too-short';
  if (rrMs > options.maxRrMs) return 'too-long';
  if (referenceMs === referenceMs && Math.abs(rrMs - referenceMs) > options.ectopicFraction * referenceMs) return 'ectopic';
  return undefined;
}

/** Median of `values[0..count)` using `scratch` (no allocation). */
export function medianOf(values: Float64Array, count: number, scratch: Float64Array): number {
  if (count === 0) return NaN;
  for (let i = 0; i < count; i++) {
    // insertion sort: count is small (the median window)
    const v = values[i];
    let j = i - 1;
    while (j >= 0 && scratch[j] > v) {
      scratch[j + 1] = scratch[j];
      j--;
    }
    scratch[j + 1] = v;
  }
  const mid = count >> 1;
  return count % 2 === 1 ? scratch[mid] : 0.5 * (scratch[mid - 1] + scratch[mid]);
}

/** Streaming RR extraction: feed beat indices (ascending), get classified intervals. */
export class RrExtractor {
  readonly sampleRateHz: number;
  readonly options: RrOptions;
  private readonly recent: Float64Array;
  private readonly scratch: Float64Array;
  private recentCount = 0;
  private recentPos = 0;
  private lastBeat = -1;
  private readonly tally: RrCounts = { accepted: 0, tooShort: 0, tooLong: 0, ectopic: 0 };

  constructor(sampleRateHz: number, options: Partial<RrOptions> = {}) {
    if (!(sampleRateHz > 0)) throw new RangeError(`sample rate ${sampleRateHz} Hz must be positive`);
    this.sampleRateHz = sampleRateHz;
    this.options = { ...defaultRrOptions, ...options };
    this.recent = new Float64Array(this.options.medianCount);
    this.scratch = new Float64Array(this.options.medianCount);
  }

  /** Counts since creation or reset. */
  get counts(): Readonly<RrCounts> {
    return this.tally;
  }

  /** Reference interval (ms) the next one is compared to; NaN before any plausible interval. */
  get referenceMs(): number {
    return medianOf(this.recent, this.recentCount, this.scratch);
  }

  /** Classifies the intervals ending at `beatSampleIndices` (ascending; non-increasing ones are ignored). */
  push(beatSampleIndices: readonly number[]): RrInterval[] {
    const out: RrInterval[] = [];
    for (const beat of beatSampleIndices) {
      if (!Number.isFinite(beat) || beat <= this.lastBeat) continue;
      if (this.lastBeat >= 0) out.push(this.classify(beat));
      this.lastBeat = beat;
    }
    return out;
  }

  private classify(beat: number): RrInterval {
    const msPerSample = 1000 / this.sampleRateHz;
    const rrMs = (beat - this.lastBeat) * msPerSample;
    const rejected = classifyRr(rrMs, this.referenceMs, this.options);
    if (rejected === undefined) this.tally.accepted++;
    else if (rejected === 'too-short') this.tally.tooShort++;
    else if (rejected === 'too-long') this.tally.tooLong++;
    else this.tally.ectopic++;
    if (rejected === undefined || rejected === 'ectopic') {
      this.recent[this.recentPos] = rrMs;
      this.recentPos = (this.recentPos + 1) % this.recent.length;
      if (this.recentCount < this.recent.length) this.recentCount++;
    }
    const interval: RrInterval = { endSampleIndex: beat, endMs: beat * msPerSample, rrMs };
    if (rejected !== undefined) interval.rejected = rejected;
    return interval;
  }

  reset(): void {
    this.recent.fill(0);
    this.recentCount = 0;
    this.recentPos = 0;
    this.lastBeat = -1;
    this.tally.accepted = 0;
    this.tally.tooShort = 0;
    this.tally.tooLong = 0;
    this.tally.ectopic = 0;
  }
}

/** Pure convenience: classify a whole beat list at once. */
export function rrSeriesFromBeats(beatSampleIndices: readonly number[], sampleRateHz: number, options: Partial<RrOptions> = {}): RrInterval[] {
  return new RrExtractor(sampleRateHz, options).push(beatSampleIndices);
}
