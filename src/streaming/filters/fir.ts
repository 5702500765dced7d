// Streaming FIR filter over a doubled ring buffer, so each output is one contiguous dot product.

export class FirFilter {
  readonly taps: Float64Array;
  private readonly reversed: Float64Array;
  private readonly history: Float64Array; // 2 * length: each sample written twice
  private readonly length: number;
  private position = 0;

  constructor(taps: ArrayLike<number>) {
    if (taps.length === 0) throw new Error('FirFilter needs at least one tap');
    this.length = taps.length;
    this.taps = Float64Array.from(taps);
    // Reversed so history[position + i] (oldest first) pairs with reversed[i].
    this.reversed = Float64Array.from(taps).reverse();
    this.history = new Float64Array(2 * taps.length);
  }

  /** Filters one finite sample: y[n] = sum_k taps[k] x[n-k]. */
  step(x: number): number {
    const n = this.length;
    const h = this.history;
    h[this.position] = x;
    h[this.position + n] = x;
    this.position = this.position + 1 === n ? 0 : this.position + 1;
    // After the write, history[position .. position+n-1] holds x[n-N+1] .. x[n] (oldest first).
    // Four partial sums: independent chains run in parallel on the FPU (the single chain is bound by
    // the add latency); the order of the additions changes the result only by rounding.
    const r = this.reversed;
    const base = this.position;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let i = 0;
    for (; i + 3 < n; i += 4) {
      a0 += r[i] * h[base + i];
      a1 += r[i + 1] * h[base + i + 1];
      a2 += r[i + 2] * h[base + i + 2];
      a3 += r[i + 3] * h[base + i + 3];
    }
    for (; i < n; i++) a0 += r[i] * h[base + i];
    return a0 + a1 + (a2 + a3);
  }

  process(input: ArrayLike<number>, output: Float64Array = new Float64Array(input.length)): Float64Array {
    for (let i = 0; i < input.length; i++) output[i] = this.step(input[i]);
    return output;
  }

  reset(): void {
    this.history.fill(0);
    this.position = 0;
  }
}
