// Butterworth filter design: analog prototype poles, pre-warped band edges, bilinear transform,
// returned as second-order sections for BiquadCascade. Works for any sample rate (edges < Nyquist).
import type { SecondOrderSection } from './biquad.js';
import { cascadeGain } from './biquad.js';

interface Complex {
  re: number;
  im: number;
}

function checkEdge(frequencyHz: number, sampleRateHz: number): void {
  if (!(frequencyHz > 0 && frequencyHz < sampleRateHz / 2)) {
    throw new RangeError(`band edge ${frequencyHz} Hz must lie in (0, ${sampleRateHz / 2}) Hz at ${sampleRateHz} Hz`);
  }
}

function checkOrder(order: number): void {
  if (!Number.isInteger(order) || order < 1 || order > 16) throw new RangeError(`Butterworth order ${order} must be an integer 1..16`);
}

/** Normalised analog low-pass prototype poles in the upper half plane plus the real pole for odd orders. */
function prototypeUpperPoles(order: number): Complex[] {
  const poles: Complex[] = [];
  for (let k = 0; k < Math.floor(order / 2); k++) {
    const theta = (Math.PI * (2 * k + 1 + order)) / (2 * order);
    poles.push({ re: Math.cos(theta), im: Math.sin(theta) });
  }
  if (order % 2 === 1) poles.push({ re: -1, im: 0 });
  return poles;
}

/** Low-pass Butterworth of `order`, -3 dB at `cutoffHz`. */
export function butterworthLowpass(order: number, cutoffHz: number, sampleRateHz: number): SecondOrderSection[] {
  return lowOrHigh(order, cutoffHz, sampleRateHz, false);
}

/** High-pass Butterworth of `order`, -3 dB at `cutoffHz`. */
export function butterworthHighpass(order: number, cutoffHz: number, sampleRateHz: number): SecondOrderSection[] {
  return lowOrHigh(order, cutoffHz, sampleRateHz, true);
}

function lowOrHigh(order: number, cutoffHz: number, sampleRateHz: number, highpass: boolean): SecondOrderSection[] {
  checkOrder(order);
  checkEdge(cutoffHz, sampleRateHz);
  // Pre-warp: with s = (1/K)(1 - z^-1)/(1 + z^-1) the analog cutoff 1 rad/s lands exactly on cutoffHz.
  const k = Math.tan((Math.PI * cutoffHz) / sampleRateHz);
  const sections: SecondOrderSection[] = [];
  for (const p of prototypeUpperPoles(order)) {
    if (p.im === 0) {
      const norm = 1 + k;
      sections.push(
        highpass
          ? { b0: 1 / norm, b1: -1 / norm, b2: 0, a1: (k - 1) / norm, a2: 0 }
          : { b0: k / norm, b1: k / norm, b2: 0, a1: (k - 1) / norm, a2: 0 },
      );
    } else {
      const a = -2 * p.re; // analog section s^2 + a s + 1
      const norm = 1 + a * k + k * k;
      const a1 = (2 * (k * k - 1)) / norm;
      const a2 = (1 - a * k + k * k) / norm;
      sections.push(
        highpass
          ? { b0: 1 / norm, b1: -2 / norm, b2: 1 / norm, a1, a2 }
          : { b0: (k * k) / norm, b1: (2 * k * k) / norm, b2: (k * k) / norm, a1, a2 },
      );
    }
  }
  return sections;
}

/**
 * Band-pass Butterworth: low-pass prototype of `order` transformed to a band (s -> (s^2 + w0^2)/(B s)),
 * so the result has 2*order poles (order sections), -3 dB at both pre-warped edges.
 */
export function butterworthBandpass(order: number, lowHz: number, highHz: number, sampleRateHz: number): SecondOrderSection[] {
  checkOrder(order);
  checkEdge(lowHz, sampleRateHz);
  checkEdge(highHz, sampleRateHz);
  if (!(lowHz < highHz)) throw new RangeError(`band-pass needs lowHz < highHz (got ${lowHz}, ${highHz})`);
  const twoFs = 2 * sampleRateHz;
  const w1 = twoFs * Math.tan((Math.PI * lowHz) / sampleRateHz);
  const w2 = twoFs * Math.tan((Math.PI * highHz) / sampleRateHz);
  const w0sq = w1 * w2;
  const bw = w2 - w1;
  // Analog band-pass poles: roots of s^2 - p*B*s + w0^2 for each prototype pole p.
  const complexPoles: Complex[] = [];
  const realPoles: number[] = [];
  for (const p of prototypeUpperPoles(order)) {
    const pb: Complex = { re: p.re * bw, im: p.im * bw };
    // disc = (pB)^2 - 4 w0^2
    const dr = pb.re * pb.re - pb.im * pb.im - 4 * w0sq;
    const di = 2 * pb.re * pb.im;
    const mag = Math.hypot(dr, di);
    let sr = Math.sqrt((mag + dr) / 2);
    const si = Math.sign(di || 1) * Math.sqrt(Math.max(0, (mag - dr) / 2));
    if (p.im === 0) {
      // The real prototype pole gives either two real poles or one conjugate pair.
      if (dr >= 0) {
        sr = Math.sqrt(dr);
        realPoles.push((pb.re + sr) / 2, (pb.re - sr) / 2);
      } else {
        complexPoles.push({ re: pb.re / 2, im: Math.sqrt(-dr) / 2 });
      }
      continue;
    }
    for (const sign of [1, -1]) {
      const s: Complex = { re: (pb.re + sign * sr) / 2, im: (pb.im + sign * si) / 2 };
      // Keep one of each conjugate pair (the other comes from the conjugate prototype pole).
      complexPoles.push(s.im >= 0 ? s : { re: s.re, im: -s.im });
    }
  }
  const sections: SecondOrderSection[] = [];
  const bilinear = (s: Complex): Complex => {
    // z = (2fs + s) / (2fs - s)
    const nr = twoFs + s.re;
    const ni = s.im;
    const dr = twoFs - s.re;
    const di = -s.im;
    const den = dr * dr + di * di;
    return { re: (nr * dr + ni * di) / den, im: (ni * dr - nr * di) / den };
  };
  // Zeros: one at z = +1 (s = 0) and one at z = -1 (s = infinity) per section.
  for (const s of complexPoles) {
    const z = bilinear(s);
    sections.push({ b0: 1, b1: 0, b2: -1, a1: -2 * z.re, a2: z.re * z.re + z.im * z.im });
  }
  for (let i = 0; i < realPoles.length; i += 2) {
    const za = bilinear({ re: realPoles[i], im: 0 }).re;
    const zb = bilinear({ re: realPoles[i + 1], im: 0 }).re;
    sections.push({ b0: 1, b1: 0, b2: -1, a1: -(za + zb), a2: za * zb });
  }
  // Unit gain at the (digital) geometric centre, spread evenly over the sections.
  const centreHz = (sampleRateHz / Math.PI) * Math.atan(Math.sqrt(w0sq) / twoFs);
  for (const sec of sections) {
    const g = cascadeGain([sec], centreHz, sampleRateHz);
    sec.b0 /= g;
    sec.b1 /= g;
    sec.b2 /= g;
  }
  return sections;
}

/** Second-order IIR notch (RBJ cookbook form) at `notchHz` with quality factor `q` (bandwidth = notchHz / q). */
export function notch(notchHz: number, sampleRateHz: number, q = 30): SecondOrderSection[] {
  checkEdge(notchHz, sampleRateHz);
  const w0 = (2 * Math.PI * notchHz) / sampleRateHz;
  const alpha = Math.sin(w0) / (2 * q);
  const norm = 1 + alpha;
  const c = -2 * Math.cos(w0);
  return [{ b0: 1 / norm, b1: c / norm, b2: 1 / norm, a1: c / norm, a2: (1 - alpha) / norm }];
}
