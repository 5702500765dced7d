// The last N seconds of one ECG channel at the device's rate (a ring), for enrolling an athlete
// from what the device has just sent. A rate change or a gap in the sample index starts it again.
export class RecentSignal {
  private ring: Float32Array = new Float32Array(0);
  private rateHz = 0;
  private written = 0;
  private nextIndex: number | null = null;

  constructor(private readonly seconds: number) {}

  push(samples: Float32Array, sampleRateHz: number, firstSampleIndex: number): void {
    if (sampleRateHz !== this.rateHz || (this.nextIndex !== null && firstSampleIndex !== this.nextIndex)) {
      this.rateHz = sampleRateHz;
      this.ring = new Float32Array(Math.max(1, Math.round(this.seconds * sampleRateHz)));
      this.written = 0;
    }
    for (let i = 0; i < samples.length; i++) this.ring[(this.written + i) % this.ring.length] = samples[i];
    this.written += samples.length;
    this.nextIndex = firstSampleIndex + samples.length;
  }

  /** The most recent contiguous samples, at most `seconds` of them, oldest first. */
  last(seconds: number): { microvolts: Float32Array; sampleRateHz: number } {
    const n = Math.min(this.written, this.ring.length, Math.round(seconds * this.rateHz));
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.ring[(this.written - n + i) % this.ring.length];
    return { microvolts: out, sampleRateHz: this.rateHz };
  }
}
