// The streaming R-peak detector contract shared by the seven classic detectors and the model-backed
// ones (`cnn`: src/models/rpeak), whose factory is built asynchronously once their model is loaded.

/** The classic, signal-processing detectors: always available, built synchronously. */
export type ClassicDetectorName =
  | 'pan-tompkins'
  | 'hamilton'
  | 'christov'
  | 'engzee'
  | 'swt'
  | 'two-average'
  | 'matched-filter';

/** Every detector a device can name; model-backed ones need their model (see registry.ts `loadDetectorFactory`). */
export type DetectorName = ClassicDetectorName | 'cnn';

export interface RPeakDetector {
  readonly name: DetectorName;
  readonly sampleRateHz: number;
  /**
   * Upper bound, in samples, between an R peak and the push() call that reports it
   * (the detector's algorithmic latency at this rate).
   */
  readonly latencySamples: number;
  /**
   * Feeds the next samples (any chunk size, physical units, NaN allowed for missing samples) and
   * returns the absolute sample indices (0 = first sample ever pushed) of R peaks confirmed by
   * this call, ascending. Output is identical whatever the chunking. Memory is bounded.
   */
  push(samples: Float32Array): number[];
  /** Reports peaks still pending at the end of a finite record. */
  flush(): number[];
  /** Forgets all state, as if newly created. */
  reset(): void;
}

export type DetectorFactory = (sampleRateHz: number) => RPeakDetector;
