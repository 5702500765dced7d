// Streaming IIR filter as a cascade of second-order sections, direct form II transposed.
// DF2T with Float64 state keeps round-off low for narrow, low-frequency sections (e.g. 0.5 Hz at 1 kHz).

/** One second-order section, a0 normalised to 1: H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2). */
export interface SecondOrderSection {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

export type Sample = ArrayLike<number>;

export class BiquadCascade {
  readonly sections: readonly SecondOrderSection[];
  private readonly coeffs: Float64Array; // 5 per section: b0 b1 b2 a1 a2
  private readonly state: Float64Array; // 2 per section: s1 s2
  private readonly sectionCount: number;

  constructor(sections: readonly SecondOrderSection[]) {
    if (sections.length === 0) throw new Error('BiquadCascade needs at least one section');
    this.sections = sections.map((s) => ({ ...s }));
    this.sectionCount = sections.length;
    this.coeffs = new Float64Array(5 * sections.length);
    this.state = new Float64Array(2 * sections.length);
    sections.forEach((s, i) => this.coeffs.set([s.b0, s.b1, s.b2, s.a1, s.a2], 5 * i));
  }

  /** Filters one sample. Input must be finite (sanitise missing samples before the filter). */
  step(x: number): number {
    const c = this.coeffs;
    const st = this.state;
    let v = x;
    for (let i = 0; i < this.sectionCount; i++) {
      const k = 5 * i;
      const j = 2 * i;
      const y = c[k] * v + st[j];
      st[j] = c[k + 1] * v - c[k + 3] * y + st[j + 1];
      st[j + 1] = c[k + 2] * v - c[k + 4] * y;
      v = y;
    }
    return v;
  }

  /** Filters a chunk into `output` (allocated when omitted); chunked output equals whole-record output exactly. */
  process(input: Sample, output: Float64Array = new Float64Array(input.length)): Float64Array {
    for (let n = 0; n < input.length; n++) output[n] = this.step(input[n]);
    return output;
  }

  /**
   * Filters `buffer[from..to)` in place, section by section (each section's state and coefficients
   * in locals for the whole run): the same arithmetic as step() sample by sample, so the same
   * output bit for bit, several times faster on long runs.
   */
  filterInPlace(buffer: Float64Array, from: number, to: number): void {
    const c = this.coeffs;
    const st = this.state;
    for (let i = 0; i < this.sectionCount; i++) {
      const k = 5 * i;
      const j = 2 * i;
      const b0 = c[k];
      const b1 = c[k + 1];
      const b2 = c[k + 2];
      const a1 = c[k + 3];
      const a2 = c[k + 4];
      let s1 = st[j];
      let s2 = st[j + 1];
      for (let n = from; n < to; n++) {
        const v = buffer[n];
        const y = b0 * v + s1;
        s1 = b1 * v - a1 * y + s2;
        s2 = b2 * v - a2 * y;
        buffer[n] = y;
      }
      st[j] = s1;
      st[j + 1] = s2;
    }
  }

  /** Sets the state as if the input had been `x` forever (avoids the start-up transient of a DC offset). */
  settle(x: number): void {
    let v = x;
    for (let i = 0; i < this.sectionCount; i++) {
      const k = 5 * i;
      const c = this.coeffs;
      const dcGain = (c[k] + c[k + 1] + c[k + 2]) / (1 + c[k + 3] + c[k + 4]);
      const y = dcGain * v;
      // Steady state of DF2T: s2 = b2 v - a2 y, s1 = b1 v - a1 y + s2.
      this.state[2 * i + 1] = c[k + 2] * v - c[k + 4] * y;
      this.state[2 * i] = c[k + 1] * v - c[k + 3] * y + this.state[2 * i + 1];
      v = y;
    }
  }

  reset(): void {
    this.state.fill(0);
  }
}

/** Complex frequency response of a section cascade at `frequencyHz`: returns [re, im]. */
export function cascadeResponse(sections: readonly SecondOrderSection[], frequencyHz: number, sampleRateHz: number): [number, number] {
  const w = (2 * Math.PI * frequencyHz) / sampleRateHz;
  const c1 = Math.cos(w);
  const s1 = -Math.sin(w);
  const c2 = Math.cos(2 * w);
  const s2 = -Math.sin(2 * w);
  let re = 1;
  let im = 0;
  for (const s of sections) {
    const nr = s.b0 + s.b1 * c1 + s.b2 * c2;
    const ni = s.b1 * s1 + s.b2 * s2;
    const dr = 1 + s.a1 * c1 + s.a2 * c2;
    const di = s.a1 * s1 + s.a2 * s2;
    const den = dr * dr + di * di;
    const hr = (nr * dr + ni * di) / den;
    const hi = (ni * dr - nr * di) / den;
    const r = re * hr - im * hi;
    im = re * hi + im * hr;
    re = r;
  }
  return [re, im];
}

/** Magnitude response (linear gain) of a cascade at `frequencyHz`. */
export function cascadeGain(sections: readonly SecondOrderSection[], frequencyHz: number, sampleRateHz: number): number {
  const [re, im] = cascadeResponse(sections, frequencyHz, sampleRateHz);
  return Math.hypot(re, im);
}

/** Group delay in samples at `frequencyHz` (numerical derivative of the unwrapped phase). */
export function cascadeGroupDelaySamples(sections: readonly SecondOrderSection[], frequencyHz: number, sampleRateHz: number): number {
  const df = Math.min(1e-3 * sampleRateHz, frequencyHz / 2 || 1e-3);
  const phase = (f: number) => {
    const [re, im] = cascadeResponse(sections, f, sampleRateHz);
    return Math.atan2(im, re);
  };
  let dPhi = phase(frequencyHz + df) - phase(frequencyHz - df);
  while (dPhi > Math.PI) dPhi -= 2 * Math.PI;
  while (dPhi < -Math.PI) dPhi += 2 * Math.PI;
  const dOmega = (2 * Math.PI * 2 * df) / sampleRateHz;
  return -dPhi / dOmega;
}
