// A labelled folder of EDF recordings -> per-recording epochs and map stacks, through the features
// the gateway runs (features.ts). Used by scripts/mdd-maps.ts (training data) and `weargate eval mdd`.
import { join } from 'node:path';
import { DEFAULT_MDD_FEATURES, epochMaps, recordingEpochs, rejectEpoch, relativeBandPowers, type MddFeatureParams, type RejectReason } from './features.js';
import type { LabelledRecording } from './labels.js';
import { readMddRecording } from './recording.js';
import { setupSignature, type SetupSignature } from './setup-signature.js';
import { BiquadCascade, butterworthBandpass } from '../../streaming/filters/index.js';

export interface RecordingSummary extends LabelledRecording {
  channelLabels: string[];
  durationS: number;
  epochs: number;
  clean: number;
  rejected: Partial<Record<RejectReason, number>>;
  /** Median over clean epochs and electrodes of the per-epoch standard deviation, uV (amplitude confound). */
  medianStdUv: number;
  /** The recording setup's filter edges (setup-signature.ts), over the clean epochs: a confound check. */
  setup: SetupSignature;
}

export interface RecordingMaps {
  summary: RecordingSummary;
  /** Clean epochs only: start (s), maps [bands*grid*grid], relative band powers [electrodes*bands], mean log10 power. */
  startsS: number[];
  maps: Float32Array[];
  relativePowers: Float64Array[];
  meanLog10Powers: number[];
}

export interface DatasetOptions {
  params?: MddFeatureParams;
  /** Amplitude ablation: multiply every sample. */
  scale?: number;
  /** Channel-set ablation: reorder the file's channels (n -> permutation of 0..n-1). */
  permute?: (n: number) => number[];
  /**
   * Setup ablation: every electrode through one Butterworth band-pass (prototype `order`, causal,
   * after removing the channel's median) before anything else, so that recordings made with
   * different amplifier filters look alike outside [lowHz, highHz].
   */
  bandLimit?: { lowHz: number; highHz: number; order: number };
}

/** The setup ablation's filter (DatasetOptions.bandLimit), per channel. */
export function bandLimited(channels: readonly Float32Array[], sampleRateHz: number, limit: NonNullable<DatasetOptions['bandLimit']>): Float32Array[] {
  return channels.map((x) => {
    const sorted = Float32Array.from(x).sort();
    const offset = sorted.length ? sorted[sorted.length >> 1]! : 0;
    const filter = new BiquadCascade(butterworthBandpass(limit.order, limit.lowHz, limit.highHz, sampleRateHz));
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = filter.step(x[i]! - offset);
    return out;
  });
}

function epochStdUv(channels: readonly Float32Array[], start: number, length: number): number[] {
  return channels.map((x) => {
    let m = 0;
    for (let i = 0; i < length; i++) m += x[start + i]!;
    m /= length;
    let ss = 0;
    for (let i = 0; i < length; i++) ss += (x[start + i]! - m) ** 2;
    return Math.sqrt(ss / length);
  });
}

export function recordingMaps(dir: string, rec: LabelledRecording, options: DatasetOptions = {}): RecordingMaps {
  const p = options.params ?? DEFAULT_MDD_FEATURES;
  const r = readMddRecording(join(dir, rec.file), p.electrodes, { ...(options.scale !== undefined ? { scale: options.scale } : {}), ...(options.permute ? { permute: options.permute } : {}) });
  if (r.sampleRateHz !== p.sampleRateHz) throw new Error(`${rec.file}: sampled at ${r.sampleRateHz} Hz, the model needs ${p.sampleRateHz} Hz`);
  const channels = options.bandLimit ? bandLimited(r.channels, r.sampleRateHz, options.bandLimit) : r.channels;
  const epochs = recordingEpochs(channels, p);
  const setup = { lowEdgeLog10: NaN, highEdgeLog10: null };
  const out: RecordingMaps = { summary: { ...rec, channelLabels: r.labels, durationS: r.durationS, epochs: epochs.length, clean: 0, rejected: {}, medianStdUv: 0, setup }, startsS: [], maps: [], relativePowers: [], meanLog10Powers: [] };
  const stds: number[] = [];
  const length = Math.round(p.epochS * p.sampleRateHz);
  for (const e of epochs) {
    if (e.rejected) {
      out.summary.rejected[e.rejected] = (out.summary.rejected[e.rejected] ?? 0) + 1;
      continue;
    }
    out.startsS.push(e.startS);
    out.maps.push(epochMaps(e.bandPowers, p));
    out.relativePowers.push(relativeBandPowers(e.bandPowers));
    out.meanLog10Powers.push(e.meanLog10Power);
    stds.push(...epochStdUv(channels, Math.round(e.startS * p.sampleRateHz), length));
  }
  out.summary.setup = setupSignature(channels, p.sampleRateHz, out.startsS.map((s) => Math.round(s * p.sampleRateHz)), length);
  out.summary.clean = out.maps.length;
  stds.sort((a, b) => a - b);
  out.summary.medianStdUv = stds.length ? stds[Math.floor(stds.length / 2)]! : 0;
  return out;
}

export { rejectEpoch };
