// The similarity encoder on the model runtime: one z-scored segment in, one L2-normalised
// embedding out (the graph ends at the dense layer; normalising here keeps it quantizable).
import type { LoadedModel, ModelRuntime } from '../runtime/types.js';
import { l2Normalize } from './metrics.js';
import { readModelFile, type SimilarityFold, type SimilarityManifest, type SimilarityVariant } from './manifest.js';
import { SEGMENT_SAMPLES } from './preprocess.js';

export interface ModelIdentity {
  name: string;
  version: string;
  fold: string;
  variant: SimilarityVariant;
  sha256: string;
}

export class SimilarityEncoder {
  private constructor(
    private readonly model: LoadedModel,
    readonly identity: ModelIdentity,
    readonly embeddingSize: number,
  ) {}

  static async load(runtime: ModelRuntime, manifest: SimilarityManifest, fold: SimilarityFold, variant: SimilarityVariant): Promise<SimilarityEncoder> {
    const { bytes, sha256 } = readModelFile(manifest, fold, variant);
    const model = await runtime.load(bytes, { name: `${manifest.name}/${fold.name}/${variant}` });
    const input = model.inputs[0];
    const count = input.shape.reduce((n, d) => n * Math.max(1, d), 1);
    if (model.inputs.length !== 1 || input.dtype !== 'float32' || count !== SEGMENT_SAMPLES) {
      model.dispose();
      throw new Error(`${fold.name}/${variant}: expected one float32 input of ${SEGMENT_SAMPLES} values, got ${JSON.stringify(model.inputs)}`);
    }
    const outCount = model.outputs[0].shape.reduce((n, d) => n * Math.max(1, d), 1);
    return new SimilarityEncoder(model, { name: manifest.name, version: manifest.version, fold: fold.name, variant, sha256 }, outCount);
  }

  /** Raw (not normalised) embeddings, one per segment. */
  embedRaw(segments: readonly Float32Array[]): Float32Array[] {
    if (segments.length === 0) return [];
    for (const s of segments) if (s.length !== SEGMENT_SAMPLES) throw new RangeError(`a segment has ${s.length} samples, not ${SEGMENT_SAMPLES}`);
    return this.model.runBatch(segments.map((s) => [s])).map((out) => Float32Array.from(out[0] as Float32Array));
  }

  /** L2-normalised embeddings, one per segment. */
  embed(segments: readonly Float32Array[]): Float32Array[] {
    return this.embedRaw(segments).map((e) => l2Normalize(e));
  }

  dispose(): void {
    this.model.dispose();
  }
}
