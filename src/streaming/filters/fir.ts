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
    let acc = 0;
    const r = this.reversed;
    const base = this.position;
    for (let i = 0; i < n; i++) acc += r[i] * h[base + i];
    return acc;
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
