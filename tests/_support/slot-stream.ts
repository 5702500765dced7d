// Test equipment: an extension that keeps the `rpeak-proto` model slot loaded and runs one inference
// every `periodMs`, as a detector would, so fleet updates have a running model to replace. Used by
// the fleet tests, the fault tests' child gateway and `npm run bench -- fleet`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
