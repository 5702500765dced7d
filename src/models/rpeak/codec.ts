// The R-peak task's pre- and post-processing around the interpreter: a normalised window of
// `params.windowSamples` real values at `params.sampleRateHz` in, one R-peak probability per sample
// out, whatever the model's I/O precision (int8 I/O is quantized and dequantized here).
import type { ModelManifest } from '../manifest.js';
import type { LoadedModel } from '../runtime/types.js';
import { fromOutputTensor, toInputTensor, type ModelCodec } from '../stage.js';

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
};
