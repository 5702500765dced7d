// All streaming R-peak detectors by name: the classic ones are built synchronously from this table;
// model-backed ones (e.g. `cnn`) come from a loader that first loads their model (src/models) and
// then gives a factory of the same type, so the rest of the pipeline cannot tell them apart.
import type { ClassicDetectorName, DetectorFactory, DetectorName } from './detector.js';
import { SwtDetector } from './swt.js';
import { TwoAverageDetector } from './two-average.js';
import { MatchedFilterDetector } from './matched-filter.js';
import { PanTompkinsDetector } from './pan-tompkins.js';
import { HamiltonDetector } from './hamilton.js';
import { ChristovDetector } from './christov.js';
import { EngzeeDetector } from './engzee.js';

export const detectorFactories: Partial<Record<ClassicDetectorName, DetectorFactory>> = {
  // one line per detector, e.g. 'pan-tompkins': (fs) => new PanTompkinsDetector(fs),
  swt: (fs) => new SwtDetector(fs),
  'two-average': (fs) => new TwoAverageDetector(fs),
  'matched-filter': (fs) => new MatchedFilterDetector(fs),
  'pan-tompkins': (fs) => new PanTompkinsDetector(fs),
  hamilton: (fs) => new HamiltonDetector(fs),
  christov: (fs) => new ChristovDetector(fs),
  engzee: (fs) => new EngzeeDetector(fs),
};

/** Creates a classic detector; a model-backed name throws (use `loadDetectorFactory`). */
export function createDetector(name: DetectorName, sampleRateHz: number) {
  const factory = name === 'cnn' ? undefined : detectorFactories[name];
  if (!factory) throw new Error(`unknown R-peak detector '${name}' (known: ${Object.keys(detectorFactories).join(', ')})`);
  return factory(sampleRateHz);
}

/** Builds the factory of a detector that needs something loaded first (its model). Rejects with the reason. */
export type DetectorLoader = () => Promise<DetectorFactory>;
export type DetectorLoaders = Partial<Record<DetectorName, DetectorLoader>>;

/**
 * The factory of any detector: a classic one at once, a model-backed one from its loader
 * (`loaders`, e.g. `modelDetectorLoaders(host)` of src/models/detectors.ts).
 */
export async function loadDetectorFactory(name: DetectorName, loaders: DetectorLoaders = {}): Promise<DetectorFactory> {
  const classic = name === 'cnn' ? undefined : detectorFactories[name];
  if (classic) return classic;
  const loader = loaders[name];
  if (!loader) {
    const known = [...Object.keys(detectorFactories), ...Object.keys(loaders)].join(', ');
    throw new Error(`R-peak detector '${name}' is not available here (known: ${known})`);
  }
  return loader();
}
