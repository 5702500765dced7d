// The steep-slope threshold M shared by Christov (2004) and the Engelse-Zeelenberg detector as
// modified by Lourenco et al. (2012): M starts at 0.6 x the running maximum of the feature over the
// first 5 s; after each QRS the largest feature value in the next 200 ms (x 0.6, capped at 1.1x the
// previous when it exceeds 1.5x) enters a 5-value buffer MM; M = mean(MM) then falls linearly to
// 60% of it between 200 ms and 1200 ms after the QRS and stays there.
// Our addition: after 5 s without any QRS the 5-s initial learning starts again, so a huge artefact
// in the learning period (or a much weaker signal later) cannot stop detection for good.
import { ValueWindow } from './peak-support.js';

const initialSec = 5;

export class SteepSlopeThreshold {
  /** The current threshold. */
  value = 0;
  private readonly buffer = new ValueWindow(5);
  private bufferMean = 0;
  private readonly initialSamples: number;
  private readonly ms200: number;
  private readonly ms1200: number;
  private runningMax = 0;
  private sinceQrsMax = 0;
  private qrsIndex = -1;
  private learnStart = 0;
  private learnEnd: number;

  constructor(sampleRateHz: number) {
    this.initialSamples = Math.round(initialSec * sampleRateHz);
    this.ms200 = Math.round(0.2 * sampleRateHz);
    this.ms1200 = Math.round(1.2 * sampleRateHz);
    this.learnEnd = this.initialSamples;
  }

  /** Updates M for sample `n` with feature value `y` (call before testing y against M). */
  step(y: number, n: number): number {
    const q = this.qrsIndex;
    if (n >= this.learnEnd && n - Math.max(q, this.learnEnd) >= this.initialSamples) {
      this.learnStart = n;
      this.learnEnd = n + this.initialSamples;
      this.runningMax = 0;
    }
    if (n < this.learnEnd) {
      if (y > this.runningMax) this.runningMax = y;
      this.value = 0.6 * this.runningMax;
      // While learning, MM holds the latest M values (mean = M), as in the paper's formulation.
      this.bufferMean = this.value;
      if (n === this.learnEnd - 1) this.setBuffer(this.value);
    } else if (q >= this.learnStart) {
      const since = n - q;
      if (since < this.ms200) {
        if (since > 0 && y > this.sinceQrsMax) this.sinceQrsMax = y;
      } else if (since === this.ms200) {
        let next = 0.6 * this.sinceQrsMax;
        const last = this.buffer.last();
        if (next > 1.5 * last) next = 1.1 * last;
        if (next === 0) next = last;
        this.buffer.push(next);
        this.bufferMean = this.buffer.mean();
        this.value = this.bufferMean;
      } else if (since < this.ms1200) {
        this.value = this.bufferMean * (1 - (0.4 * (since - this.ms200)) / (this.ms1200 - this.ms200));
      } else {
        this.value = 0.6 * this.bufferMean;
      }
    }
    return this.value;
  }

  /** Mean of the 5-value buffer (the R threshold of Christov decays relative to it). */
  get mean(): number {
    return this.bufferMean;
  }

  /** Records a QRS (threshold crossing) at sample `n`; the feature value at n counts toward MM. */
  markQrs(n: number, y: number): void {
    this.qrsIndex = n;
    this.sinceQrsMax = y;
  }

  reset(): void {
    this.value = 0;
    this.buffer.clear();
    this.bufferMean = 0;
    this.runningMax = 0;
    this.sinceQrsMax = 0;
    this.qrsIndex = -1;
    this.learnStart = 0;
    this.learnEnd = this.initialSamples;
  }

  private setBuffer(value: number): void {
    this.buffer.fill(value);
    this.bufferMean = value;
  }
}
