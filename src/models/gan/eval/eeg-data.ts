// Real epochs for `weargate eval synth eeg-maps`, made by the gateway's own MDD feature code
// (src/models/mdd/features.ts) from the EDF recordings: per clean epoch, the generator's 95 values
// (log10 band power centred per epoch, band-major, the space the GAN was trained in) and the
// relative band powers (electrode-major, the MDD baseline's input). Plus the subject-wise folds and
// the cross-fitting loop: each fold's model sees only its training persons and scores only the
// persons the fold holds out.
import { join } from 'node:path';
import { centredLog10, DEFAULT_MDD_FEATURES, recordingEpochs, relativeBandPowers, type MddFeatureParams } from '../../mdd/features.js';
import type { LabelledRecording, MddCondition } from '../../mdd/labels.js';
import { readMddRecording } from '../../mdd/recording.js';

export interface EegEpochSet {
  /** Band-major centred log10 band powers, [bands * electrodes] per epoch. */
  values: Float32Array[];
  /** Electrode-major relative band powers, [electrodes * bands] per epoch. */
  relativePowers: Float64Array[];
  subject: string[];
  /** 1 = MDD, 0 = healthy. */
  label: number[];
  condition: MddCondition[];
  /** The recording each epoch came from (index into `recordings`). */
  recording: number[];
  recordings: LabelledRecording[];
}

/**
 * The MDD feature parameters that made a generator's training values: the default features (bands, epochs,
 * rejection) on the generator's own montage (its manifest's electrodes, e.g. the 8 Cyton electrodes of
 * models/gan-eeg-maps-cyton8), so that real epochs are measured in the space the generator draws from.
 */
export function featuresForGenerator(g: { electrodes: readonly string[]; bands: readonly string[]; gridPx: number }, base: MddFeatureParams = DEFAULT_MDD_FEATURES): MddFeatureParams {
  const names = base.bands.map((b) => b.name);
  if (g.bands.join(',') !== names.join(',') || g.gridPx !== base.gridPx) {
    throw new Error(`the generator's bands ${g.bands.join(', ')} on a ${g.gridPx}-pixel grid are not the MDD features' (${names.join(', ')}, ${base.gridPx} pixels)`);
  }
  return { ...base, electrodes: [...g.electrodes] };
}

/** Band-major flat values [b * electrodes + e] of one epoch's centred log10 band powers. */
export function bandMajorValues(bandPowers: readonly Float64Array[]): Float32Array {
  const { values } = centredLog10(bandPowers);
  const n = values[0]?.length ?? 0;
  const out = new Float32Array(values.length * n);
  values.forEach((band, b) => out.set(band, b * n));
  return out;
}

export function loadEegEpochs(dataDir: string, labels: readonly LabelledRecording[], params: MddFeatureParams = DEFAULT_MDD_FEATURES, log?: (line: string) => void): EegEpochSet {
  const out: EegEpochSet = { values: [], relativePowers: [], subject: [], label: [], condition: [], recording: [], recordings: [...labels] };
  labels.forEach((rec, r) => {
    if (!rec.condition) throw new Error(`${rec.file}: the labels file gives no condition (EC/EO); the generator is conditioned on it`);
    const rd = readMddRecording(join(dataDir, rec.file), params.electrodes);
    if (rd.sampleRateHz !== params.sampleRateHz) throw new Error(`${rec.file}: sampled at ${rd.sampleRateHz} Hz, the features need ${params.sampleRateHz} Hz`);
    for (const e of recordingEpochs(rd.channels, params)) {
      if (e.rejected) continue;
      out.values.push(bandMajorValues(e.bandPowers));
      out.relativePowers.push(relativeBandPowers(e.bandPowers));
      out.subject.push(rec.subject);
      out.label.push(rec.label === 'MDD' ? 1 : 0);
      out.condition.push(rec.condition);
      out.recording.push(r);
    }
    if (log && ((r + 1) % 10 === 0 || r + 1 === labels.length)) log(`features ${r + 1}/${labels.length} recordings, ${out.values.length} clean epochs`);
  });
  return out;
}

/** Epoch indices of a fold: `test` = epochs of the held-out persons, `train` = every other epoch. */
export function foldIndices(data: Pick<EegEpochSet, 'subject'>, heldOut: readonly string[]): { train: number[]; test: number[] } {
  const held = new Set(heldOut);
  const train: number[] = [];
  const test: number[] = [];
  data.subject.forEach((s, i) => (held.has(s) ? test : train).push(i));
  return { train, test };
}

/** Checks the folds against the data: disjoint, and every person of the data held out exactly once. */
export function checkFolds(data: Pick<EegEpochSet, 'subject'>, folds: readonly (readonly string[])[]): void {
  const seen = new Map<string, number>();
  folds.forEach((f, k) => f.forEach((s) => {
    if (seen.has(s)) throw new Error(`person ${s} is held out by folds ${seen.get(s)} and ${k}`);
    seen.set(s, k);
  }));
  const missing = [...new Set(data.subject)].filter((s) => !seen.has(s));
  if (missing.length) throw new Error(`persons in no fold: ${missing.join(', ')} (the folds are the MDD CV folds; evaluate only their persons)`);
}

/**
 * Cross-fitted per-epoch scores: for fold k, `fit(train, k)` sees the fold's training epochs only and
 * returns a scorer, which is applied to the fold's held-out epochs. Epochs of persons no fold holds
 * out stay NaN.
 */
export function crossFit(data: Pick<EegEpochSet, 'subject'>, folds: readonly (readonly string[])[], fit: (train: number[], fold: number) => (test: number[]) => number[]): Float64Array {
  const p = new Float64Array(data.subject.length).fill(Number.NaN);
  folds.forEach((held, k) => {
    const { train, test } = foldIndices(data, held);
    if (test.length === 0) return;
    const scores = fit(train, k)(test);
    if (scores.length !== test.length) throw new Error(`fold ${k}: ${scores.length} scores for ${test.length} epochs`);
    test.forEach((i, j) => (p[i] = scores[j]!));
  });
  return p;
}
