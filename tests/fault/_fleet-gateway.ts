// The gateway daemon for the mid-update fault test, run as a child process:
// `node --import tsx tests/fault/_fleet-gateway.ts --config <file>`. The real `runGateway` (the
// daemon `weargate run` starts) plus one extension that keeps the `rpeak-proto` slot loaded and
// running an inference every 50 ms, as a detector would, so that fleet updates have a model to
// replace. No device is needed for that.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ExtensionFactory } from '../../src/gateway/context.js';
import { runGateway } from '../../src/gateway/run-gateway.js';
import { bundledModelsDir } from '../../src/models/host.js';
import { rpeakWindowCodec } from '../../src/models/rpeak/codec.js';
import type { ModelSlot } from '../../src/models/slot.js';
import { readNpy } from '../../src/quantize/npy.js';

const { values } = parseArgs({ options: { config: { type: 'string' } } });
const inputs = readNpy(new Uint8Array(readFileSync(join(bundledModelsDir, 'rpeak-proto', 'val-inputs.npy'))));

const modelStream: ExtensionFactory = (ctx) => {
  let timer: NodeJS.Timeout | undefined;
  let slot: ModelSlot<Float32Array, Float32Array> | undefined;
  const window = inputs.data.slice(0, 625);
  return {
    name: 'fault-model-stream',
    async start() {
      slot = await ctx.models.slot('rpeak-proto', rpeakWindowCodec);
      timer = setInterval(() => {
        try {
          slot!.infer(window);
        } catch (err) {
          ctx.log.error(`inference failed: ${(err as Error).message}`);
        }
      }, 50);
    },
    stop() {
      clearInterval(timer);
    },
  };
};

process.exitCode = await runGateway({ configPath: values.config!, extensions: [modelStream] });
