// Calibrated noise mixing for QRS detector stress tests, the way the MIT-BIH Noise Stress Test
// Database was made (Moody GB, Muldrow WE, Mark RG. A noise stress test for arrhythmia detectors.
// Computers in Cardiology 11:381-384, 1984; PhysioNet WFDB tools `nst` and `sigamp`):
//  - signal amplitude A_s: peak-to-peak amplitude of the clean ECG in a window from 50 ms before to
//    50 ms after each normal QRS annotation, over the first 300 normal beats, as a trimmed mean
//    (the smallest and largest 5 % of the measurements dropped);
//  - noise amplitude A_n: RMS about the window mean in consecutive 1 s windows of the noise record,
//    over the first 300 windows, as the same trimmed mean;
//  - S = A_s^2 / 8 (the power of a sine of that peak-to-peak amplitude), N = (g A_n)^2, and the noise
//    gain g is chosen so that SNR = 10 log10(S / N), i.e. g = 10^(-SNR/20) * sqrt(2)/4 * A_s / A_n.
// Unlike the NSTDB records (noise only in alternate 2-minute segments after minute 5), noise is added
// to the whole record here, starting at a seeded offset in the noise record and wrapping around
// with a level shift that keeps the noise continuous (as `nst` does when its noise record ends).
import { mulberry32 } from '../../common/random.js';
import { FormatError } from '../../common/errors.js';

/** Symbols that WFDB's map1() maps to NORMAL, the beats `sigamp -a` measures. */
const NORMAL_BEAT_SYMBOLS: ReadonlySet<string> = new Set(['N', 'L', 'R', 'B', 'e', 'j']);
/** `sigamp` defaults: at most 300 measurements, 5 % trimmed from each end, +-50 ms QRS window, 1 s RMS window. */
const MAX_MEASUREMENTS = 300;
const QRS_HALF_WINDOW_SECONDS = 0.05;
const RMS_WINDOW_SECONDS = 1;

/** Trimmed mean as `sigamp` computes it: sort, drop floor(n/20) values at each end, average the rest. */
export function trimmedMean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const low = Math.floor(sorted.length / 20);
  const kept = sorted.slice(low, sorted.length - low);
  return kept.reduce((s, v) => s + v, 0) / kept.length;
}

/** Trimmed-mean QRS peak-to-peak amplitude (units of `ecg`) around normal beats; NaN without any. */
export function qrsPeakToPeakAmplitude(
  ecg: Float32Array,
  sampleRateHz: number,
  beats: readonly { sampleIndex: number; symbol: string }[],
): number {
  const half = Math.round(QRS_HALF_WINDOW_SECONDS * sampleRateHz);
  const amplitudes: number[] = [];
  for (const beat of beats) {
    if (amplitudes.length >= MAX_MEASUREMENTS) break;
    if (!NORMAL_BEAT_SYMBOLS.has(beat.symbol)) continue;
    const start = beat.sampleIndex - half;
    const end = beat.sampleIndex + half;
    if (start < 0 || end >= ecg.length) continue;
    let min = Infinity;
    let max = -Infinity;
    for (let i = start; i <= end; i++) {
      const v = ecg[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (Number.isFinite(max - min)) amplitudes.push(max - min);
  }
  return trimmedMean(amplitudes);
}

/** Trimmed-mean RMS amplitude (about each window's mean) of consecutive 1 s windows. */
export function noiseRmsAmplitude(noise: Float32Array, sampleRateHz: number): number {
  const window = Math.max(1, Math.round(RMS_WINDOW_SECONDS * sampleRateHz));
  const amplitudes: number[] = [];
  for (let start = 0; start + window <= noise.length && amplitudes.length < MAX_MEASUREMENTS; start += window) {
    let sum = 0;
    for (let i = start; i < start + window; i++) sum += noise[i];
    const mean = sum / window;
    let squares = 0;
    for (let i = start; i < start + window; i++) squares += (noise[i] - mean) ** 2;
    const rms = Math.sqrt(squares / window);
    if (Number.isFinite(rms)) amplitudes.push(rms);
  }
  return trimmedMean(amplitudes);
}

/** Noise gain giving `snrDb` for a QRS peak-to-peak amplitude and a noise RMS amplitude (same units). */
export function noiseGainForSnr(snrDb: number, signalPeakToPeak: number, noiseRms: number): number {
  return ((10 ** (-snrDb / 20) * Math.SQRT2) / 4) * (signalPeakToPeak / noiseRms);
}

/** Linear-interpolation resampling (noise records are band-limited well below either Nyquist rate here). */
export function resampleLinear(x: Float32Array, fromHz: number, toHz: number): Float32Array {
  if (fromHz === toHz) return x;
  const length = Math.floor(((x.length - 1) * toHz) / fromHz) + 1;
  const out = new Float32Array(Math.max(0, length));
  for (let n = 0; n < out.length; n++) {
    const position = (n * fromHz) / toHz;
    const i = Math.floor(position);
    const frac = position - i;
    out[n] = i + 1 < x.length ? x[i] + frac * (x[i + 1] - x[i]) : x[i];
  }
  return out;
}

export interface MixNoiseInput {
  /** Clean ECG, physical units. */
  ecg: Float32Array;
  sampleRateHz: number;
  /** Reference annotations of the clean ECG (normal beats set the signal amplitude). */
  annotations: readonly { sampleIndex: number; symbol: string }[];
  /** Noise signal in the same physical units as the ECG. */
  noise: Float32Array;
  noiseSampleRateHz: number;
  snrDb: number;
  /** Seed for the starting offset in the noise record. */
  seed: number;
}

export interface MixNoiseResult {
  noisy: Float32Array;
  gain: number;
  offsetSamples: number;
  signalPeakToPeak: number;
  noiseRms: number;
}

/** Adds calibrated noise to a whole ECG record (see the method at the top of this file). */
export function mixNoise(input: MixNoiseInput): MixNoiseResult {
  const noise = resampleLinear(input.noise, input.noiseSampleRateHz, input.sampleRateHz);
  if (noise.length < 2) throw new FormatError('noise', `noise record has ${noise.length} samples`);
  const signalPeakToPeak = qrsPeakToPeakAmplitude(input.ecg, input.sampleRateHz, input.annotations);
  if (!(signalPeakToPeak > 0)) throw new FormatError('noise', 'no normal beats to measure the QRS amplitude');
  const noiseRms = noiseRmsAmplitude(noise, input.sampleRateHz);
  if (!(noiseRms > 0)) throw new FormatError('noise', 'noise record has zero amplitude');
  const gain = noiseGainForSnr(input.snrDb, signalPeakToPeak, noiseRms);
  const offsetSamples = Math.floor(mulberry32(input.seed)() * noise.length);

  const noisy = new Float32Array(input.ecg.length);
  let k = offsetSamples;
  let level = 0; // shift applied after each wrap so the noise stays continuous
  let previous = noise[k];
  for (let i = 0; i < noisy.length; i++) {
    if (k === noise.length) {
      k = 0;
      level += previous - noise[0];
    }
    const n = noise[k] + level;
    previous = noise[k];
    noisy[i] = input.ecg[i] + gain * n;
    k++;
  }
  return { noisy, gain, offsetSamples, signalPeakToPeak, noiseRms };
}
