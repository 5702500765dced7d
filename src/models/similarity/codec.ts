// The similarity task's codec for the model slot (src/models/stage.ts): one z-scored segment in,
// one L2-normalised embedding out. Live streams take the encoder from the slot at every window,
// so a fleet update swaps it between two windows (a template made with another model is refused
// by the caller: compare sha256 first).
import type { ModelCodec } from '../stage.js';
import { fromOutputTensor, toInputTensor } from '../stage.js';
import { l2Normalize } from './metrics.js';
import { similarityParams } from './manifest.js';
import { SEGMENT_SAMPLES } from './preprocess.js';

/**
 * Below this L2 norm a raw embedding has collapsed: the encoder maps its input to (almost) the
 * origin, and l2Normalize would blow rounding noise up into a direction.
 */
export const MIN_EMBEDDING_NORM = 1e-3;

/**
 * The similarity quality score of one segment: 1 when the raw (not yet normalised) embedding's L2
 * norm is finite and above MIN_EMBEDDING_NORM, else 0. A collapsed encoder (dead activations, a
 * zeroed last layer) gives ~0 on every input; a working one gives norms of order 1.
 */
export function embeddingQuality(raw: ArrayLike<number>): number {
  let ss = 0;
  for (let i = 0; i < raw.length; i++) ss += raw[i] * raw[i];
  const norm = Math.sqrt(ss);
  return Number.isFinite(norm) && norm > MIN_EMBEDDING_NORM ? 1 : 0;
}

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
  quality(_embedding, _segment, _manifest, raw) {
    return embeddingQuality(fromOutputTensor(raw.outputs[0], raw.model.outputs[0]));
  },
};
