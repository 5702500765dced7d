// Maximum over the last N samples in O(1) amortised time: a monotonic deque held in fixed typed arrays.

export class SlidingMax {
  readonly windowSamples: number;
  private readonly values: Float64Array;
  private readonly indices: Float64Array;
  private head = 0; // ring position of the front (the current maximum)
  private count = 0;
  private n = 0;

  constructor(windowSamples: number) {
    if (!Number.isInteger(windowSamples) || windowSamples < 1) throw new RangeError(`window ${windowSamples} must be a positive integer`);
    this.windowSamples = windowSamples;
    this.values = new Float64Array(windowSamples + 1);
    this.indices = new Float64Array(windowSamples + 1);
  }

  /** Adds a finite sample and returns the maximum of the last N samples. */
  step(x: number): number {
    const cap = this.values.length;
    // Drop from the back every value not larger than x: it can never be the maximum again.
    while (this.count > 0 && this.values[(this.head + this.count - 1) % cap] <= x) this.count--;
    const at = (this.head + this.count) % cap;
    this.values[at] = x;
    this.indices[at] = this.n;
    this.count++;
    if (this.indices[this.head] <= this.n - this.windowSamples) {
      this.head = (this.head + 1) % cap;
      this.count--;
    }
    this.n++;
    return this.values[this.head];
  }

  process(input: ArrayLike<number>, output: Float64Array = new Float64Array(input.length)): Float64Array {
    for (let i = 0; i < input.length; i++) output[i] = this.step(input[i]);
    return output;
  }

  reset(): void {
    this.head = 0;
    this.count = 0;
    this.n = 0;
  }
}
