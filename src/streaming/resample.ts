// Band-limited resampling of a finite signal (windowed-sinc interpolation, Blackman window).
// Used to replay recordings at another device's rate (MIT-BIH 360 Hz -> garment 250 Hz).
// The cutoff sits below the lower Nyquist frequency, so downsampling does not alias.

export function resampleSinc(input: Float32Array, fromHz: number, toHz: number, halfTaps = 16): Float32Array {
  if (!(fromHz > 0 && toHz > 0)) throw new RangeError(`sample rates must be positive (got ${fromHz} -> ${toHz} Hz)`);
  if (fromHz === toHz) return input.slice();
  const outLength = Math.floor((input.length * toHz) / fromHz);
  const out = new Float32Array(outLength);
  // Cutoff as a fraction of the input rate: 0.45 of the lower of the two rates.
  const cutoff = (0.45 * Math.min(fromHz, toHz)) / fromHz;
  const step = fromHz / toHz;
  const span = Math.ceil(halfTaps / Math.min(1, 2 * cutoff));
  for (let i = 0; i < outLength; i++) {
    const center = i * step;
    const first = Math.max(0, Math.ceil(center - span));
    const last = Math.min(input.length - 1, Math.floor(center + span));
    let acc = 0;
    let weightSum = 0;
    for (let n = first; n <= last; n++) {
      const x = input[n];
      if (Number.isNaN(x)) continue;
      const d = n - center;
      const w = kernel(d, cutoff, span);
      acc += w * x;
      weightSum += w;
    }
    // Normalising by the weight sum keeps DC gain exactly 1 at the edges and around missing samples.
    out[i] = weightSum !== 0 ? acc / weightSum : Number.NaN;
  }
  return out;
}

function kernel(d: number, cutoff: number, span: number): number {
  const sinc = d === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * d) / (Math.PI * d);
  const t = (d + span) / (2 * span);
  const blackman = 0.42 - 0.5 * Math.cos(2 * Math.PI * t) + 0.08 * Math.cos(4 * Math.PI * t);
  return sinc * blackman;
}

/**
 * The same windowed-sinc interpolation as `resampleSinc`, on a stream: push blocks of any size, get
 * every output sample as soon as the input samples under its kernel have arrived (a delay of `span`
 * input samples). Its outputs equal `resampleSinc` on the whole signal, except the last few that the
 * batch version computes with a truncated kernel at the end. NaN inputs are left out of the sum.
 */
export class StreamingSincResampler {
  private readonly step: number;
  private readonly cutoff: number;
  /** Kernel half-width in input samples; also the delay. */
  readonly span: number;
  private buffer = new Float64Array(1024);
  /** Stream index of buffer[0]. */
  private base = 0;
  private received = 0;
  private produced = 0;
  /** Output phases of integer rates (0: not cached). */
  private readonly phases: number;
  private readonly weightCache: Float64Array[] = [];

  constructor(
    readonly fromHz: number,
    readonly toHz: number,
    halfTaps = 16,
  ) {
    if (!(fromHz > 0 && toHz > 0) || !Number.isFinite(fromHz) || !Number.isFinite(toHz))
      throw new RangeError(`sample rates must be positive (got ${fromHz} -> ${toHz} Hz)`);
    this.cutoff = (0.45 * Math.min(fromHz, toHz)) / fromHz;
    this.step = fromHz / toHz;
    // Equal rates pass samples through, as resampleSinc does.
    this.span = fromHz === toHz ? 0 : Math.ceil(halfTaps / Math.min(1, 2 * this.cutoff));
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    this.phases = Number.isInteger(fromHz) && Number.isInteger(toHz) && toHz / gcd(fromHz, toHz) <= 4096 ? toHz / gcd(fromHz, toHz) : 0;
  }

  /** Appends input samples; appends the outputs they complete to `out`. */
  push(input: ArrayLike<number>, out: number[]): void {
    if (this.fromHz === this.toHz) {
      for (let i = 0; i < input.length; i++) out.push(input[i]);
      return;
    }
    this.append(input);
    for (;;) {
      const center = this.produced * this.step;
      const last = Math.floor(center + this.span);
      if (last >= this.received) break;
      const first = Math.max(0, Math.ceil(center - this.span));
      // Weights of inputs floor(center) - span .. floor(center) + span, by output phase.
      const floor = Math.floor(center);
      const weights = this.weightsFor(center, floor);
      let acc = 0;
      let weightSum = 0;
      for (let n = first; n <= last; n++) {
        const x = this.buffer[n - this.base];
        if (Number.isNaN(x)) continue;
        const w = weights[n - floor + this.span]!;
        acc += w * x;
        weightSum += w;
      }
      out.push(weightSum !== 0 ? acc / weightSum : Number.NaN);
      this.produced++;
    }
  }

  reset(): void {
    this.base = this.received = this.produced = 0;
  }

  /**
   * Kernel weights around `center`. With integer rates the output phases repeat every
   * toHz / gcd(fromHz, toHz) outputs (64 for 500 -> 256 Hz, 128 for 250 -> 256 Hz), so they are
   * computed once per phase; other rates compute them every time.
   */
  private weightsFor(center: number, floor: number): Float64Array {
    const phase = this.phases > 0 ? this.produced % this.phases : -1;
    const cached = phase >= 0 ? this.weightCache[phase] : undefined;
    if (cached) return cached;
    const w = new Float64Array(2 * this.span + 2);
    for (let k = 0; k < w.length; k++) w[k] = Math.abs(floor - this.span + k - center) <= this.span ? kernel(floor - this.span + k - center, this.cutoff, this.span) : 0;
    if (phase >= 0) this.weightCache[phase] = w;
    return w;
  }

  private append(input: ArrayLike<number>): void {
    // Samples before the next output's kernel are not needed any more.
    const keepFrom = Math.max(this.base, Math.ceil(this.produced * this.step - this.span));
    const kept = this.received - keepFrom;
    const need = kept + input.length;
    if (keepFrom > this.base || need > this.buffer.length) {
      const next = need > this.buffer.length ? new Float64Array(Math.max(need, 2 * this.buffer.length)) : this.buffer;
      if (next !== this.buffer) next.set(this.buffer.subarray(keepFrom - this.base, this.received - this.base));
      else next.copyWithin(0, keepFrom - this.base, this.received - this.base);
      this.buffer = next;
      this.base = keepFrom;
    }
    for (let i = 0; i < input.length; i++) this.buffer[this.received - this.base + i] = input[i];
    this.received += input.length;
  }
}
