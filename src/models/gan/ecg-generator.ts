// The ECG beat generator (models/gan-ecg, trained by training/gan/ecg_wgan.py) on the model
// runtime: a latent vector and a beat class in, one beat window (mV, 250 Hz) out. Loading goes
// through the same stage as every model (sha256, declared tensors, golden vectors).
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { join } from 'node:path';
import { packagePath } from '../../common/package-root.js';
import { ModelManifestError, readManifest, type ManifestDocument, type ModelManifest } from '../manifest.js';
import type { LoadedModel, ModelRuntime } from '../runtime/types.js';
import { fromOutputTensor, loadStage, toInputTensor, type ModelCodec, type ModelStage } from '../stage.js';

export const DEFAULT_GAN_ECG_DIR = packagePath('models', 'gan-ecg');

const GanEcgParams = Type.Object(
  {
    sampleRateHz: Type.Number({ exclusiveMinimum: 0 }),
    beatSamples: Type.Integer({ minimum: 8 }),
    /** Samples before the R annotation inside a beat window. */
    preSamples: Type.Integer({ minimum: 0 }),
    /** High-pass applied to the training records before the beats were cut (Hz). */
    highpassHz: Type.Number({ exclusiveMinimum: 0 }),
    latentSize: Type.Integer({ minimum: 1 }),
    /** Beat classes in the order of the one-hot that follows the latent vector. */
    classes: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    /** WFDB beat symbol written for each class. */
    symbols: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    /** Rhythm statistics file (strip assembly), relative to the manifest. */
    rhythm: Type.String({ minLength: 1 }),
    /** Records the generator learned from, and those it never saw (the evaluation's real test set). */
    trainRecords: Type.Array(Type.String()),
    /** Only beats in the first memberFraction of each training record trained the generator. */
    memberFraction: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
    heldoutRecords: Type.Array(Type.String()),
    /** Weight of the identity adversary the generator was trained with (0 or absent: none; training/gan/identity.py). */
    identityWeight: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: true },
);
export type GanEcgParams = Static<typeof GanEcgParams>;

export function ganEcgParams(manifest: ModelManifest, where: string): GanEcgParams {
  const params: unknown = manifest.params;
  if (manifest.task !== 'synth' || !Value.Check(GanEcgParams, params)) {
    const why = manifest.task !== 'synth' ? `task is '${manifest.task}', not 'synth'` : [...Value.Errors(GanEcgParams, params)].slice(0, 3).map((e) => `${e.path} ${e.message}`).join('; ');
    throw new ModelManifestError(where, `not a GAN ECG manifest: ${why}`);
  }
  if (params.symbols.length !== params.classes.length) throw new ModelManifestError(where, 'params.symbols must name one symbol per class');
  if (params.preSamples >= params.beatSamples) throw new ModelManifestError(where, 'params.preSamples must be < beatSamples');
  return params;
}

export interface BeatRequest {
  latent: Float32Array;
  classIndex: number;
}

function codec(params: GanEcgParams): ModelCodec<BeatRequest, Float32Array> {
  const inputSize = params.latentSize + params.classes.length;
  return {
    check(_manifest: ModelManifest, model: LoadedModel) {
      const count = (shape: number[]) => shape.reduce((n, d) => n * Math.max(1, d), 1);
      if (model.inputs.length !== 1 || count(model.inputs[0].shape) !== inputSize) throw new Error(`expected one input of ${inputSize} values (latent + one-hot class)`);
      if (model.outputs.length !== 1 || count(model.outputs[0].shape) !== params.beatSamples) throw new Error(`expected one output of ${params.beatSamples} samples`);
    },
    preprocess(req: BeatRequest, model: LoadedModel) {
      if (req.latent.length !== params.latentSize) throw new RangeError(`latent has ${req.latent.length} values, not ${params.latentSize}`);
      if (!Number.isInteger(req.classIndex) || req.classIndex < 0 || req.classIndex >= params.classes.length) throw new RangeError(`class index ${req.classIndex} out of range`);
      const x = new Float32Array(inputSize);
      x.set(req.latent);
      x[params.latentSize + req.classIndex] = 1;
      return [toInputTensor(x, model.inputs[0])];
    },
    postprocess(outputs, _req, model) {
      return fromOutputTensor(outputs[0], model.outputs[0]);
    },
    invalid(beat) {
      for (const v of beat) if (!Number.isFinite(v)) return 'generated beat has a non-finite sample';
      return undefined;
    },
  };
}

export class EcgBeatGenerator {
  private constructor(
    readonly doc: ManifestDocument,
    readonly params: GanEcgParams,
    private readonly stage: ModelStage<BeatRequest, Float32Array>,
  ) {}

  static async load(runtime: ModelRuntime, options: { dir?: string; variant?: string } = {}): Promise<EcgBeatGenerator> {
    const doc = readManifest(join(options.dir ?? DEFAULT_GAN_ECG_DIR, 'manifest.json'));
    const params = ganEcgParams(doc.manifest, doc.path);
    const variant = options.variant ?? doc.manifest.defaultVariant;
    return new EcgBeatGenerator(doc, params, await loadStage(runtime, doc, variant, codec(params)));
  }

  get info() {
    return this.stage.info;
  }

  classIndex(name: string): number {
    const k = this.params.classes.indexOf(name);
    if (k < 0) throw new RangeError(`unknown beat class '${name}' (the generator knows ${this.params.classes.join(', ')})`);
    return k;
  }

  /** One beat window (mV at params.sampleRateHz) per request. */
  generate(requests: readonly BeatRequest[]): Float32Array[] {
    return requests.map((r) => this.stage.infer(r));
  }

  dispose(): void {
    this.stage.dispose();
  }
}
