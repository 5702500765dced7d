// RPeakWindowModel from the gateway's model machinery: a stage (one verified variant: sha256,
// declared tensors, golden vectors; src/models/stage.ts) or a slot (the live, swappable stage of
// src/models/slot.ts). Inference goes through the R-peak codec (int8 I/O quantized/dequantized
// there), so every variant gives real probabilities.
import type { ModelSlot } from '../slot.js';
import { loadStage, type ModelStage } from '../stage.js';
import type { ModelRuntime } from '../runtime/types.js';
import type { RPeakWindowModel } from './cnn-detector.js';
import { rpeakWindowCodec } from './codec.js';
import { foldHoldingOut, readRPeakCnnManifest, rpeakCnnConfig, rpeakCnnFolds, type RPeakCnnConfig, type RPeakCnnVariant } from './cnn-config.js';

type Inferrer = Pick<ModelStage<Float32Array, Float32Array>, 'infer'>;

/** A window model over anything that infers (a stage, or a slot read at every window). */
export function windowModel(config: RPeakCnnConfig, source: Inferrer, check?: () => void): RPeakWindowModel {
  return {
    config,
    probabilities(window: Float32Array): Float32Array {
      check?.();
      return source.infer(window);
    },
  };
}

/**
 * The slot's model, live: each window runs on the slot's active stage, so an activation or a
 * rollback takes effect at the next window. A stage whose window, hop or rate differs from the one
 * the detector was built for is refused at its first window (the detector's buffers are sized once).
 */
export function slotWindowModel(slot: ModelSlot<Float32Array, Float32Array>): RPeakWindowModel {
  const config = rpeakCnnConfig(slot.stage.manifest);
  let generation = slot.generation;
  return windowModel(config, slot, () => {
    if (slot.generation === generation) return;
    const now = rpeakCnnConfig(slot.stage.manifest);
    if (now.windowSamples !== config.windowSamples || now.hopSamples !== config.hopSamples || now.sampleRateHz !== config.sampleRateHz || now.trustedStartSamples !== config.trustedStartSamples)
      throw new Error(`model slot '${slot.name}': the active model's window/hop/rate differ from the running detector's`);
    generation = slot.generation;
  });
}

export interface LoadCnnOptions {
  variant?: RPeakCnnVariant;
  /** A fold's model (`fold-2`) instead of the shipped one. */
  fold?: string;
  /** The fold model that held out this record, if any fold did (else the shipped model). */
  heldOutRecord?: string;
  dir?: string;
}

export interface LoadedCnn {
  model: RPeakWindowModel;
  stage: ModelStage<Float32Array, Float32Array>;
  /** 'final' (the shipped model) or the fold's name. */
  source: string;
}

/** Loads one verified variant of models/rpeak-cnn (default: the shipped int8). */
export async function loadCnnWindowModel(runtime: ModelRuntime, options: LoadCnnOptions = {}): Promise<LoadedCnn> {
  const doc = readRPeakCnnManifest(options.dir);
  const folds = rpeakCnnFolds(doc);
  const fold = options.fold
    ? folds.find((f) => f.name === options.fold)
    : options.heldOutRecord !== undefined
      ? foldHoldingOut(folds, options.heldOutRecord)
      : undefined;
  if (options.fold && !fold) throw new Error(`rpeak-cnn: no fold '${options.fold}' in ${doc.path}`);
  const source = fold?.doc ?? doc;
  // A fold's own parameters (its post-processing, chosen on its training records) apply to its model.
  const config = rpeakCnnConfig(source.manifest, doc.path);
  const variant = options.variant ?? (source.manifest.defaultVariant as RPeakCnnVariant);
  const stage = await loadStage(runtime, source, variant, rpeakWindowCodec);
  return { model: windowModel(config, stage), stage, source: fold?.name ?? 'final' };
}
