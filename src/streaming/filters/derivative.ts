// Streaming derivatives in physical units per second.
//  'five-point': Pan & Tompkins (1985) shape (2x[n] + x[n-1] - x[n-3] - 2x[n-4]), scaled by fs/10 (not their
//  fs/8) so a ramp gives exactly its slope; delay 2 samples.
//  'first-difference': y[n] = (x[n] - x[n-1]) * fs, delay 0.5 samples.

export type DerivativeKind = 'five-point' | 'first-difference';

export class StreamingDerivative {
  readonly kind: DerivativeKind;
  /** Group delay of the estimate, in samples. */
  readonly delaySamples: number;
  private readonly scale: number;
  private x1 = 0;
  private x2 = 0;
  private x3 = 0;
  private x4 = 0;

  constructor(sampleRateHz: number, kind: DerivativeKind = 'five-point') {
    this.kind = kind;
    this.delaySamples = kind === 'five-point' ? 2 : 0.5;
    this.scale = kind === 'five-point' ? sampleRateHz / 10 : sampleRateHz;
  }

  step(x: number): number {
    let y: number;
    if (this.kind === 'five-point') y = (2 * x + this.x1 - this.x3 - 2 * this.x4) * this.scale;
    else y = (x - this.x1) * this.scale;
    this.x4 = this.x3;
    this.x3 = this.x2;
    this.x2 = this.x1;
    this.x1 = x;
    return y;
  }

  process(input: ArrayLike<number>, output: Float64Array = new Float64Array(input.length)): Float64Array {
    for (let i = 0; i < input.length; i++) output[i] = this.step(input[i]);
    return output;
  }

  /** Sets the history as if the input had been `x` forever (derivative 0). */
  settle(x: number): void {
    this.x1 = this.x2 = this.x3 = this.x4 = x;
  }

  reset(): void {
    this.settle(0);
  }
}
