// The similarity task's codec for the model slot (src/models/stage.ts): one z-scored segment in,
// one L2-normalised embedding out. Live streams take the encoder from the slot at every window,
// so a fleet update swaps it between two windows (a template made with another model is refused
// by the caller: compare sha256 first).
import type { ModelCodec } from '../stage.js';
import { fromOutputTensor, toInputTensor } from '../stage.js';
import { l2Normalize } from './metrics.js';
import { similarityParams } from './manifest.js';
import { SEGMENT_SAMPLES } from './preprocess.js';

export const similarityCodec: ModelCodec<Float32Array, Float32Array> = {
  check(manifest, model) {
    const p = similarityParams(manifest, `model ${manifest.name}`);
    const count = (shape: number[]) => shape.reduce((n, d) => n * Math.max(1, d), 1);
    if (model.inputs.length !== 1 || count(model.inputs[0].shape) !== SEGMENT_SAMPLES) throw new Error(`similarity model needs one input of ${SEGMENT_SAMPLES} values`);
    if (model.outputs.length !== 1 || count(model.outputs[0].shape) !== p.embeddingSize) throw new Error(`similarity model output is not ${p.embeddingSize} values`);
  },
  preprocess(segment, model) {
    if (segment.length !== SEGMENT_SAMPLES) throw new RangeError(`a segment has ${segment.length} samples, not ${SEGMENT_SAMPLES}`);
    return [toInputTensor(segment, model.inputs[0])];
  },
  postprocess(outputs, _segment, model) {
    return l2Normalize(fromOutputTensor(outputs[0], model.outputs[0]));
  },
  invalid(embedding) {
    for (const v of embedding) if (!Number.isFinite(v)) return 'embedding has a non-finite value';
    // l2Normalize of an all-zero output stays zero: no direction, no similarity
    return embedding.some((v) => v !== 0) ? undefined : 'embedding is all zeros';
  },
};
