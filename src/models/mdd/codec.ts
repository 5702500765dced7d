// The MDD task's codec: a [bands, H, W] map stack (features.ts) in, P(MDD) out. The model takes
// NHWC [1, H, W, bands]; params in the manifest describe the features the weights were trained on
// and are checked against the model's tensors at load.
import type { ModelManifest } from '../manifest.js';
import type { LoadedModel } from '../runtime/types.js';
import { fromOutputTensor, toInputTensor, type ModelCodec } from '../stage.js';
import { DEFAULT_MDD_FEATURES, type Band, type MddFeatureParams } from './features.js';

export interface MddCvFolds {
  /** Persons held out by fold k. */
  folds: string[][];
  /** Per variant, the fold models' files (relative to the manifest), one per fold. */
  models: Record<string, string[]>;
}

export interface MddParams {
  features: MddFeatureParams;
  threshold: number;
  cv?: MddCvFolds;
}

function isBand(v: unknown): v is Band {
  const b = v as Band;
  return typeof b === 'object' && b !== null && typeof b.name === 'string' && typeof b.lowHz === 'number' && typeof b.highHz === 'number';
}

/** The feature parameters of an MDD manifest (every field required: the weights depend on each). */
export function mddParams(manifest: ModelManifest): MddParams {
  const p = manifest.params;
  const num = (key: string): number => {
    const v = p[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`params.${key} must be a number (is ${JSON.stringify(v)})`);
    return v;
  };
  const electrodes = p.electrodes;
  if (!Array.isArray(electrodes) || !electrodes.every((e) => typeof e === 'string')) throw new Error('params.electrodes must be a list of electrode names');
  const bands = p.bands;
  if (!Array.isArray(bands) || !bands.every(isBand)) throw new Error('params.bands must be a list of {name, lowHz, highHz}');
  if (p.normalisation !== 'log10-centred') throw new Error(`params.normalisation '${String(p.normalisation)}' is not supported (log10-centred)`);
  const features: MddFeatureParams = {
    ...DEFAULT_MDD_FEATURES,
    sampleRateHz: num('sampleRateHz'), electrodes: electrodes as string[], bands: bands as Band[],
    epochS: num('epochS'), hopS: num('hopS'), welchSegmentS: num('welchSegmentS'), welchOverlapS: num('welchOverlapS'),
    gridPx: num('gridPx'), normalisation: 'log10-centred',
    maxPeakToPeakUv: num('maxPeakToPeakUv'), minStdUv: num('minStdUv'), maxStdRatio: num('maxStdRatio'),
  };
  const cv = p.cv as MddCvFolds | undefined;
  return { features, threshold: num('threshold'), ...(cv ? { cv } : {}) };
}

/** [bands, H, W] (band-major, as features.ts makes them) -> [H, W, bands] (NHWC without the batch). */
export function toNhwc(chw: Float32Array, bands: number, heightPx: number, widthPx: number): Float32Array {
  const out = new Float32Array(chw.length);
  const plane = heightPx * widthPx;
  for (let b = 0; b < bands; b++) for (let i = 0; i < plane; i++) out[i * bands + b] = chw[b * plane + i]!;
  return out;
}

const elements = (shape: number[]): number => shape.reduce((n, d) => n * Math.max(d, 1), 1);

export function checkMddModel(manifest: ModelManifest, model: LoadedModel): void {
  if (manifest.task !== 'mdd') throw new Error(`task '${manifest.task}' is not an MDD model`);
  const { features: f } = mddParams(manifest);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error(`an MDD model has one input and one output (has ${model.inputs.length} and ${model.outputs.length})`);
  const shape = model.inputs[0]!.shape;
  const want = [f.gridPx, f.gridPx, f.bands.length];
  if (shape.length !== 4 || shape.slice(1).some((d, i) => d !== want[i])) throw new Error(`the model takes ${JSON.stringify(shape)}, params say [1, ${want.join(', ')}]`);
  if (elements(model.outputs[0]!.shape) !== 1) throw new Error(`the model gives ${elements(model.outputs[0]!.shape)} values, an MDD model gives P(MDD)`);
}

/**
 * Map stack [bands*H*W] (band-major) -> P(MDD). No `quality` score (the fleet watch judges an MDD
 * model on errors, NaN and latency only): one P(MDD) per recording carries no plausibility of its
 * own. Decisiveness |P - 0.5| * 2 is not one (a working model can be unsure on a borderline person,
 * a broken one can be confidently wrong), and the only sound checks we found need the label or the
 * person's other recordings, which the gateway does not have at inference time.
 */
export const mddMapCodec: ModelCodec<Float32Array, number> = {
  check: checkMddModel,
  preprocess(maps, model, manifest) {
    const { features: f } = mddParams(manifest);
    if (maps.length !== f.bands.length * f.gridPx * f.gridPx) throw new Error(`a map stack of ${maps.length} values, the model takes ${f.bands.length}x${f.gridPx}x${f.gridPx}`);
    return [toInputTensor(toNhwc(maps, f.bands.length, f.gridPx, f.gridPx), model.inputs[0]!)];
  },
  postprocess(outputs, _maps, model) {
    return fromOutputTensor(outputs[0]!, model.outputs[0]!)[0]!;
  },
};
