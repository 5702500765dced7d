// Small bounded building blocks shared by the classic R-peak detectors (Pan-Tompkins, Hamilton,
// Christov, Engelse-Zeelenberg): fixed-length value windows, a ring log of candidate peaks for
// search-back, Hamilton's online local-maximum picker and the lagged-difference derivative.
import { RingBuffer } from '../filters/index.js';

/** The last N values with mean and median; memory fixed at construction. */
export class ValueWindow {
  readonly capacity: number;
  private readonly values: Float64Array;
  private readonly scratch: Float64Array;
  private count = 0;
  private position = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.values = new Float64Array(capacity);
    this.scratch = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(value: number): void {
    this.values[this.position] = value;
    this.position = (this.position + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Overwrites the newest value (pushes when empty). */
  replaceLast(value: number): void {
    if (this.count === 0) this.push(value);
    else this.values[(this.position - 1 + this.capacity) % this.capacity] = value;
  }

  /** Newest value (0 when empty). */
  last(): number {
    return this.count === 0 ? 0 : this.values[(this.position - 1 + this.capacity) % this.capacity];
  }

  fill(value: number): void {
    this.values.fill(value);
    this.count = this.capacity;
    this.position = 0;
  }

  mean(): number {
    if (this.count === 0) return 0;
    let s = 0;
    for (let i = 0; i < this.count; i++) s += this.values[i];
    return s / this.count;
  }

  median(): number {
    if (this.count === 0) return 0;
    const a = this.scratch.subarray(0, this.count);
    a.set(this.values.subarray(0, this.count));
    a.sort();
    const mid = this.count >> 1;
    return this.count % 2 ? a[mid] : (a[mid - 1] + a[mid]) / 2;
  }

  clear(): void {
    this.values.fill(0);
    this.count = 0;
    this.position = 0;
  }
}

/**
 * Derivative as a difference over a lag: (x[n] - x[n - lagSamples]) per second. 0 until `lagSamples`
 * earlier samples exist, unless settle() supplied them.
 */
export class LagDerivative {
  readonly lagSamples: number;
  private readonly perSecond: number;
  private readonly ring: RingBuffer;

  constructor(lagSamples: number, sampleRateHz: number) {
    this.lagSamples = lagSamples;
    this.perSecond = sampleRateHz / lagSamples;
    this.ring = new RingBuffer(lagSamples + 1);
  }

  step(x: number): number {
    this.ring.push(x);
    return this.ring.size > this.lagSamples ? (x - this.ring.back(this.lagSamples)) * this.perSecond : 0;
  }

  /** Fills the lag with `x`, as if it had always been the input. */
  settle(x: number): void {
    for (let k = 0; k <= this.lagSamples; k++) this.ring.push(x);
  }

  reset(): void {
    this.ring.reset();
  }
}

/**
 * Candidate peaks (sample index, height, slope) kept for search-back. A ring: when full, the oldest
 * candidate is overwritten, so memory is fixed whatever the record length.
 */
export class CandidateLog {
  readonly capacity: number;
  private readonly indices: Float64Array;
  private readonly heights: Float64Array;
  private readonly slopes: Float64Array;
  private head = 0; // ring position of the oldest
  private count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.indices = new Float64Array(capacity);
    this.heights = new Float64Array(capacity);
    this.slopes = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(index: number, height: number, slope: number): void {
    const at = (this.head + this.count) % this.capacity;
    this.indices[at] = index;
    this.heights[at] = height;
    this.slopes[at] = slope;
    if (this.count < this.capacity) this.count++;
    else this.head = (this.head + 1) % this.capacity;
  }

  /** i-th oldest held candidate (0 = oldest). */
  indexAt(i: number): number {
    return this.indices[(this.head + i) % this.capacity];
  }

  heightAt(i: number): number {
    return this.heights[(this.head + i) % this.capacity];
  }

  slopeAt(i: number): number {
    return this.slopes[(this.head + i) % this.capacity];
  }

  /**
   * Removes every held candidate and returns them oldest first, as copies, so a replay through the
   * normal decision may log new candidates meanwhile.
   */
  takeAll(): { index: Float64Array; height: Float64Array; slope: Float64Array } {
    const count = this.count;
    const index = new Float64Array(count);
    const height = new Float64Array(count);
    const slope = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const k = (this.head + i) % this.capacity;
      index[i] = this.indices[k];
      height[i] = this.heights[k];
      slope[i] = this.slopes[k];
    }
    this.clear();
    return { index, height, slope };
  }

  /** Drops candidates with sample index <= `index`. */
  dropThrough(index: number): void {
    while (this.count > 0 && this.indices[this.head] <= index) {
      this.head = (this.head + 1) % this.capacity;
      this.count--;
    }
  }

  /** Position (0 = oldest) of the highest candidate with index in [fromIndex, toIndex] and height > minHeight, or -1. */
  highestIn(fromIndex: number, toIndex: number, minHeight: number): number {
    let best = -1;
    let bestHeight = minHeight;
    for (let i = 0; i < this.count; i++) {
      const k = (this.head + i) % this.capacity;
      const idx = this.indices[k];
      if (idx < fromIndex || idx > toIndex) continue;
      if (this.heights[k] > bestHeight) {
        bestHeight = this.heights[k];
        best = i;
      }
    }
    return best;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}

/**
 * Online local-maximum picker after Hamilton's OSEA `Peak()`: a peak is the maximum of a rising
 * segment, confirmed when the signal falls below half of it or `timeoutSamples` pass without a
 * new maximum. Heights at or below `floor` are ignored (a flat or near-flat line yields nothing).
 */
export class LocalPeakPicker {
  /** Set by step() when it returns true. */
  peakIndex = -1;
  peakHeight = 0;
  private max = 0;
  private maxIndex = -1;
  private sinceMax = 0;
  private lastValue = 0;

  constructor(
    readonly timeoutSamples: number,
    private floor = 0,
  ) {}

  setFloor(floor: number): void {
    this.floor = floor;
  }

  /** Feeds value at absolute sample `index`; returns true when a peak has just been confirmed. */
  step(value: number, index: number): boolean {
    let found = false;
    if (this.sinceMax > 0) this.sinceMax++;
    if (value > this.lastValue && value > this.max) {
      this.max = value;
      this.maxIndex = index;
      if (value > this.floor) this.sinceMax = 1;
    } else if (this.sinceMax > 0 && value < this.max / 2) {
      found = true;
    } else if (this.sinceMax > this.timeoutSamples) {
      found = true;
    }
    if (found) {
      this.peakIndex = this.maxIndex;
      this.peakHeight = this.max;
      this.max = 0;
      this.sinceMax = 0;
    } else if (this.sinceMax === 0 && value < this.max / 2) {
      this.max = 0; // a sub-floor bump is over: forget it
    }
    this.lastValue = value;
    return found;
  }

  reset(): void {
    this.peakIndex = -1;
    this.peakHeight = 0;
    this.max = 0;
    this.maxIndex = -1;
    this.sinceMax = 0;
    this.lastValue = 0;
  }
}
