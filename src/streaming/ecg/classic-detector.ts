// Frame shared by the Pan-Tompkins, Hamilton, Christov and Engelse-Zeelenberg detectors: the
// sample-rate check, the missing-sample hold, one sample at a time (so the output cannot depend on
// chunking), filters started from the first sample's steady state, and the PeakRefiner that puts
// each beat on the ECG. Each subclass keeps only its own algorithm.
import type { DetectorName, RPeakDetector } from './detector.js';
import { MissingSampleHold } from '../filters/index.js';
import { maxMicrovolts, type PeakRefiner } from './peak-refine.js';

export abstract class ClassicDetector implements RPeakDetector {
  abstract readonly name: DetectorName;
  readonly sampleRateHz: number;
  abstract readonly latencySamples: number;
  /** Built by the subclass constructor: its history and spacing depend on the algorithm. */
  protected abstract readonly refiner: PeakRefiner;
  private readonly hold = new MissingSampleHold(maxMicrovolts);
  private n = 0; // absolute index of the next sample

  constructor(sampleRateHz: number) {
    if (!(sampleRateHz >= 100 && sampleRateHz <= 1000)) throw new RangeError(`sample rate ${sampleRateHz} Hz outside 100..1000 Hz`);
    this.sampleRateHz = sampleRateHz;
  }

  /** Samples pushed since creation or reset. */
  protected get sampleCount(): number {
    return this.n;
  }

  push(samples: Float32Array): number[] {
    const out: number[] = [];
    for (let i = 0; i < samples.length; i++) this.step(samples[i], out);
    return out;
  }

  flush(): number[] {
    const out: number[] = [];
    this.finish();
    this.refiner.drain(out, true);
    return out;
  }

  reset(): void {
    this.hold.reset();
    this.refiner.reset();
    this.n = 0;
    this.resetAlgorithm();
  }

  /** Starts the algorithm's filters as if `x` had always been the input (no start-up transient). */
  protected abstract settle(x: number): void;

  /** Runs the algorithm on the held sample `x` at absolute index `n`; refinement requests go to the refiner. */
  protected abstract detect(x: number, n: number): void;

  /** Decides what is still pending at the end of a finite record (before the refiner is drained). */
  protected finish(): void {}

  /** Forgets the algorithm's own state. */
  protected abstract resetAlgorithm(): void;

  private step(raw: number, out: number[]): void {
    const x = this.hold.step(raw);
    if (this.n === 0) {
      this.settle(x);
      this.refiner.settle(x);
    }
    const n = this.n++;
    this.refiner.push(x);
    this.detect(x, n);
    this.refiner.drain(out);
  }
}
