// All streaming R-peak detectors by name.
import type { DetectorFactory, DetectorName } from './detector.js';
import { SwtDetector } from './swt.js';
import { TwoAverageDetector } from './two-average.js';
import { MatchedFilterDetector } from './matched-filter.js';
import { PanTompkinsDetector } from './pan-tompkins.js';
import { HamiltonDetector } from './hamilton.js';
import { ChristovDetector } from './christov.js';
import { EngzeeDetector } from './engzee.js';

export const detectorFactories: Partial<Record<DetectorName, DetectorFactory>> = {
  // one line per detector, e.g. 'pan-tompkins': (fs) => new PanTompkinsDetector(fs),
  swt: (fs) => new SwtDetector(fs),
  'two-average': (fs) => new TwoAverageDetector(fs),
  'matched-filter': (fs) => new MatchedFilterDetector(fs),
  'pan-tompkins': (fs) => new PanTompkinsDetector(fs),
  hamilton: (fs) => new HamiltonDetector(fs),
  christov: (fs) => new ChristovDetector(fs),
  engzee: (fs) => new EngzeeDetector(fs),
};

export function createDetector(name: DetectorName, sampleRateHz: number) {
  const factory = detectorFactories[name];
  if (!factory) throw new Error(`unknown R-peak detector '${name}' (known: ${Object.keys(detectorFactories).join(', ')})`);
  return factory(sampleRateHz);
}
