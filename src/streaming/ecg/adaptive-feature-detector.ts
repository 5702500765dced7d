// Frame shared by the SWT and matched-filter detectors: missing samples held by the SampleGuard,
// filters started from the first valid sample's steady state, one sample at a time (so the output
// cannot depend on chunking), and the AdaptivePeakPicker that turns the feature into beats. Each
// subclass keeps only its feature.
import type { DetectorName, RPeakDetector } from './detector.js';
import type { AdaptivePeakPicker } from './adaptive-peak-picker.js';
import { SampleGuard } from './raw-history.js';

/** Throws unless `sampleRateHz` is one the SWT, two-average and matched-filter detectors support. */
export function checkFeatureSampleRate(label: string, sampleRateHz: number): void {
  if (!(sampleRateHz >= 50 && sampleRateHz <= 2000)) throw new RangeError(`${label}: sample rate ${sampleRateHz} Hz out of range`);
}

export abstract class AdaptiveFeatureDetector implements RPeakDetector {
  abstract readonly name: DetectorName;
  readonly sampleRateHz: number;
  abstract readonly latencySamples: number;
  /** Built by the subclass constructor: it needs the feature's measured delay. */
  protected abstract readonly picker: AdaptivePeakPicker;
  protected readonly guard = new SampleGuard();

  constructor(label: string, sampleRateHz: number) {
    checkFeatureSampleRate(label, sampleRateHz);
    this.sampleRateHz = sampleRateHz;
  }

  push(samples: Float32Array): number[] {
    const out: number[] = [];
    const guard = this.guard;
    const picker = this.picker;
    for (let i = 0; i < samples.length; i++) {
      const x = guard.hold(samples[i]);
      if (guard.isFirstValid) this.settle(x);
      picker.step(x, guard.missing, this.feature(x), out);
    }
    return out;
  }

  flush(): number[] {
    const out: number[] = [];
    this.picker.flush(out);
    return out;
  }

  reset(): void {
    this.resetFeature();
    this.guard.reset();
    this.picker.reset();
  }

  /** Starts the feature's filters as if `x` had always been the input. */
  protected abstract settle(x: number): void;

  /** The next (non-negative) feature value for the held sample `x`. */
  protected abstract feature(x: number): number;

  /** Forgets the feature's filter state. */
  protected abstract resetFeature(): void;
}
