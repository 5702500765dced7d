// WFDB signal file encoding for formats 16 and 212 (WFDB "signal(5)",
// https://physionet.org/physiotools/wag/signal-5.htm): the inverse of wfdb-signals.ts.
// Samples of all signals are interleaved frame by frame into one flat stream, then packed.

/** Storage formats this writer produces. */
export type WfdbWriteFormat = 16 | 212;

/**
 * Writable ADU range per format. The most negative value of each format (-32768, -2048) is WFDB's
 * "invalid sample" marker (our reader turns it into NaN), so a real sample is clipped above it.
 */
export const WFDB_ADU_RANGE: Record<WfdbWriteFormat, { min: number; max: number }> = {
  16: { min: -32767, max: 32767 },
  212: { min: -2047, max: 2047 },
};

/** ADC resolution written in the header: the format's full width. */
export const WFDB_ADC_RESOLUTION_BITS: Record<WfdbWriteFormat, number> = { 16: 16, 212: 12 };

export interface QuantizedSignal {
  /** Samples in ADU, clipped to the format's range. */
  adu: Int16Array;
  /** How many samples were outside the range and clipped. */
  clippedSamples: number;
}

/** physical * gain + baseline, rounded half away from zero and clipped to the format's ADU range. */
export function quantizeSignal(physical: Float32Array, gainAduPerUnit: number, baselineAdu: number, format: WfdbWriteFormat): QuantizedSignal {
  const { min, max } = WFDB_ADU_RANGE[format];
  const adu = new Int16Array(physical.length);
  let clippedSamples = 0;
  for (let i = 0; i < physical.length; i++) {
    const exact = physical[i] * gainAduPerUnit + baselineAdu;
    let value = Math.sign(exact) * Math.round(Math.abs(exact));
    if (value < min) {
      value = min;
      clippedSamples++;
    } else if (value > max) {
      value = max;
      clippedSamples++;
    }
    adu[i] = value;
  }
  return { adu, clippedSamples };
}

/** The header checksum: the sum of all samples modulo 2^16, as a signed 16-bit number (header(5)). */
export function wfdbChecksum(adu: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < adu.length; i++) sum = (sum + adu[i]) & 0xffff;
  return sum >= 0x8000 ? sum - 0x10000 : sum;
}

/** Frame-major interleaving: s0[0], s1[0], ..., s0[1], s1[1], ... (all signals equally long). */
export function interleave(signals: readonly Int16Array[]): Int16Array {
  const frames = signals.length === 0 ? 0 : signals[0].length;
  const flat = new Int16Array(frames * signals.length);
  for (let s = 0; s < signals.length; s++) {
    const src = signals[s];
    for (let f = 0; f < frames; f++) flat[f * signals.length + s] = src[f];
  }
  return flat;
}

/** Format 16: each sample a little-endian two's complement 16-bit word. */
export function pack16(flat: Int16Array): Uint8Array {
  const out = new Uint8Array(flat.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < flat.length; i++) view.setInt16(i * 2, flat[i], true);
  return out;
}

/**
 * Format 212: each pair of 12-bit two's complement samples in three bytes. Byte 0 is the low 8 bits
 * of the first sample, byte 1 holds its high 4 bits (low nibble) and the second sample's high 4 bits
 * (high nibble), byte 2 the second sample's low 8 bits. An odd last sample takes two bytes (the
 * length our reader and WFDB accept).
 */
export function pack212(flat: Int16Array): Uint8Array {
  const pairs = flat.length >> 1;
  const odd = flat.length & 1;
  const out = new Uint8Array(pairs * 3 + odd * 2);
  for (let p = 0; p < pairs; p++) {
    const a = flat[2 * p] & 0xfff;
    const b = flat[2 * p + 1] & 0xfff;
    out[3 * p] = a & 0xff;
    out[3 * p + 1] = (a >> 8) | ((b >> 8) << 4);
    out[3 * p + 2] = b & 0xff;
  }
  if (odd) {
    const a = flat[flat.length - 1] & 0xfff;
    out[3 * pairs] = a & 0xff;
    out[3 * pairs + 1] = a >> 8;
  }
  return out;
}

export function packSamples(format: WfdbWriteFormat, flat: Int16Array): Uint8Array {
  return format === 16 ? pack16(flat) : pack212(flat);
}
