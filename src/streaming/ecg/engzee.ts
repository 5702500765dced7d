// Engelse-Zeelenberg QRS detector (Engelse WAH, Zeelenberg C. A single scan algorithm for QRS
// detection and feature extraction. Computers in Cardiology 6:37-42, 1979) with the modifications of
// Lourenco A, Silva H, Leite P, Lourenco R, Fred A. Real time electrocardiogram segmentation for
// finger based ECG biometrics. BIOSIGNALS 2012, pp. 49-54; streaming, any sample rate.
// Differentiator y1[n] = x[n] - x[n-k] (k = 16 ms, 4 samples at the original 250 Hz), low-pass FIR
// with binomial taps spanning 16 ms ([1 4 6 4 1] at 250 Hz). A QRS starts when the low-passed
// signal exceeds the steep-slope threshold M (see peak-steep-threshold.ts) at least 200 ms after the
// previous start; it is confirmed if within 160 ms the signal falls below -M ("neg threshold") and
// stays there for more than 10 ms (the 10-sample rule at 1 kHz). The R peak is the largest ECG
// value between the start and the confirmation.
import { FirFilter } from '../filters/index.js';
import { ClassicDetector } from './classic-detector.js';
import { LagDerivative } from './peak-support.js';
import { SteepSlopeThreshold } from './peak-steep-threshold.js';
import { PeakRefiner } from './peak-refine.js';

const differenceSec = 0.016;
const smoothingSec = 0.016;
const refractorySec = 0.2;
const confirmWindowSec = 0.16;
const negativeRunSec = 0.01;
const refineMarginSec = 0.02;
/** Thresholds at or below this (uV/s) are float round-off on a flat line, not a signal. */
const featureFloor = 1e-6;

/** Binomial coefficients C(len-1, k), normalised to unit sum. */
function binomialTaps(length: number): Float64Array {
  const taps = new Float64Array(length);
  taps[0] = 1;
  for (let k = 1; k < length; k++) taps[k] = (taps[k - 1] * (length - k)) / k;
  const sum = taps.reduce((a, b) => a + b, 0);
  return taps.map((t) => t / sum);
}

export class EngzeeDetector extends ClassicDetector {
  readonly name = 'engzee' as const;
  readonly latencySamples: number;
  protected readonly refiner: PeakRefiner;

  private readonly difference: LagDerivative;
  private readonly lowpass: FirFilter;
  private readonly steep: SteepSlopeThreshold;
  private readonly delaySamples: number;
  private readonly refractorySamples: number;
  private readonly confirmWindowSamples: number;
  private readonly negativeRunSamples: number;
  private readonly refineMarginSamples: number;

  private onset = -1; // sample where the feature last crossed +M (the "thi" of Lourenco et al.)
  private armed = false; // an onset waits for its negative lobe
  private belowRun = 0;
  private below = false; // feature has crossed below -M since the onset
  private lastFeature = 0;

  constructor(sampleRateHz: number) {
    super(sampleRateHz);
    const fs = sampleRateHz;
    const differenceSamples = Math.max(1, Math.round(differenceSec * fs));
    this.difference = new LagDerivative(differenceSamples, fs);
    const tapCount = Math.max(3, 2 * Math.round((smoothingSec * fs) / 2) + 1);
    this.lowpass = new FirFilter(binomialTaps(tapCount));
    this.steep = new SteepSlopeThreshold(fs);
    this.delaySamples = Math.round(differenceSamples / 2 + (tapCount - 1) / 2);
    this.refractorySamples = Math.round(refractorySec * fs);
    this.confirmWindowSamples = Math.round(confirmWindowSec * fs);
    this.negativeRunSamples = Math.max(1, Math.round(negativeRunSec * fs));
    this.refineMarginSamples = Math.round(refineMarginSec * fs);
    const history = this.confirmWindowSamples + this.delaySamples + 2 * this.refineMarginSamples + 4;
    this.refiner = new PeakRefiner(fs, history, this.refractorySamples / 2);
    // Confirmation comes at most 160 ms + the negative run after the onset; the peak can lie up to
    // the delay + margin before the onset.
    this.latencySamples = this.confirmWindowSamples + this.delaySamples + 2 * this.refineMarginSamples + this.refiner.delaySamples + 2;
  }

  protected resetAlgorithm(): void {
    this.difference.reset();
    this.lowpass.reset();
    this.steep.reset();
    this.onset = -1;
    this.armed = false;
    this.belowRun = 0;
    this.below = false;
    this.lastFeature = 0;
  }

  protected settle(x: number): void {
    this.difference.settle(x);
  }

  protected detect(x: number, n: number): void {
    // The first 200 ms after a (re)start are blanked, as the reference implementation does
    // (py-ecg-detectors: low_pass[:0.2 fs] = 0): M starts from a near-zero running maximum, so the
    // first slope of the stream, whatever it is, would otherwise open a QRS.
    const filtered = this.lowpass.step(this.difference.step(x));
    const feature = n < this.refractorySamples ? 0 : filtered;
    const m = this.steep.step(feature, n);

    if (feature > m && m > featureFloor && (this.onset < 0 || n - this.onset > this.refractorySamples)) {
      this.onset = n;
      this.armed = true;
      this.below = false;
      this.belowRun = 0;
      this.steep.markQrs(n, feature);
    }
    if (this.armed) {
      if (n - this.onset > this.confirmWindowSamples) {
        this.armed = false;
        this.below = false;
        this.belowRun = 0;
      } else {
        if (feature < -m && this.lastFeature > -m) this.below = true;
        if (this.below && feature < -m) {
          this.belowRun++;
        } else if (this.below) {
          // Came back above -M too early: not a QRS.
          this.armed = false;
          this.below = false;
          this.belowRun = 0;
        }
        if (this.belowRun > this.negativeRunSamples) {
          this.armed = false;
          this.below = false;
          this.belowRun = 0;
          this.refiner.request(this.onset - this.delaySamples - this.refineMarginSamples, n - this.delaySamples + this.refineMarginSamples);
        }
      }
    }
    this.lastFeature = feature;
  }
}
