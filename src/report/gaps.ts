// Missing-sample (NaN) runs and flat lines, as half-open sample segments, for the gap timeline
// and the summary. Flat = finite samples whose range stays within a tolerance for a minimum time
// (a disconnected electrode or a saturated front end, not an isoelectric segment).

export type SegmentKind = 'missing' | 'flat';

export interface SignalSegment {
  kind: SegmentKind;
  startSample: number;
  /** Exclusive. */
  endSample: number;
}

/** Runs of NaN samples at least `minSamples` long. */
export function findMissingRuns(x: ArrayLike<number>, minSamples = 1): SignalSegment[] {
  const out: SignalSegment[] = [];
  let start = -1;
  for (let i = 0; i <= x.length; i++) {
    const missing = i < x.length && x[i] !== x[i];
    if (missing && start < 0) start = i;
    else if (!missing && start >= 0) {
      if (i - start >= minSamples) out.push({ kind: 'missing', startSample: start, endSample: i });
      start = -1;
    }
  }
  return out;
}

/**
 * Runs of at least `minSamples` consecutive finite samples whose max - min <= `toleranceUnits`.
 * A NaN ends a run. O(n): a run only grows, or restarts at the sample that broke it (so with a
 * non-zero tolerance a run may start a few samples later than the flat stretch really does).
 */
export function findFlatRuns(x: ArrayLike<number>, minSamples: number, toleranceUnits = 0): SignalSegment[] {
  const out: SignalSegment[] = [];
  const close = (start: number, end: number) => {
    if (start >= 0 && end - start >= minSamples) out.push({ kind: 'flat', startSample: start, endSample: end });
  };
  let start = -1;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) {
      close(start, i);
      start = -1;
      continue;
    }
    if (start >= 0 && Math.max(hi, v) - Math.min(lo, v) <= toleranceUnits) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      continue;
    }
    close(start, i);
    start = i;
    lo = v;
    hi = v;
  }
  close(start, x.length);
  return out;
}

/** Total samples covered by segments (assumed non-overlapping). */
export function coveredSamples(segments: readonly SignalSegment[]): number {
  let total = 0;
  for (const s of segments) total += s.endSample - s.startSample;
  return total;
}

/**
 * For drawing: joins segments of one kind separated by less than `joinSamples`, so a timeline of
 * thousands of tiny gaps stays readable. Input sorted by start.
 */
export function joinClose(segments: readonly SignalSegment[], joinSamples: number): SignalSegment[] {
  const out: SignalSegment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && last.kind === s.kind && s.startSample - last.endSample < joinSamples) last.endSample = Math.max(last.endSample, s.endSample);
    else out.push({ ...s });
  }
  return out;
}
