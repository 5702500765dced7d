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
