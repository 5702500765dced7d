// Test equipment around the bundled rpeak-proto model: signed fleet bundles of its family, and an
// extension that keeps the `rpeak-proto` model slot loaded and runs one inference
// every `periodMs`, as a detector would, so fleet updates have a running model to replace. Used by
// the fleet tests, the fault tests' child gateway and `npm run bench -- fleet`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signBundle, type BundleManifest } from '../../src/fleet/bundle.js';
import type { SigningKey } from '../../src/fleet/keys.js';
import type { ExtensionFactory } from '../../src/gateway/context.js';
import { bundledModelsDir } from '../../src/models/host.js';
import { rpeakWindowCodec } from '../../src/models/rpeak/codec.js';
import type { ModelSlot } from '../../src/models/slot.js';
import { readNpy } from '../../src/quantize/npy.js';

export const protoInputs = readNpy(new Uint8Array(readFileSync(join(bundledModelsDir, 'rpeak-proto', 'val-inputs.npy'))));

export interface SlotStreamOptions {
  name?: string;
  periodMs?: number;
  /** Called after every inference with the version that answered it. */
  onResult?: (version: string) => void;
  /** Called with the message of a failed inference (default: logged as an error). */
  onError?: (message: string) => void;
}

export function slotStreamExtension(options: SlotStreamOptions = {}): ExtensionFactory {
  return (ctx) => {
    let timer: NodeJS.Timeout | undefined;
    let slot: ModelSlot<Float32Array, Float32Array> | undefined;
    const window = protoInputs.data.slice(0, 625);
    return {
      name: options.name ?? 'slot-stream',
      async start() {
        slot = await ctx.models.slot('rpeak-proto', rpeakWindowCodec);
        timer = setInterval(() => {
          try {
            slot!.infer(window);
            options.onResult?.(slot!.stage.info.version);
          } catch (err) {
            const message = (err as Error).message;
            if (options.onError) options.onError(message);
            else ctx.log.error(`inference failed: ${message}`);
          }
        }, options.periodMs ?? 10);
      },
      stop() {
        clearInterval(timer);
      },
    };
  };
}

export const protoFloatOutputs = readNpy(new Uint8Array(readFileSync(join(bundledModelsDir, 'rpeak-proto', 'val-outputs-float-py.npy'))));
export const protoFloatModel = (): Uint8Array => new Uint8Array(readFileSync(join(bundledModelsDir, 'rpeak-proto', 'float32.tflite')));
/** Validation window k (625 samples) of an rpeak-proto .npy array. */
export const protoWindow = (a: typeof protoInputs, k: number): Float32Array => a.data.subarray(k * 625, (k + 1) * 625) as Float32Array;

export interface ProtoBundleOptions {
  description: string;
  /** Default: the bundled rpeak-proto float model. */
  tflite?: Uint8Array;
  /** Validation windows whose Python float outputs are the golden vectors (default 0 and 1). */
  goldenWindows?: number[];
  /** The golden outputs of those windows (default: the bundled model's Python float outputs); a model that is meant to differ passes only with its own. */
  goldenOutputs?: ArrayLike<number>[];
  createdAt?: string;
}

/** A signed fleet bundle of the rpeak-proto family (the shipped model's tensors and parameters). */
export function protoBundle(version: string, key: SigningKey, options: ProtoBundleOptions): Buffer {
  const golden = options.goldenWindows ?? [0, 1];
  const manifest: Omit<BundleManifest, 'sha256' | 'sizeBytes' | 'keyId' | 'format'> = {
    task: 'rpeak', name: 'rpeak-proto', version, description: options.description, trainedOn: 'MIT-BIH DS1', precision: 'float32',
    inputs: [{ dtype: 'float32', shape: [1, 1, 625, 1] }], outputs: [{ dtype: 'float32', shape: [1, 1, 625, 1] }],
    params: { sampleRateHz: 250, windowSamples: 625, threshold: 0.5, refractorySamples: 50 },
    golden: {
      inputs: golden.map((k) => Array.from(protoWindow(protoInputs, k))),
      outputs: options.goldenOutputs?.map((o) => Array.from(o)) ?? golden.map((k) => Array.from(protoWindow(protoFloatOutputs, k))),
      absTolerance: 1e-5,
    },
    minGatewayVersion: '0.1.0', createdAt: options.createdAt ?? '2026-12-01T19:00:00Z',
  };
  return signBundle(manifest, options.tflite ?? protoFloatModel(), key);
}
