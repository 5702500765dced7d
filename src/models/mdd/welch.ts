// Minimal Welch band power for the MDD features (the conventions of scipy.signal.welch and of
// eeg-bands' welch.ts, so the switch to it changes nothing: mean removed per segment, periodic
// Hann window, one-sided density in uV^2/Hz, mean over segments; band power = sum of the density
// over the bins in [lowHz, highHz) times the bin width). A radix-2 FFT for power-of-two segments,
// else a direct DFT of the band bins only.

export interface Band {
  name: string;
  lowHz: number;
  highHz: number;
}

/** delta theta alpha beta gamma, half-open [lowHz, highHz), as eeg-bands' EEG_BANDS. */
export const MDD_BANDS: readonly Band[] = [
  { name: 'delta', lowHz: 1, highHz: 4 },
  { name: 'theta', lowHz: 4, highHz: 8 },
  { name: 'alpha', lowHz: 8, highHz: 13 },
  { name: 'beta', lowHz: 13, highHz: 30 },
  { name: 'gamma', lowHz: 30, highHz: 45 },
];

interface Plan {
  window: Float64Array;
  bins: number[];
  binBand: number[];
  cos: Float64Array;
  sin: Float64Array;
  scale: number;
  fft?: FftPlan;
  re: Float64Array;
  im: Float64Array;
}

interface FftPlan {
  n: number;
  bitReverse: Uint32Array;
  cos: Float64Array;
  sin: Float64Array;
}

function fftPlan(n: number): FftPlan | undefined {
  if (n < 2 || (n & (n - 1)) !== 0) return undefined;
  const bits = Math.log2(n);
  const bitReverse = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    bitReverse[i] = r;
  }
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let i = 0; i < n / 2; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / n);
    sin[i] = Math.sin((2 * Math.PI * i) / n);
  }
  return { n, bitReverse, cos, sin };
}

/** In-place iterative radix-2 DFT of the real input x into (re, im), X[k] = sum x[i] e^{-2 pi i k i / n}. */
function fftPower(x: Float64Array, f: FftPlan, re: Float64Array, im: Float64Array): void {
  const n = f.n;
  for (let i = 0; i < n; i++) {
    re[f.bitReverse[i]!] = x[i]!;
    im[f.bitReverse[i]!] = 0;
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let j = 0; j < half; j++) {
        const wr = f.cos[j * step]!;
        const wi = -f.sin[j * step]!;
        const a = start + j;
        const b = a + half;
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

const plans = new Map<string, Plan>();

function plan(segmentSamples: number, sampleRateHz: number, bands: readonly Band[]): Plan {
  const key = `${segmentSamples}|${sampleRateHz}|${bands.map((b) => `${b.lowHz}-${b.highHz}`).join(',')}`;
  const hit = plans.get(key);
  if (hit) return hit;
  const n = segmentSamples;
  const window = new Float64Array(n);
  let sumW2 = 0;
  for (let i = 0; i < n; i++) {
    window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
    sumW2 += window[i]! * window[i]!;
  }
  const df = sampleRateHz / n;
  const bins: number[] = [];
  const binBand: number[] = [];
  for (let k = 1; k < n / 2; k++) {
    const f = k * df;
    const b = bands.findIndex((band) => f >= band.lowHz && f < band.highHz);
    if (b >= 0) {
      bins.push(k);
      binBand.push(b);
    }
  }
  const fft = fftPlan(n);
  const cos = new Float64Array(fft ? 0 : bins.length * n);
  const sin = new Float64Array(fft ? 0 : bins.length * n);
  if (!fft) bins.forEach((k, j) => {
    for (let i = 0; i < n; i++) {
      cos[j * n + i] = Math.cos((2 * Math.PI * k * i) / n);
      sin[j * n + i] = Math.sin((2 * Math.PI * k * i) / n);
    }
  });
  // one-sided density (x2, no DC/Nyquist bins are used), times the bin width for power
  const p: Plan = { window, bins, binBand, cos, sin, scale: (2 / (sampleRateHz * sumW2)) * df, ...(fft ? { fft } : {}), re: new Float64Array(n), im: new Float64Array(n) };
  plans.set(key, p);
  return p;
}

/**
 * Band powers (uV^2) of one channel's samples `x` by Welch: segments of `segmentSamples`, hop
 * `segmentSamples - overlapSamples`. `out[b]` receives band b.
 */
export function welchBandPowers(
  x: ArrayLike<number>,
  sampleRateHz: number,
  segmentSamples: number,
  overlapSamples: number,
  bands: readonly Band[] = MDD_BANDS,
  out: Float64Array = new Float64Array(bands.length),
): Float64Array {
  const p = plan(segmentSamples, sampleRateHz, bands);
  const n = segmentSamples;
  const hop = n - overlapSamples;
  out.fill(0);
  const seg = new Float64Array(n);
  let segments = 0;
  for (let start = 0; start + n <= x.length; start += hop) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[start + i]!;
    mean /= n;
    for (let i = 0; i < n; i++) seg[i] = (x[start + i]! - mean) * p.window[i]!;
    if (p.fft) {
      fftPower(seg, p.fft, p.re, p.im);
      for (let j = 0; j < p.bins.length; j++) {
        const k = p.bins[j]!;
        out[p.binBand[j]!]! += (p.re[k]! * p.re[k]! + p.im[k]! * p.im[k]!) * p.scale;
      }
      segments++;
      continue;
    }
    for (let j = 0; j < p.bins.length; j++) {
      let re = 0;
      let im = 0;
      const row = j * n;
      for (let i = 0; i < n; i++) {
        re += seg[i]! * p.cos[row + i]!;
        im -= seg[i]! * p.sin[row + i]!;
      }
      out[p.binBand[j]!]! += (re * re + im * im) * p.scale;
    }
    segments++;
  }
  if (segments === 0) throw new RangeError(`${x.length} samples are fewer than one Welch segment of ${n}`);
  for (let b = 0; b < out.length; b++) out[b]! /= segments;
  return out;
}
