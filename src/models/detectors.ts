// The model-backed R-peak detectors, as loaders for the streaming registry
// (src/streaming/ecg/registry.ts `loadDetectorFactory`): each loads its model into the host's
// shared slot, then returns a factory like a classic detector's. One line per detector.
import type { DetectorLoaders } from '../streaming/ecg/registry.js';
import type { ModelHost } from './host.js';

export function modelDetectorLoaders(host: ModelHost): DetectorLoaders {
  void host;
  return {};
}
