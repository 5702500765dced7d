// The model-backed R-peak detectors, as loaders for the streaming registry
// (src/streaming/ecg/registry.ts `loadDetectorFactory`): each loads its model into the host's
// shared slot, then returns a factory like a classic detector's. One line per detector.
import type { DetectorLoaders } from '../streaming/ecg/registry.js';
import type { ModelHost } from './host.js';
import { createCnnDetector } from './rpeak/cnn-detector.js';
import { slotWindowModel } from './rpeak/cnn-model.js';
import { rpeakWindowCodec } from './rpeak/codec.js';

export function modelDetectorLoaders(host: ModelHost): DetectorLoaders {
  return {
    cnn: async () => {
      const model = slotWindowModel(await host.slot<Float32Array, Float32Array>('rpeak-cnn', rpeakWindowCodec));
      return (sampleRateHz) => createCnnDetector(sampleRateHz, model);
    },
  };
}
