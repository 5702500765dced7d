// Places detections on the original signal: each detector asks for the largest |ECG| in a window
// of absolute sample indices (already corrected for its filter delays); the answer is given once the
// window's last sample has arrived. The ECG is band-passed 0.5-40 Hz first (so baseline wander cannot
// win) and that filter's own small delay is compensated.
import { BiquadCascade, butterworthBandpass, cascadeGroupDelaySamples, RingBuffer } from '../filters/index.js';

const pendingCapacity = 16;
/** Larger ECG magnitudes (1 V) are not physiological, not even electrode offsets: treated as missing. */
export const maxMicrovolts = 1e6;

export class PeakRefiner {
  /** Delay of the refinement band-pass around QRS frequencies, in whole samples. */
  readonly delaySamples: number;
  private readonly filter: BiquadCascade;
  private readonly ring: RingBuffer;
  private readonly pendingFrom = new Float64Array(pendingCapacity);
  private readonly pendingTo = new Float64Array(pendingCapacity);
  private pendingHead = 0;
  private pendingCount = 0;
  private lastEmitted = -Infinity;
  private readonly minSpacingSamples: number;

  /**
   * @param historySamples how far back (from the newest sample) a window may start.
   * @param minSpacingSamples a refined peak closer than this to the previous one is a duplicate.
   */
  constructor(sampleRateHz: number, historySamples: number, minSpacingSamples: number) {
    const sections = butterworthBandpass(2, 0.5, Math.min(40, 0.4 * sampleRateHz), sampleRateHz);
    this.filter = new BiquadCascade(sections);
    this.delaySamples = Math.round(cascadeGroupDelaySamples(sections, 10, sampleRateHz));
    this.ring = new RingBuffer(historySamples + this.delaySamples + 2);
    this.minSpacingSamples = minSpacingSamples;
  }

  /** Pushes the next (finite) ECG sample. */
  push(x: number): void {
    this.ring.push(this.filter.step(x));
  }

  settle(x: number): void {
    this.filter.settle(x);
  }

  /** Asks for the peak within [fromIndex, toIndex] (ECG timeline). */
  request(fromIndex: number, toIndex: number): void {
    if (this.pendingCount === pendingCapacity) return; // cannot happen with a refractory period; never grow
    const at = (this.pendingHead + this.pendingCount) % pendingCapacity;
    this.pendingFrom[at] = fromIndex;
    this.pendingTo[at] = toIndex;
    this.pendingCount++;
  }

  /** Asks for the peak within `halfWidthSamples` of `centerIndex` (ECG timeline). */
  requestAround(centerIndex: number, halfWidthSamples: number): void {
    this.request(centerIndex - halfWidthSamples, centerIndex + halfWidthSamples);
  }

  /** Resolves every pending window whose samples have all arrived (all of them when `force`). */
  drain(out: number[], force = false): void {
    const newest = this.ring.end - 1 - this.delaySamples; // newest ECG-timeline index available
    while (this.pendingCount > 0) {
      const from = this.pendingFrom[this.pendingHead];
      const to = this.pendingTo[this.pendingHead];
      if (!force && to > newest) return;
      this.pendingHead = (this.pendingHead + 1) % pendingCapacity;
      this.pendingCount--;
      const found = this.ring.argMaxAbs(Math.max(0, from) + this.delaySamples, Math.min(to, newest) + this.delaySamples);
      if (found < 0) continue;
      const peak = found - this.delaySamples;
      if (peak - this.lastEmitted < this.minSpacingSamples) continue;
      this.lastEmitted = peak;
      out.push(peak);
    }
  }

  reset(): void {
    this.filter.reset();
    this.ring.reset();
    this.pendingHead = 0;
    this.pendingCount = 0;
    this.lastEmitted = -Infinity;
  }
}
