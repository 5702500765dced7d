// Matched-filter QRS detector: correlate the band-passed ECG with a QRS template, square the
// correlation, smooth it, and pick beats with the shared adaptive threshold (signal/noise peak
// levels, refractory period, search-back).
//
// The template is generic, not learned: a physiological Q-R-S complex (three Gaussians: Q -0.15 at
// -25 ms, R 1.0 at 0, S -0.3 at +25 ms, widths 8-10 ms) sampled at the detector's rate and passed
// through the same band-pass, so it is the filter matched to an ideal band-passed QRS at any rate.
// Squaring the correlation makes inverted complexes (negative QRS, some PVCs) count as well.
//
// Speed: the correlation only needs the 5-25 Hz band, so above 300 Hz it runs on every D-th
// band-passed sample (D = floor(fs / 150), an effective rate of at least 150 Hz; the band-pass
// attenuates what would alias into 5-25 Hz by more than 30 dB) with the template sampled at fs / D,
// and the feature is held between correlation samples. At 360 Hz that halves the multiply-adds of the
// 0.2 s template; beats are still put on the full-rate ECG (the picker's refinement).
import { AdaptivePeakPicker } from './adaptive-peak-picker.js';
import { AdaptiveFeatureDetector } from './adaptive-feature-detector.js';
import { genericQrs } from './raw-history.js';
import { BiquadCascade, butterworthBandpass, FirFilter, MovingSum } from '../filters/index.js';

const lowHz = 5;
const highHz = 25;
const templateSec = 0.2;
const templatePeakSec = 0.08;
const smoothingSec = 0.05;
/** The correlation runs at no less than this rate (see the top of the file). */
const minCorrelationRateHz = 150;
/** Inputs band-passed at a time (fixed scratch buffers: memory does not grow with the chunk). */
const blockSamples = 512;

/** Every how many input samples the correlation is evaluated at `sampleRateHz`. */
export function correlationStep(sampleRateHz: number): number {
  return Math.max(1, Math.floor(sampleRateHz / minCorrelationRateHz));
}

/**
 * The band-passed generic QRS at this rate, zero mean and unit energy; with `step` > 1, every
 * step-th sample of it (the R sample included), for a correlation at sampleRateHz / step.
 */
export function qrsTemplate(sampleRateHz: number, bandpass: BiquadCascade, step = 1): Float64Array {
  const fullLength = Math.max(3 * step, Math.round(templateSec * sampleRateHz));
  const peak = Math.round(templatePeakSec * sampleRateHz);
  const full = new Float64Array(fullLength);
  bandpass.reset();
  for (let i = 0; i < fullLength; i++) {
    full[i] = bandpass.step(genericQrs((i - peak) / sampleRateHz));
  }
  bandpass.reset();
  const first = peak % step;
  const length = Math.floor((fullLength - 1 - first) / step) + 1;
  const template = new Float64Array(length);
  for (let i = 0; i < length; i++) template[i] = full[first + i * step];
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
  private readonly step: number;
  private phase = 0;
  private held = 0;
  private readonly rawBlock = new Float64Array(blockSamples);
  private readonly bandBlock = new Float64Array(blockSamples);
  private readonly missingBlock = new Uint8Array(blockSamples);

  /** `options.correlationStep` overrides D (1 = correlate every sample; for tests and comparisons). */
  constructor(sampleRateHz: number, options: { correlationStep?: number } = {}) {
    super('matched-filter', sampleRateHz);
    const fs = sampleRateHz;
    this.bandpass = new BiquadCascade(butterworthBandpass(2, lowHz, Math.min(highHz, 0.45 * fs), fs));
    this.step = Math.max(1, Math.round(options.correlationStep ?? correlationStep(fs)));
    const step = this.step;
    const template = qrsTemplate(fs, this.bandpass, step);
    // correlation = convolution with the time-reversed template
    this.correlator = new FirFilter(Float64Array.from(template).reverse());
    const smoothSamples = Math.max(1, Math.round(smoothingSec * (fs / step)));
    this.smooth = new MovingSum(smoothSamples);
    this.smoothScale = 1 / smoothSamples;
    // the correlation peaks when the template's last sample meets the signal, i.e. (length - 1 -
    // R position in the template) correlation samples after the R; holding adds up to step - 1
    const peak = Math.floor(Math.round(templatePeakSec * fs) / step);
    const delaySamples = step * (template.length - 1 - peak + (smoothSamples - 1) / 2) + (step - 1) / 2;
    this.picker = new AdaptivePeakPicker({
      sampleRateHz: fs,
      featureDelaySamples: delaySamples,
      featureSpanSamples: Math.round(0.3 * fs) + step * (template.length + smoothSamples),
    });
    this.latencySamples = this.picker.latencySamples;
  }

  protected settle(x: number): void {
    this.bandpass.settle(x);
  }

  /**
   * Same beats as the base class's sample-by-sample push(), faster: per block of inputs the hold,
   * then the band-pass over the whole block section by section, then correlation and picker.
   */
  override push(samples: Float32Array): number[] {
    const out: number[] = [];
    for (let from = 0; from < samples.length; from += blockSamples) this.pushBlock(samples, from, Math.min(samples.length, from + blockSamples), out);
    return out;
  }

  private pushBlock(samples: Float32Array, from: number, to: number, out: number[]): void {
    const guard = this.guard;
    const raw = this.rawBlock;
    const band = this.bandBlock;
    const missing = this.missingBlock;
    const length = to - from;
    let settleAt = -1;
    for (let i = 0; i < length; i++) {
      const x = guard.hold(samples[from + i]);
      if (guard.isFirstValid) settleAt = i;
      raw[i] = x;
      band[i] = x;
      missing[i] = guard.missing ? 1 : 0;
    }
    if (settleAt >= 0) {
      this.bandpass.filterInPlace(band, 0, settleAt);
      this.settle(raw[settleAt]);
      this.bandpass.filterInPlace(band, settleAt, length);
    } else {
      this.bandpass.filterInPlace(band, 0, length);
    }
    const picker = this.picker;
    for (let i = 0; i < length; i++) picker.step(raw[i], missing[i] === 1, this.correlate(band[i]), out);
  }

  /** Squared correlation with the template, smoothed over 50 ms (held between correlation samples). */
  protected feature(x: number): number {
    return this.correlate(this.bandpass.step(x));
  }

  /** The feature from the next band-passed sample. */
  private correlate(bp: number): number {
    if (++this.phase < this.step) return this.held;
    this.phase = 0;
    const c = this.correlator.step(bp);
    this.held = this.smooth.step(c * c) * this.smoothScale;
    return this.held;
  }

  protected resetFeature(): void {
    this.bandpass.reset();
    this.correlator.reset();
    this.smooth.reset();
    this.phase = 0;
    this.held = 0;
  }
}
