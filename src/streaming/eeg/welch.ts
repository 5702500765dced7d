// Welch power spectral density and band power, as scipy.signal.welch / MNE's psd_array_welch compute
// it: segments of `segmentSamples` with `overlapSamples` overlap, the mean removed per segment
// (detrend 'constant'), a periodic Hann window, |DFT|^2 scaled to a one-sided density in µV²/Hz
// (1 / (fs * sum(w^2)), doubled except at DC and Nyquist), averaged over the segments (mean).
// Segments of a power-of-two length go through a radix-2 FFT; other lengths (500 Hz x 2 s) through
// the Goertzel recurrence for only the bins up to `maxHz` (EEG bands end at 45 Hz, a fraction of the spectrum).
import { isPowerOfTwo, Radix2Fft } from './fft.js';

export type EegBandName = 'delta' | 'theta' | 'alpha' | 'beta' | 'gamma';

export interface BandEdges {
  name: EegBandName;
  lowHz: number;
  highHz: number;
}

/** The bands, half-open [lowHz, highHz): a bin at 4 Hz is theta, one at 45 Hz is in none. */
export const EEG_BANDS: readonly BandEdges[] = [
  { name: 'delta', lowHz: 1, highHz: 4 },
  { name: 'theta', lowHz: 4, highHz: 8 },
  { name: 'alpha', lowHz: 8, highHz: 13 },
  { name: 'beta', lowHz: 13, highHz: 30 },
  { name: 'gamma', lowHz: 30, highHz: 45 },
];
export const BAND_NAMES: readonly EegBandName[] = EEG_BANDS.map((b) => b.name);
/** Relative power is band power over the power in [1, 45) Hz (the sum of the five bands). */
export const TOTAL_BAND = { lowHz: 1, highHz: 45 } as const;

export interface WelchOptions {
  sampleRateHz: number;
  segmentSamples: number;
  overlapSamples: number;
  /** Highest frequency computed (inclusive); default: Nyquist. */
  maxHz?: number;
}

/** A Welch estimator for one segment layout: tables are built once, `psd()` allocates only its output. */
export class Welch {
  readonly sampleRateHz: number;
  readonly segmentSamples: number;
  readonly overlapSamples: number;
  /** Bin spacing, Hz (fs / segmentSamples). */
  readonly binHz: number;
  /** Bins 0..binCount-1 are computed (frequency k * binHz). */
  readonly binCount: number;
  private readonly window: Float64Array;
  /** 2 cos(2 pi k / n) per bin, for the Goertzel recurrence of non-power-of-two segments. */
  private readonly goertzel: Float64Array;
  private readonly scale: Float64Array;
  private readonly segment: Float64Array;
  private readonly fft: Radix2Fft | undefined;
  private readonly imag: Float64Array;

  constructor(options: WelchOptions) {
    const { sampleRateHz, segmentSamples, overlapSamples } = options;
    if (!Number.isInteger(segmentSamples) || segmentSamples < 8) throw new RangeError(`Welch segment of ${segmentSamples} samples: at least 8`);
    if (!Number.isInteger(overlapSamples) || overlapSamples < 0 || overlapSamples >= segmentSamples) {
      throw new RangeError(`Welch overlap ${overlapSamples} must be an integer in [0, ${segmentSamples})`);
    }
    this.sampleRateHz = sampleRateHz;
    this.segmentSamples = segmentSamples;
    this.overlapSamples = overlapSamples;
    this.binHz = sampleRateHz / segmentSamples;
    const nyquistBin = Math.floor(segmentSamples / 2);
    const maxHz = options.maxHz ?? sampleRateHz / 2;
    this.binCount = Math.min(nyquistBin, Math.floor(maxHz / this.binHz + 1e-9)) + 1;
    const n = segmentSamples;
    // Periodic ("DFT-even") Hann, scipy's get_window('hann', n).
    this.window = new Float64Array(n);
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      this.window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
      sumSq += this.window[i] * this.window[i];
    }
    this.goertzel = new Float64Array(this.binCount);
    for (let k = 0; k < this.binCount; k++) this.goertzel[k] = 2 * Math.cos((2 * Math.PI * k) / n);
    this.scale = new Float64Array(this.binCount);
    for (let k = 0; k < this.binCount; k++) {
      const oneSided = k === 0 || (n % 2 === 0 && k === nyquistBin) ? 1 : 2;
      this.scale[k] = oneSided / (sampleRateHz * sumSq);
    }
    this.segment = new Float64Array(n);
    this.fft = isPowerOfTwo(n) ? new Radix2Fft(n) : undefined;
    this.imag = new Float64Array(this.fft ? n : 0);
  }

  /** Segments a signal of `samples` yields (0 when shorter than one segment). */
  segmentsIn(samples: number): number {
    return samples < this.segmentSamples ? 0 : 1 + Math.floor((samples - this.segmentSamples) / (this.segmentSamples - this.overlapSamples));
  }

  /** Frequency of bin k, Hz. */
  frequencyHz(k: number): number {
    return k * this.binHz;
  }

  /** One-sided PSD (µV²/Hz for µV input) of `signal`, bins 0..binCount-1, into `out`. */
  psd(signal: ArrayLike<number>, out: Float64Array = new Float64Array(this.binCount)): Float64Array {
    const n = this.segmentSamples;
    const step = n - this.overlapSamples;
    const segments = this.segmentsIn(signal.length);
    if (segments === 0) throw new RangeError(`Welch needs at least ${n} samples, got ${signal.length}`);
    out.fill(0);
    const seg = this.segment;
    for (let s = 0; s < segments; s++) {
      const start = s * step;
      let mean = 0;
      for (let i = 0; i < n; i++) mean += signal[start + i];
      mean /= n;
      for (let i = 0; i < n; i++) seg[i] = (signal[start + i] - mean) * this.window[i];
      if (this.fft) {
        this.imag.fill(0);
        this.fft.transform(seg, this.imag);
        for (let k = 0; k < this.binCount; k++) out[k] += (seg[k] * seg[k] + this.imag[k] * this.imag[k]) * this.scale[k];
        continue;
      }
      // Goertzel per bin: |X[k]|^2 from a two-term recurrence, one multiply per sample.
      for (let k = 0; k < this.binCount; k++) {
        const coeff = this.goertzel[k];
        let s1 = 0;
        let s2 = 0;
        for (let i = 0; i < n; i++) {
          const s0 = seg[i] + coeff * s1 - s2;
          s2 = s1;
          s1 = s0;
        }
        out[k] += (s1 * s1 + s2 * s2 - coeff * s1 * s2) * this.scale[k];
      }
    }
    for (let k = 0; k < this.binCount; k++) out[k] /= segments;
    return out;
  }

  /**
   * Power in [lowHz, highHz): the density of the bins whose frequency lies in the band, times the bin
   * width (rectangle rule, as MNE users usually integrate). µV² for a µV²/Hz density.
   */
  bandPower(psd: Float64Array, lowHz: number, highHz: number): number {
    let sum = 0;
    const eps = 1e-9 * this.binHz;
    for (let k = 0; k < this.binCount; k++) {
      const f = k * this.binHz;
      if (f >= lowHz - eps && f < highHz - eps) sum += psd[k];
    }
    return sum * this.binHz;
  }
}

/** Absolute (µV²) and relative power of each band for one channel. */
export interface ChannelBands {
  absoluteUv2: Record<EegBandName, number>;
  relative: Record<EegBandName, number>;
  /** Power in [1, 45) Hz, µV². */
  totalUv2: number;
}

/** Band powers of one channel's PSD. */
export function bandsOf(welch: Welch, psd: Float64Array): ChannelBands {
  const absoluteUv2 = {} as Record<EegBandName, number>;
  const relative = {} as Record<EegBandName, number>;
  for (const b of EEG_BANDS) absoluteUv2[b.name] = welch.bandPower(psd, b.lowHz, b.highHz);
  const totalUv2 = welch.bandPower(psd, TOTAL_BAND.lowHz, TOTAL_BAND.highHz);
  for (const b of EEG_BANDS) relative[b.name] = totalUv2 > 0 ? absoluteUv2[b.name] / totalUv2 : 0;
  return { absoluteUv2, relative, totalUv2 };
}
