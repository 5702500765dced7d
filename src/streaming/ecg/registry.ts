// All streaming R-peak detectors by name.
import type { DetectorFactory, DetectorName } from './detector.js';

export const detectorFactories: Partial<Record<DetectorName, DetectorFactory>> = {
  // one line per detector, e.g. 'pan-tompkins': (fs) => new PanTompkinsDetector(fs),
};

export function createDetector(name: DetectorName, sampleRateHz: number) {
  const factory = detectorFactories[name];
  if (!factory) throw new Error(`unknown R-peak detector '${name}' (known: ${Object.keys(detectorFactories).join(', ')})`);
  return factory(sampleRateHz);
}
