// Artefact rejection of one conditioned epoch, by reason: amplitude (peak-to-peak over a threshold
// on any channel), flat (an input channel with almost no variance: railed, shorted or dead), blink / EOG
// (a large slow deflection on the frontal electrodes, much larger there than elsewhere), muscle (a
// channel whose 20-45 Hz power is a large share of its 1-45 Hz power), missing (samples lost on the
// link). An epoch may have several reasons; each is counted.

export type ArtefactReason = 'amplitude' | 'flat' | 'blink' | 'muscle' | 'missing';
export const ARTEFACT_REASONS: readonly ArtefactReason[] = ['amplitude', 'flat', 'blink', 'muscle', 'missing'];

export interface ArtefactThresholds {
  /** Peak-to-peak above this on any channel, µV. */
  amplitudeUv: number;
  /** Standard deviation below this on any channel, µV. */
  flatUv: number;
  /** Frontal slow (< ~5 Hz) deflection above this, µV (peak distance from the epoch mean). */
  blinkUv: number;
  /** ... and at least this many times the same measure's baseline over the non-frontal electrodes. */
  blinkFrontalRatio: number;
  /** (20-45 Hz power) / (1-45 Hz power) above this on any channel. */
  muscleRatio: number;
}

export const DEFAULT_ARTEFACT_THRESHOLDS: ArtefactThresholds = {
  amplitudeUv: 150,
  flatUv: 0.5,
  blinkUv: 50,
  blinkFrontalRatio: 2,
  muscleRatio: 0.35,
};

/** Electrodes where blinks show first, most frontal first (Fp1/Fp2 on caps, AF7/AF8 on a Muse). */
export const FRONTAL_ELECTRODES: readonly string[] = ['Fp1', 'Fp2', 'Fpz', 'AF7', 'AF8', 'AF3', 'AF4', 'AFz'];
/** Window of the moving average that keeps the slow part of a blink, s. */
export const BLINK_SMOOTHING_S = 0.1;

export interface EpochVerdict {
  reasons: ArtefactReason[];
  /** Channel names (montage order) that tripped each reason. */
  channels: Partial<Record<ArtefactReason, string[]>>;
}

export interface EpochInput {
  /** Conditioned (referenced, filtered) µV per channel. */
  values: readonly Float64Array[];
  /** The same samples before reference and filters. */
  raw: readonly Float64Array[];
  names: readonly string[];
  sampleRateHz: number;
  missingSamples: number;
  /** Per channel, (20-45 Hz) / (1-45 Hz) power from the epoch's PSD. */
  highFrequencyRatio: readonly number[];
}

/** The slow part of `x`: largest distance of its centred moving average (`width` samples) from the epoch mean. */
function slowDeflectionUv(x: Float64Array, width: number): number {
  const n = x.length;
  let baseline = 0;
  for (let i = 0; i < n; i++) baseline += x[i];
  baseline /= n;
  const half = width >> 1;
  let sum = 0;
  let count = 0;
  let peak = 0;
  // Running sum over [i - half, i + half], clipped at the ends.
  for (let j = 0; j < Math.min(n, half + 1); j++) {
    sum += x[j];
    count++;
  }
  for (let i = 0; i < n; i++) {
    const mean = sum / count;
    peak = Math.max(peak, Math.abs(mean - baseline));
    const add = i + half + 1;
    const drop = i - half;
    if (add < n) {
      sum += x[add];
      count++;
    }
    if (drop >= 0) {
      sum -= x[drop];
      count--;
    }
  }
  return peak;
}

function standardDeviation(x: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length;
  let sumSq = 0;
  for (let i = 0; i < x.length; i++) sumSq += (x[i] - mean) ** 2;
  return Math.sqrt(sumSq / x.length);
}

export function assessEpoch(input: EpochInput, t: ArtefactThresholds): EpochVerdict {
  const channels: Partial<Record<ArtefactReason, string[]>> = {};
  const flag = (reason: ArtefactReason, name: string) => (channels[reason] ??= []).push(name);
  const { values, names } = input;
  for (let c = 0; c < values.length; c++) {
    const x = values[c];
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (max - min > t.amplitudeUv) flag('amplitude', names[c]);
    // Flatness on the input: a reference would spread the other channels into a dead one.
    if (standardDeviation(input.raw[c]) < t.flatUv) flag('flat', names[c]);
    else if (input.highFrequencyRatio[c] > t.muscleRatio) flag('muscle', names[c]);
  }
  const frontal = names.map((n, c) => (FRONTAL_ELECTRODES.includes(n) ? c : -1)).filter((c) => c >= 0);
  if (frontal.length > 0) {
    const width = Math.max(1, Math.round(BLINK_SMOOTHING_S * input.sampleRateHz));
    const others = names.map((_, c) => c).filter((c) => !frontal.includes(c));
    const otherSlow = others.map((c) => slowDeflectionUv(values[c], width)).sort((a, b) => a - b);
    const reference = otherSlow.length > 0 ? otherSlow[otherSlow.length >> 1] : 0;
    for (const c of frontal) {
      const slow = slowDeflectionUv(values[c], width);
      if (slow > t.blinkUv && slow > t.blinkFrontalRatio * reference) flag('blink', names[c]);
    }
  }
  if (input.missingSamples > 0) channels.missing = [];
  const reasons = ARTEFACT_REASONS.filter((r) => channels[r] !== undefined);
  return { reasons, channels };
}
