// The EEG map-stack generator (models/gan-eeg-maps, trained by training/gan/eeg_wgan.py) on the
// model runtime: a latent vector and one of four conditions (MDD / healthy x eyes closed / open) in,
// the MDD model's 19 x 5 per-electrode values out (log10 band power centred per epoch, band-major),
// turned into the [5, 32, 32] stack by the MDD features' own spline code (eeg-maps.ts). Loading goes
// through the same stage as every model (sha256, declared tensors, golden vectors).
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { join } from 'node:path';
import { packagePath } from '../../common/package-root.js';
import { ModelManifestError, readManifest, type ManifestDocument, type ModelManifest } from '../manifest.js';
import type { LoadedModel, ModelRuntime } from '../runtime/types.js';
import { fromOutputTensor, loadStage, toInputTensor, type ModelCodec, type ModelStage } from '../stage.js';
import { valuesToMaps, type MapGeometry } from './eeg-maps.js';

export const DEFAULT_GAN_EEG_DIR = packagePath('models', 'gan-eeg-maps');

const GanEegParams = Type.Object(
  {
    latentSize: Type.Integer({ minimum: 1 }),
    /** Conditions in the order of the one-hot after the latent: `<label>-<EC|EO>`. */
    conditions: Type.Array(Type.String({ pattern: '^[A-Za-z]+-(EC|EO)$' }), { minItems: 1 }),
    electrodes: Type.Array(Type.String({ minLength: 1 }), { minItems: 6 }),
    bands: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    gridPx: Type.Integer({ minimum: 8, maximum: 256 }),
    normalisation: Type.Literal('log10-centred'),
    valueLayout: Type.Literal('band-major'),
    trainPersons: Type.Array(Type.String()),
  },
  { additionalProperties: true },
);
export type GanEegParams = Static<typeof GanEegParams>;

export function ganEegParams(manifest: ModelManifest, where: string): GanEegParams {
  const params: unknown = manifest.params;
  if (manifest.task !== 'synth' || !Value.Check(GanEegParams, params)) {
    const why = manifest.task !== 'synth' ? `task is '${manifest.task}', not 'synth'` : [...Value.Errors(GanEegParams, params)].slice(0, 3).map((e) => `${e.path} ${e.message}`).join('; ');
    throw new ModelManifestError(where, `not a GAN EEG-maps manifest: ${why}`);
  }
  return params;
}

export interface EegMapRequest {
  latent: Float32Array;
  conditionIndex: number;
}

function codec(params: GanEegParams): ModelCodec<EegMapRequest, Float32Array> {
  const inputSize = params.latentSize + params.conditions.length;
  const outputSize = params.electrodes.length * params.bands.length;
  const count = (shape: number[]) => shape.reduce((n, d) => n * Math.max(1, d), 1);
  return {
    check(_manifest: ModelManifest, model: LoadedModel) {
      if (model.inputs.length !== 1 || count(model.inputs[0].shape) !== inputSize) throw new Error(`expected one input of ${inputSize} values (latent + one-hot condition)`);
      if (model.outputs.length !== 1 || count(model.outputs[0].shape) !== outputSize) throw new Error(`expected one output of ${outputSize} values (bands x electrodes)`);
    },
    preprocess(req: EegMapRequest, model: LoadedModel) {
      if (req.latent.length !== params.latentSize) throw new RangeError(`latent has ${req.latent.length} values, not ${params.latentSize}`);
      if (!Number.isInteger(req.conditionIndex) || req.conditionIndex < 0 || req.conditionIndex >= params.conditions.length) throw new RangeError(`condition index ${req.conditionIndex} out of range`);
      const x = new Float32Array(inputSize);
      x.set(req.latent);
      x[params.latentSize + req.conditionIndex] = 1;
      return [toInputTensor(x, model.inputs[0])];
    },
    postprocess(outputs, _req, model) {
      return fromOutputTensor(outputs[0], model.outputs[0]);
    },
    invalid(values) {
      for (const v of values) if (!Number.isFinite(v)) return 'generated value is not finite';
      return undefined;
    },
  };
}

export class EegMapGenerator {
  readonly geometry: MapGeometry;

  private constructor(
    readonly doc: ManifestDocument,
    readonly params: GanEegParams,
    private readonly stage: ModelStage<EegMapRequest, Float32Array>,
  ) {
    this.geometry = { electrodes: params.electrodes, bands: params.bands, gridPx: params.gridPx };
  }

  static async load(runtime: ModelRuntime, options: { dir?: string; variant?: string } = {}): Promise<EegMapGenerator> {
    const doc = readManifest(join(options.dir ?? DEFAULT_GAN_EEG_DIR, 'manifest.json'));
    const params = ganEegParams(doc.manifest, doc.path);
    const variant = options.variant ?? doc.manifest.defaultVariant;
    return new EegMapGenerator(doc, params, await loadStage(runtime, doc, variant, codec(params)));
  }

  get info() {
    return this.stage.info;
  }

  /** Index of `<label>-<condition>` (label case-insensitive: MDD, healthy). */
  conditionIndex(label: string, condition: string): number {
    const k = this.params.conditions.findIndex((c) => c.toLowerCase() === `${label}-${condition}`.toLowerCase());
    if (k < 0) throw new RangeError(`unknown condition '${label}-${condition}' (the generator knows ${this.params.conditions.join(', ')})`);
    return k;
  }

  /** Per-electrode values, band-major [bands * electrodes], one per request. */
  values(requests: readonly EegMapRequest[]): Float32Array[] {
    return requests.map((r) => this.stage.infer(r));
  }

  /** [bands, gridPx, gridPx] map stacks, one per request. */
  maps(requests: readonly EegMapRequest[]): Float32Array[] {
    return this.values(requests).map((v) => valuesToMaps(v, this.geometry));
  }

  dispose(): void {
    this.stage.dispose();
  }
}
