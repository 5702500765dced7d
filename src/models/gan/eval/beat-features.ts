// Measurements of single beat windows, applied the same way to real and synthetic beats:
// QRS width from the slope envelope, log power spectrum, and the feature vector the evaluation's
// classifiers read (the waveform plus its log spectrum).
import { matrix, type Matrix } from './stats.js';

/** Bins 1..SPECTRUM_BINS of a 256-point spectrum at 250 Hz: 0.98-31 Hz, where ECG power lives. */
export const SPECTRUM_BINS = 32;
const FFT_SIZE = 256;

/**
 * QRS width (ms): around the R sample (pre), the largest absolute slope within ±60 ms; onset and
 * offset are where the slope stays below 15 % of it for 3 consecutive samples (12 ms at 250 Hz),
 * searched up to 120 ms on each side. The same rule for every beat, real or synthetic; it is a
 * relative measure for comparing distributions, not a clinical QRS duration.
 */
export function qrsWidthMs(beat: Float32Array, preSamples: number, sampleRateHz: number): number {
  const slope = new Float32Array(beat.length);
  for (let i = 1; i < beat.length - 1; i++) slope[i] = Math.abs(beat[i + 1] - beat[i - 1]) / 2;
  const near = Math.round(0.06 * sampleRateHz);
  let peak = 0;
  for (let i = Math.max(1, preSamples - near); i <= Math.min(beat.length - 2, preSamples + near); i++) peak = Math.max(peak, slope[i]);
  if (!(peak > 0)) return Number.NaN;
  const limit = 0.15 * peak;
  const reach = Math.round(0.12 * sampleRateHz);
  const edge = (dir: -1 | 1): number => {
    let quiet = 0;
    for (let k = 1; k <= reach; k++) {
      const i = preSamples + dir * k;
      if (i < 1 || i > beat.length - 2) return i;
      quiet = slope[i] < limit ? quiet + 1 : 0;
      if (quiet === 3) return i - dir * 2;
    }
    return preSamples + dir * reach;
  };
  return ((edge(1) - edge(-1)) / sampleRateHz) * 1000;
}

const tables = new Map<number, { cos: Float32Array; sin: Float32Array }>();

function twiddles(n: number): { cos: Float32Array; sin: Float32Array } {
  let t = tables.get(n);
  if (!t) {
    t = { cos: new Float32Array(SPECTRUM_BINS * n), sin: new Float32Array(SPECTRUM_BINS * n) };
    for (let k = 1; k <= SPECTRUM_BINS; k++)
      for (let i = 0; i < n; i++) {
        const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
        const a = (-2 * Math.PI * k * i) / FFT_SIZE;
        t.cos[(k - 1) * n + i] = w * Math.cos(a);
        t.sin[(k - 1) * n + i] = w * Math.sin(a);
      }
    tables.set(n, t);
  }
  return t;
}

/** log10 power of bins 1..SPECTRUM_BINS of the Hann-windowed beat zero-padded to 256 points. */
export function logSpectrum(beat: Float32Array): Float32Array {
  const n = beat.length;
  if (n > FFT_SIZE) throw new RangeError(`a beat of ${n} samples exceeds the ${FFT_SIZE}-point spectrum`);
  const { cos, sin } = twiddles(n);
  const out = new Float32Array(SPECTRUM_BINS);
  for (let k = 0; k < SPECTRUM_BINS; k++) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < n; i++) {
      re += beat[i] * cos[k * n + i];
      im += beat[i] * sin[k * n + i];
    }
    out[k] = Math.log10(re * re + im * im + 1e-8);
  }
  return out;
}

/** Classifier features: the waveform (mV) followed by its log spectrum. */
export function beatFeatures(beats: readonly Float32Array[]): Matrix {
  return matrix(
    beats.map((b) => {
      const f = new Float32Array(b.length + SPECTRUM_BINS);
      f.set(b);
      f.set(logSpectrum(b), b.length);
      return f;
    }),
  );
}
