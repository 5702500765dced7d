// Feeds a detector the way a device would: chunk after chunk, then flush at the end of the record.
import type { RPeakDetector } from '../../../src/streaming/ecg/detector.js';

/** Pushes `signal` in chunks of `sizes` samples (one size, or sizes used in turn), then flushes. */
export function runInChunks(detector: RPeakDetector, signal: Float32Array, sizes: number | readonly number[] = signal.length): number[] {
  const cycle = typeof sizes === 'number' ? [Math.max(1, sizes)] : sizes;
  const beats: number[] = [];
  let offset = 0;
  for (let k = 0; offset < signal.length; k++) {
    const size = cycle[k % cycle.length];
    beats.push(...detector.push(signal.subarray(offset, offset + size)));
    offset += size;
  }
  beats.push(...detector.flush());
  return beats;
}
