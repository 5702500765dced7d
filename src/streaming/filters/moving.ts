// O(1) moving sum / average over the last N samples (the moving-window integrator of QRS detectors).
// The running sum is recomputed from the window once per N samples so round-off cannot drift
// over hours; the recompute happens at fixed sample counts, so chunking does not change output.

export class MovingSum {
  readonly windowSamples: number;
  private readonly window: Float64Array;
  private position = 0;
  private sum = 0;

  constructor(windowSamples: number) {
    if (!Number.isInteger(windowSamples) || windowSamples < 1) throw new RangeError(`window ${windowSamples} must be a positive integer`);
    this.windowSamples = windowSamples;
    this.window = new Float64Array(windowSamples);
  }

  /** Adds a finite sample and returns the sum of the last N samples (zeros before the start). */
  step(x: number): number {
    const w = this.window;
    this.sum += x - w[this.position];
    w[this.position] = x;
    this.position++;
    if (this.position === this.windowSamples) {
      this.position = 0;
      let exact = 0;
      for (let i = 0; i < this.windowSamples; i++) exact += w[i];
      this.sum = exact;
    }
    return this.sum;
  }

  process(input: ArrayLike<number>, output: Float64Array = new Float64Array(input.length)): Float64Array {
    for (let i = 0; i < input.length; i++) output[i] = this.step(input[i]);
    return output;
  }

  reset(): void {
    this.window.fill(0);
    this.position = 0;
    this.sum = 0;
  }
}

/** Moving average over N samples: MovingSum / N. */
export class MovingAverage {
  private readonly sum: MovingSum;
  private readonly scale: number;

  constructor(windowSamples: number) {
    this.sum = new MovingSum(windowSamples);
    this.scale = 1 / windowSamples;
  }

  get windowSamples(): number {
    return this.sum.windowSamples;
  }

  step(x: number): number {
    return this.sum.step(x) * this.scale;
  }

  process(input: ArrayLike<number>, output: Float64Array = new Float64Array(input.length)): Float64Array {
    for (let i = 0; i < input.length; i++) output[i] = this.step(input[i]);
    return output;
  }

  reset(): void {
    this.sum.reset();
  }
}
