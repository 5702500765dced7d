// Matched-filter QRS detector: correlate the band-passed ECG with a QRS template, square the
// correlation, smooth it, and pick beats with the shared adaptive threshold (signal/noise peak
// levels, refractory period, search-back).
//
// The template is generic, not learned: a physiological Q-R-S complex (three Gaussians: Q -0.15 at
// -25 ms, R 1.0 at 0, S -0.3 at +25 ms, widths 8-10 ms) sampled at the detector's rate and passed
// through the same band-pass, so it is the filter matched to an ideal band-passed QRS at any rate.
// Squaring the correlation makes inverted complexes (negative QRS, some PVCs) count as well.
import { AdaptivePeakPicker } from './adaptive-peak-picker.js';
import { AdaptiveFeatureDetector } from './adaptive-feature-detector.js';
import { genericQrs } from './raw-history.js';
import { BiquadCascade, butterworthBandpass, FirFilter, MovingSum } from '../filters/index.js';

const lowHz = 5;
const highHz = 25;
const templateSec = 0.2;
const templatePeakSec = 0.08;
const smoothingSec = 0.05;

/** The band-passed generic QRS at this rate, zero mean and unit energy. */
export function qrsTemplate(sampleRateHz: number, bandpass: BiquadCascade): Float64Array {
  const length = Math.max(3, Math.round(templateSec * sampleRateHz));
  const peak = Math.round(templatePeakSec * sampleRateHz);
  const template = new Float64Array(length);
  bandpass.reset();
  for (let i = 0; i < length; i++) {
    template[i] = bandpass.step(genericQrs((i - peak) / sampleRateHz));
  }
  bandpass.reset();
  let mean = 0;
  for (const v of template) mean += v / length;
  let energy = 0;
  for (let i = 0; i < length; i++) {
    template[i] -= mean;
    energy += template[i] * template[i];
  }
  const scale = 1 / Math.sqrt(energy);
  for (let i = 0; i < length; i++) template[i] *= scale;
  return template;
}

export class MatchedFilterDetector extends AdaptiveFeatureDetector {
  readonly name = 'matched-filter' as const;
  readonly latencySamples: number;
  protected readonly picker: AdaptivePeakPicker;
  private readonly bandpass: BiquadCascade;
  private readonly correlator: FirFilter;
  private readonly smooth: MovingSum;
  private readonly smoothScale: number;

  constructor(sampleRateHz: number) {
    super('matched-filter', sampleRateHz);
    const fs = sampleRateHz;
    this.bandpass = new BiquadCascade(butterworthBandpass(2, lowHz, Math.min(highHz, 0.45 * fs), fs));
    const template = qrsTemplate(fs, this.bandpass);
    // correlation = convolution with the time-reversed template
    this.correlator = new FirFilter(Float64Array.from(template).reverse());
    const smoothSamples = Math.max(1, Math.round(smoothingSec * fs));
    this.smooth = new MovingSum(smoothSamples);
    this.smoothScale = 1 / smoothSamples;
    // the correlation peaks when the template's last sample meets the signal, i.e. (length - 1 -
    // R position in the template) samples after the R
    const peak = Math.round(templatePeakSec * fs);
    const delaySamples = template.length - 1 - peak + (smoothSamples - 1) / 2;
    this.picker = new AdaptivePeakPicker({
      sampleRateHz: fs,
      featureDelaySamples: delaySamples,
      featureSpanSamples: Math.round(0.3 * fs) + template.length + smoothSamples,
    });
    this.latencySamples = this.picker.latencySamples;
  }

  protected settle(x: number): void {
    this.bandpass.settle(x);
  }

  /** Squared correlation with the template, smoothed over 50 ms. */
  protected feature(x: number): number {
    const c = this.correlator.step(this.bandpass.step(x));
    return this.smooth.step(c * c) * this.smoothScale;
  }

  protected resetFeature(): void {
    this.bandpass.reset();
    this.correlator.reset();
    this.smooth.reset();
  }
}
