// Christov QRS detector (Christov II. Real time electrocardiogram QRS detection using combined
// adaptive threshold. BioMedical Engineering OnLine 3:28, 2004), single-lead form, streaming.
// Pre-processing: 20 ms moving average (mains), 28 ms moving average (EMG), complex lead
// Y = |x[n+1] - x[n-1]| (here causal: |x[n] - x[n-2]|), 40 ms moving average. A QRS is detected
// when Y crosses MFR = M + F + R, at least 200 ms after the previous QRS:
//  M: steep-slope threshold (see peak-steep-threshold.ts),
//  F: integrating threshold, F += (max Y over the latest 50 ms - max Y over the earliest 50 ms of
//     the last 350 ms) / (0.3 s x rate), i.e. the paper's /150 at its 500 Hz rate,
//  R: beat-expectation threshold, 0 until 2/3 of the mean of the last 5 RR intervals, then falling
//     1.4 times slower than M until the expected beat, then held.
import { MovingAverage, MovingSum, SlidingMax } from '../filters/index.js';
import { ClassicDetector } from './classic-detector.js';
import { LagDerivative, ValueWindow } from './peak-support.js';
import { SteepSlopeThreshold } from './peak-steep-threshold.js';
import { PeakRefiner } from './peak-refine.js';

const refractorySec = 0.2;
/** Window, relative to the delay-corrected crossing, where the R peak is searched on the ECG. */
const refineBeforeSec = 0.05;
const refineAfterSec = 0.1;
/** Feature values at or below this (uV/s) never make a QRS: float round-off on a flat line. */
const featureFloor = 1e-6;

export class ChristovDetector extends ClassicDetector {
  readonly name = 'christov' as const;
  readonly latencySamples: number;
  protected readonly refiner: PeakRefiner;

  private readonly mains: MovingAverage;
  private readonly emg: MovingAverage;
  private readonly lead: LagDerivative; // the complex lead before |.|: x[n] - x[n-2]
  private readonly smooth: MovingAverage;
  private readonly latestMax: SlidingMax; // max Y over the latest 50 ms
  private readonly integrating: MovingSum; // F as a sum over the last 300 ms of latestMax
  private readonly steep: SteepSlopeThreshold;
  private readonly rr = new ValueWindow(5);
  private readonly fScale: number;
  private readonly delaySamples: number;
  private readonly refractorySamples: number;
  private readonly refineBeforeSamples: number;
  private readonly refineAfterSamples: number;

  private lastQrs = -1;
  private rrMean = 0;
  private r = 0;

  constructor(sampleRateHz: number) {
    super(sampleRateHz);
    const fs = sampleRateHz;
    const n1 = Math.max(1, Math.round(0.02 * fs));
    const n2 = Math.max(1, Math.round(0.028 * fs));
    const n3 = Math.max(1, Math.round(0.04 * fs));
    this.mains = new MovingAverage(n1);
    this.emg = new MovingAverage(n2);
    this.smooth = new MovingAverage(n3);
    this.lead = new LagDerivative(2, fs);
    this.latestMax = new SlidingMax(Math.max(1, Math.round(0.05 * fs)));
    const fWindow = Math.max(1, Math.round(0.3 * fs));
    this.integrating = new MovingSum(fWindow);
    this.fScale = 1 / fWindow;
    this.steep = new SteepSlopeThreshold(fs);
    this.delaySamples = Math.round((n1 - 1) / 2 + (n2 - 1) / 2 + 1 + (n3 - 1) / 2);
    this.refractorySamples = Math.round(refractorySec * fs);
    this.refineBeforeSamples = Math.round(refineBeforeSec * fs);
    this.refineAfterSamples = Math.round(refineAfterSec * fs);
    const history = this.delaySamples + this.refineBeforeSamples + this.refineAfterSamples + 4;
    this.refiner = new PeakRefiner(fs, history, this.refractorySamples / 2);
    // Reported once the window after the crossing is in (or at the crossing, whichever is later).
    this.latencySamples = Math.max(this.delaySamples, this.refineAfterSamples + this.refiner.delaySamples) + this.refineBeforeSamples + 1;
  }

  protected resetAlgorithm(): void {
    this.mains.reset();
    this.emg.reset();
    this.lead.reset();
    this.smooth.reset();
    this.latestMax.reset();
    this.integrating.reset();
    this.steep.reset();
    this.rr.clear();
    this.lastQrs = -1;
    this.rrMean = 0;
    this.r = 0;
  }

  protected settle(x: number): void {
    // Moving averages start from the first value, as if it had always been there.
    for (let k = 0; k < this.emg.windowSamples + this.mains.windowSamples; k++) this.emg.step(this.mains.step(x));
    this.lead.settle(this.emg.step(this.mains.step(x)));
  }

  protected detect(x: number, n: number): void {
    const y = this.smooth.step(Math.abs(this.lead.step(this.emg.step(this.mains.step(x)))));

    const m = this.steep.step(y, n);
    const f = this.integrating.step(this.latestMax.step(y)) * this.fScale;
    if (this.lastQrs >= 0 && this.rrMean > 0) {
      const since = n - this.lastQrs;
      if (since < (2 / 3) * this.rrMean) this.r = 0;
      else if (since < this.rrMean) this.r = (m - this.steep.mean) / 1.4;
    }
    if (y > m + f + this.r && y > featureFloor && (this.lastQrs < 0 || n - this.lastQrs > this.refractorySamples)) {
      if (this.lastQrs >= 0) {
        this.rr.push(n - this.lastQrs);
        this.rrMean = this.rr.mean();
      }
      this.lastQrs = n;
      this.steep.markQrs(n, y);
      const c = n - this.delaySamples;
      this.refiner.request(c - this.refineBeforeSamples, c + this.refineAfterSamples);
    }
  }
}
