// A seeded synthetic 19-channel resting EEG: per channel sines at 3, 6, 10 (alpha, larger on the
// right frontal side), 20 and 35 Hz plus white noise, in µV; helpers to push it as blocks.
import type { SampleBlock } from '../../../src/streaming/types.js';

export const CAP = ['Fp1', 'Fp2', 'F7', 'F3', 'Fz', 'F4', 'F8', 'T3', 'C3', 'Cz', 'C4', 'T4', 'T5', 'P3', 'Pz', 'P4', 'T6', 'O1', 'O2'];

export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Alpha amplitude of a channel, µV: F4 twice F3, so FAA(F4-F3) = ln 4. */
export function alphaUv(name: string): number {
  return name === 'F4' ? 20 : name === 'F3' ? 10 : 15;
}

export function synthetic(seconds: number, sampleRateHz: number, labels: string[] = CAP, seed = 1): Float32Array[] {
  const n = Math.round(seconds * sampleRateHz);
  const rand = lcg(seed);
  return labels.map((label, c) => {
    const x = new Float32Array(n);
    const phase = c * 0.7;
    for (let i = 0; i < n; i++) {
      const t = i / sampleRateHz;
      x[i] =
        8 * Math.sin(2 * Math.PI * 3 * t + phase) +
        5 * Math.sin(2 * Math.PI * 6 * t + 2 * phase) +
        alphaUv(label) * Math.sin(2 * Math.PI * 10 * t + phase) +
        3 * Math.sin(2 * Math.PI * 20 * t + 3 * phase) +
        1 * Math.sin(2 * Math.PI * 35 * t) +
        2 * (rand() - 0.5) +
        40; // a DC offset, as electrodes have
    }
    return x;
  });
}

export function block(values: Float32Array[], labels: string[], sampleRateHz: number, from: number, to: number, firstSampleIndex = from): SampleBlock {
  return {
    deviceId: 'eeg-test',
    stream: 'eeg',
    sampleRateHz,
    channels: labels,
    t0Us: (firstSampleIndex / sampleRateHz) * 1e6,
    firstSampleIndex,
    values: values.map((v) => v.subarray(from, to)),
  };
}
