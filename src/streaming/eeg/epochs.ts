// Fixed-length epochs with overlap over a conditioned multichannel stream. Epoch k covers samples
// [warmup + k*hop, warmup + k*hop + length) of the stream since the last restart, whatever the block
// sizes: the boundaries sit on the sample count, so chunking never moves them.

export interface EpochWindow {
  /** Samples since the stream (re)started at the epoch's first sample. */
  startSample: number;
  /** One array per channel, `length` samples. */
  values: Float64Array[];
  /** The same samples before reference and filters (flat channels show there: a reference spreads the others into them). */
  raw: Float64Array[];
  /** Samples in the epoch where some input was lost (held for the filters). */
  missingSamples: number;
}

export class Epocher {
  private readonly rings: Float64Array[];
  private readonly rawRings: Float64Array[];
  private readonly missingRing: Uint8Array;
  private count = 0;
  private missingInRing = 0;

  constructor(
    private readonly channels: number,
    readonly lengthSamples: number,
    readonly hopSamples: number,
    /** Samples discarded after a (re)start while the filters settle. */
    readonly warmupSamples: number,
  ) {
    if (!(Number.isInteger(lengthSamples) && lengthSamples > 0)) throw new RangeError(`epoch length ${lengthSamples} samples`);
    if (!(Number.isInteger(hopSamples) && hopSamples > 0 && hopSamples <= lengthSamples)) throw new RangeError(`epoch hop ${hopSamples} samples (1..${lengthSamples})`);
    this.rings = Array.from({ length: channels }, () => new Float64Array(lengthSamples));
    this.rawRings = Array.from({ length: channels }, () => new Float64Array(lengthSamples));
    this.missingRing = new Uint8Array(lengthSamples);
  }

  /** Takes `values[c][0..n)` (n samples per channel) and returns the epochs they complete, oldest first. */
  push(values: readonly Float64Array[], raw: readonly Float64Array[], missing: Uint8Array): EpochWindow[] {
    const n = missing.length;
    const len = this.lengthSamples;
    const out: EpochWindow[] = [];
    for (let i = 0; i < n; i++) {
      const slot = this.count % len;
      for (let c = 0; c < this.channels; c++) {
        this.rings[c][slot] = values[c][i];
        this.rawRings[c][slot] = raw[c][i];
      }
      this.missingInRing += missing[i] - this.missingRing[slot];
      this.missingRing[slot] = missing[i];
      this.count++;
      const filled = this.count - this.warmupSamples;
      if (filled >= len && (filled - len) % this.hopSamples === 0) {
        // The ring holds the last `len` samples; its oldest is at `count % len`.
        const first = this.count % len;
        const unroll = (ring: Float64Array) => {
          const e = new Float64Array(len);
          e.set(ring.subarray(first), 0);
          e.set(ring.subarray(0, first), len - first);
          return e;
        };
        out.push({ startSample: this.count - len, values: this.rings.map(unroll), raw: this.rawRings.map(unroll), missingSamples: this.missingInRing });
      }
    }
    return out;
  }

  /** Samples taken since the start. */
  get samples(): number {
    return this.count;
  }
}
