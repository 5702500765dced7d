// The MDD model's features, the same code for training (scripts/mdd-maps.ts) and for the gateway
// (MddSession, `weargate eval mdd`): 19 (or 8) 10-20 electrodes selected by name, linked-ears as
// recorded, epochs of 4 s with 50 % overlap, artefact rejection, Welch band powers (2 s Hann
// segments, 50 % overlap), log10 power CENTRED per epoch (the mean of log10 power over every
// electrode and band of the epoch is subtracted: a gain g on the recording adds 2*log10(g) to every
// value and is removed exactly, so absolute amplitude cannot reach the model), spherical-spline maps
// [5, 32, 32] through src/streaming/eeg/topomap. The five bands are sub-bands of 4-30 Hz, not the
// streaming pipeline's delta..gamma: below 4 Hz and above 30 Hz the amplifier's own filters differ
// between recording setups, and in the Mumtaz data the setup predicts the label (setup-signature.ts).
import { montageMapper } from '../../streaming/eeg/topomap/topomap.js';
import { Welch } from '../../streaming/eeg/welch.js';

/** A frequency band, half-open [lowHz, highHz). */
export interface Band {
  name: string;
  lowHz: number;
  highHz: number;
}

/**
 * The model's bands: theta, alpha1/alpha2, beta1/beta2 (the usual clinical QEEG sub-bands), all inside
 * 4-30 Hz, where recording setups with different high-pass (~1 Hz) and low-pass (~35 Hz) filters
 * still pass the EEG alike. Delta (1-4 Hz) and gamma (30-45 Hz), the pipeline's other bands
 * (EEG_BANDS, published on <device>/eeg/bands), sit on those filter edges.
 */
export const MDD_BANDS: readonly Band[] = [
  { name: 'theta', lowHz: 4, highHz: 8 },
  { name: 'alpha1', lowHz: 8, highHz: 10 },
  { name: 'alpha2', lowHz: 10, highHz: 13 },
  { name: 'beta1', lowHz: 13, highHz: 20 },
  { name: 'beta2', lowHz: 20, highHz: 30 },
];

/** The streaming pipeline's Welch estimator (scipy.signal.welch conventions), one per segment layout. */
const welchCache = new Map<string, Welch>();
function welchFor(sampleRateHz: number, segmentSamples: number, overlapSamples: number, maxHz: number): Welch {
  const key = `${sampleRateHz}|${segmentSamples}|${overlapSamples}|${maxHz}`;
  let w = welchCache.get(key);
  if (!w) welchCache.set(key, (w = new Welch({ sampleRateHz, segmentSamples, overlapSamples, maxHz })));
  return w;
}

export type RejectReason = 'missing' | 'amplitude' | 'flat' | 'channel-outlier';

export interface MddFeatureParams {
  sampleRateHz: number;
  /** Electrodes (10-10 names) in model order. */
  electrodes: readonly string[];
  bands: readonly Band[];
  epochS: number;
  hopS: number;
  welchSegmentS: number;
  welchOverlapS: number;
  gridPx: number;
  normalisation: 'log10-centred';
  /** Any electrode's peak-to-peak (after removing its epoch mean) above this rejects the epoch. */
  maxPeakToPeakUv: number;
  /** Any electrode's standard deviation below this rejects the epoch (flat / disconnected). */
  minStdUv: number;
  /** Any electrode's standard deviation above this multiple of the epoch's median electrode std rejects it. */
  maxStdRatio: number;
}

export const MDD_19 = ['Fp1', 'Fp2', 'F7', 'F3', 'Fz', 'F4', 'F8', 'T7', 'C3', 'Cz', 'C4', 'T8', 'P7', 'P3', 'Pz', 'P4', 'P8', 'O1', 'O2'] as const;

export const DEFAULT_MDD_FEATURES: MddFeatureParams = {
  sampleRateHz: 256,
  electrodes: MDD_19,
  bands: MDD_BANDS,
  epochS: 4,
  hopS: 2,
  welchSegmentS: 2,
  welchOverlapS: 1,
  gridPx: 32,
  normalisation: 'log10-centred',
  maxPeakToPeakUv: 500,
  minStdUv: 0.1,
  maxStdRatio: 6,
};

export interface EpochFeatures {
  /** Start of the epoch in seconds from the start of the recording. */
  startS: number;
  /** undefined when clean. */
  rejected?: RejectReason;
  /** bandPowers[band][electrode], uV^2 (absolute). */
  bandPowers: Float64Array[];
  /** Mean log10 power of the epoch (the offset removed from the maps), for confound checks. */
  meanLog10Power: number;
}

/** Why an epoch (channels x samples) is rejected, or undefined. Two rules are scale-free, one is not. */
export function rejectEpoch(channels: readonly ArrayLike<number>[], start: number, length: number, p: MddFeatureParams): RejectReason | undefined {
  const stds: number[] = [];
  let amplitude = false;
  for (const x of channels) {
    let mean = 0;
    for (let i = 0; i < length; i++) mean += x[start + i]!;
    // a lost sample (NaN) anywhere: the epoch cannot be measured
    if (!Number.isFinite(mean)) return 'missing';
    mean /= length;
    let ss = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < length; i++) {
      const v = x[start + i]! - mean;
      ss += v * v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    stds.push(Math.sqrt(ss / length));
    if (hi - lo > p.maxPeakToPeakUv) amplitude = true;
  }
  if (stds.some((s) => s < p.minStdUv)) return 'flat';
  if (amplitude) return 'amplitude';
  const sorted = [...stds].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  if (stds.some((s) => s > p.maxStdRatio * median)) return 'channel-outlier';
  return undefined;
}

/** Band powers of one epoch of every electrode. */
export function epochBandPowers(channels: readonly ArrayLike<number>[], start: number, p: MddFeatureParams): Float64Array[] {
  const length = Math.round(p.epochS * p.sampleRateHz);
  const seg = Math.round(p.welchSegmentS * p.sampleRateHz);
  const overlap = Math.round(p.welchOverlapS * p.sampleRateHz);
  const powers = p.bands.map(() => new Float64Array(channels.length));
  const welch = welchFor(p.sampleRateHz, seg, overlap, Math.max(...p.bands.map((b) => b.highHz)));
  const psd = new Float64Array(welch.binCount);
  channels.forEach((x, e) => {
    const view = x instanceof Float32Array || x instanceof Float64Array ? x.subarray(start, start + length) : Array.from({ length }, (_, i) => x[start + i]!);
    welch.psd(view, psd);
    for (let b = 0; b < p.bands.length; b++) powers[b]![e] = welch.bandPower(psd, p.bands[b]!.lowHz, p.bands[b]!.highHz);
  });
  return powers;
}

/** log10 band powers with the epoch's mean removed: values[band][electrode] and the mean. */
export function centredLog10(bandPowers: readonly Float64Array[]): { values: Float64Array[]; meanLog10Power: number } {
  const values = bandPowers.map((band) => band.map((v) => Math.log10(Math.max(v, 1e-12))));
  let sum = 0;
  let count = 0;
  for (const band of values) for (const v of band) (sum += v), count++;
  const mean = count ? sum / count : 0;
  for (const band of values) for (let e = 0; e < band.length; e++) band[e]! -= mean;
  return { values, meanLog10Power: mean };
}

/** The [bands, gridPx, gridPx] map stack (row 0 = front, column 0 = left, 0 outside the head) of one epoch. */
export function epochMaps(bandPowers: readonly Float64Array[], p: MddFeatureParams): Float32Array {
  const mapper = montageMapper(p.electrodes, { widthPx: p.gridPx, heightPx: p.gridPx });
  return mapper.stack(centredLog10(bandPowers).values);
}

/**
 * Every epoch of a recording whose electrodes are already selected (channels[e] = samples of
 * p.electrodes[e], uV, at p.sampleRateHz): start, rejection, band powers. Maps are made from the
 * clean ones with epochMaps.
 */
export function recordingEpochs(channels: readonly ArrayLike<number>[], p: MddFeatureParams = DEFAULT_MDD_FEATURES): EpochFeatures[] {
  if (channels.length !== p.electrodes.length) throw new RangeError(`${channels.length} channels for ${p.electrodes.length} electrodes`);
  const length = Math.round(p.epochS * p.sampleRateHz);
  const hop = Math.round(p.hopS * p.sampleRateHz);
  const samples = Math.min(...channels.map((c) => c.length));
  const out: EpochFeatures[] = [];
  for (let start = 0; start + length <= samples; start += hop) {
    const rejected = rejectEpoch(channels, start, length, p);
    const bandPowers = epochBandPowers(channels, start, p);
    const { meanLog10Power } = centredLog10(bandPowers);
    out.push({ startS: start / p.sampleRateHz, ...(rejected ? { rejected } : {}), bandPowers, meanLog10Power });
  }
  return out;
}

/** Relative band powers (band / sum of the bands) per electrode, flattened electrode-major [e*bands + b]. */
export function relativeBandPowers(bandPowers: readonly Float64Array[]): Float64Array {
  const bands = bandPowers.length;
  const n = bands ? bandPowers[0]!.length : 0;
  const out = new Float64Array(n * bands);
  for (let e = 0; e < n; e++) {
    let total = 0;
    for (let b = 0; b < bands; b++) total += bandPowers[b]![e]!;
    for (let b = 0; b < bands; b++) out[e * bands + b] = total > 0 ? bandPowers[b]![e]! / total : 0;
  }
  return out;
}
