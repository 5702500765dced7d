// The R-peak task's pre- and post-processing around the interpreter: a normalised window of
// `params.windowSamples` real values at `params.sampleRateHz` in, one R-peak probability per sample
// out, whatever the model's I/O precision (int8 I/O is quantized and dequantized here).
import type { ModelManifest } from '../manifest.js';
import type { LoadedModel } from '../runtime/types.js';
import { fromOutputTensor, toInputTensor, type ModelCodec } from '../stage.js';
import { pickRPeaks } from './postprocess.js';

/** The task parameters an R-peak manifest must give (`params`). */
export interface RPeakParams {
  sampleRateHz: number;
  windowSamples: number;
  threshold: number;
  refractorySamples: number;
}

export function rpeakParams(manifest: ModelManifest): RPeakParams {
  const p = manifest.params;
  const num = (key: string, min: number): number => {
    const value = p[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw new Error(`params.${key} must be a number >= ${min} (is ${JSON.stringify(value)})`);
    return value;
  };
  return { sampleRateHz: num('sampleRateHz', 1), windowSamples: num('windowSamples', 8), threshold: num('threshold', 0), refractorySamples: num('refractorySamples', 1) };
}

/** The heart rates a window's peaks may imply and still be plausible, bpm (bradycardia to maximal tachycardia). */
export const PLAUSIBLE_HEART_RATE_BPM = { min: 30, max: 220 } as const;

/**
 * The R-peak quality score of one window: 1 when the peaks the manifest's own post-processing picks
 * (pickRPeaks with params.threshold and params.refractorySamples, as the detector does) imply a
 * plausible heart rate for the window's length, else 0. Plausible: every interval between two
 * neighbouring peaks within 60/max..60/min s (0.27..2 s), and at least floor(window / 2 s) peaks
 * (a 2.5 s window at 250 Hz must hold one). The two edge samples do not count as peaks: there the
 * local-maximum test is one-sided, so a constant output at or above the threshold would "peak" at
 * the last sample. The codec can pick peaks itself, so no "decisive probability mass" fallback is
 * used: a count and spacing of beats is what a working R-peak model gives, and a collapsed one
 * (constant 0, constant 0.5, noise over the threshold everywhere) cannot fake it for long. Single
 * windows can score 0 on a working model (a pause, an artefact): the watch judges means.
 */
export function rpeakQuality(p: ArrayLike<number>, params: Pick<RPeakParams, 'sampleRateHz' | 'threshold' | 'refractorySamples'>): number {
  const peaks = pickRPeaks(p, params).filter((t) => t > 0 && t < p.length - 1);
  const maxIntervalS = 60 / PLAUSIBLE_HEART_RATE_BPM.min;
  const minIntervalS = 60 / PLAUSIBLE_HEART_RATE_BPM.max;
  const windowS = p.length / params.sampleRateHz;
  if (peaks.length < Math.floor(windowS / maxIntervalS)) return 0;
  for (let i = 1; i < peaks.length; i++) {
    const intervalS = (peaks[i] - peaks[i - 1]) / params.sampleRateHz;
    if (intervalS < minIntervalS || intervalS > maxIntervalS) return 0;
  }
  return 1;
}

const elements = (shape: number[]): number => shape.reduce((n, d) => n * Math.max(d, 1), 1);

export const rpeakWindowCodec: ModelCodec<Float32Array, Float32Array> = {
  check(manifest: ModelManifest, model: LoadedModel) {
    if (manifest.task !== 'rpeak') throw new Error(`task '${manifest.task}' is not an R-peak model`);
    const { windowSamples } = rpeakParams(manifest);
    if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error(`an R-peak model has one input and one output (has ${model.inputs.length} and ${model.outputs.length})`);
    const inCount = elements(model.inputs[0].shape);
    const outCount = elements(model.outputs[0].shape);
    if (inCount !== windowSamples || outCount !== windowSamples) {
      throw new Error(`params.windowSamples is ${windowSamples} but the model takes ${inCount} and gives ${outCount} values`);
    }
  },
  preprocess(window, model) {
    if (window.length !== elements(model.inputs[0].shape)) throw new Error(`R-peak window has ${window.length} samples, the model takes ${elements(model.inputs[0].shape)}`);
    return [toInputTensor(window, model.inputs[0])];
  },
  postprocess(outputs, _window, model) {
    return fromOutputTensor(outputs[0], model.outputs[0]);
  },
  invalid(p) {
    // Probabilities: finite and within [0, 1] (a small slack for float rounding).
    for (let i = 0; i < p.length; i++) {
      if (!(p[i] >= -1e-3 && p[i] <= 1 + 1e-3)) return `R-peak probability ${p[i]} at sample ${i} is not in [0, 1]`;
    }
    return undefined;
  },
  quality(p, _window, manifest) {
    return rpeakQuality(p, rpeakParams(manifest));
  },
};
