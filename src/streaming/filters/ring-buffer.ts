// Bounded ring buffer of numbers addressed by absolute sample index (0 = first sample pushed).

export class RingBuffer {
  readonly capacity: number;
  private readonly data: Float64Array;
  private written = 0; // absolute index of the next sample

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity ${capacity} must be a positive integer`);
    this.capacity = capacity;
    this.data = new Float64Array(capacity);
  }

  push(x: number): void {
    this.data[this.written % this.capacity] = x;
    this.written++;
  }

  /** Absolute index of the next sample to be pushed (= count of samples ever pushed). */
  get end(): number {
    return this.written;
  }

  /** Absolute index of the oldest sample still held. */
  get start(): number {
    return Math.max(0, this.written - this.capacity);
  }

  get size(): number {
    return this.written - this.start;
  }

  has(index: number): boolean {
    return index >= this.start && index < this.written;
  }

  /** Value at absolute `index`; throws when it is no longer (or not yet) held. */
  at(index: number): number {
    if (!this.has(index)) throw new RangeError(`sample ${index} not held (held ${this.start}..${this.written - 1})`);
    return this.data[index % this.capacity];
  }

  /** Value `age` samples back from the newest (0 = newest), without range checks beyond capacity. */
  back(age: number): number {
    return this.data[(this.written - 1 - age + this.capacity * 2) % this.capacity];
  }

  /** Absolute index of the maximum of |value| over [from, to] clipped to what is held; -1 if empty. */
  argMaxAbs(from: number, to: number): number {
    const lo = Math.max(from, this.start);
    const hi = Math.min(to, this.written - 1);
    let best = -1;
    let bestValue = -1;
    for (let i = lo; i <= hi; i++) {
      const v = Math.abs(this.data[i % this.capacity]);
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    }
    return best;
  }

  reset(): void {
    this.data.fill(0);
    this.written = 0;
  }
}
