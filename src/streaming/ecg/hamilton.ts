// Hamilton QRS detector (Hamilton P. Open Source ECG Analysis. Computers in Cardiology 29:101-104,
// 2002; EP Limited OSEA qrsdet2), streaming, for any sample rate.
// Band-pass 8-16 Hz -> 10 ms difference -> |.| -> 80 ms moving average -> local peaks. A peak is
// held 200 ms (a larger one within that time replaces it), then judged: QRS if above
// noise_median + 0.475 (qrs_median - noise_median) over the last 8 QRS / noise peaks (OSEA's TH;
// 0.3125 let T and P waves through on MIT-BIH 114 and 108), not a
// baseline shift (derivative must swing both ways within 150 ms), and not a T wave (within 360 ms
// of the last QRS with less than half its slope). Search-back when no QRS for 1.5x the median RR
// (OSEA: the mean; see searchBack()):
// the largest peak above half the threshold, at least 360 ms after the last QRS, becomes a QRS.
// Our addition: a QRS stays provisional for 360 ms; a larger and steeper QRS-grade peak in that time
// replaces it (provisional-qrs.ts).
import { BiquadCascade, butterworthBandpass, cascadeGroupDelaySamples, MovingAverage, RingBuffer } from '../filters/index.js';
import { ClassicDetector } from './classic-detector.js';
import { CandidateLog, LagDerivative, LocalPeakPicker, ValueWindow } from './peak-support.js';
import { PeakRefiner } from './peak-refine.js';
import { ProvisionalQrs } from './provisional-qrs.js';

const threshold = 0.475;
const integrationSec = 0.08;
const differenceSec = 0.01;
const preBlankSec = 0.2;
const tWaveSec = 0.36;
const blsWindowSec = 0.22;
const blsPairSec = 0.15;
const learningSec = 3;
const learningWindows = 3;
const peakTimeoutSec = 0.095;
const lookbackSec = 2.5;
const refineHalfSec = 0.075;
const candidateCapacity = 64;
/** Feature peaks below this (mean |derivative|, uV/s) are ignored: a flat line gives no beats. */
const featureFloor = 1e-3;

export class HamiltonDetector extends ClassicDetector {
  readonly name = 'hamilton' as const;
  readonly latencySamples: number;
  protected readonly refiner: PeakRefiner;

  private readonly bandpass: BiquadCascade;
  private readonly difference: LagDerivative; // 10 ms difference of the band-passed signal
  private readonly derivatives: RingBuffer; // signed, for the baseline-shift and slope checks
  private readonly integrator: MovingAverage;
  private readonly picker: LocalPeakPicker;
  private readonly candidates = new CandidateLog(candidateCapacity);
  private readonly qrsPeaks = new ValueWindow(8);
  private readonly noisePeaks = new ValueWindow(8);
  private readonly rrIntervals = new ValueWindow(8);
  private readonly learnMax = new Float64Array(learningWindows);
  private readonly lastQrs: ProvisionalQrs;

  private readonly featureDelaySamples: number;
  private readonly preBlankSamples: number;
  private readonly tWaveSamples: number;
  private readonly blsWindowSamples: number;
  private readonly blsPairSamples: number;
  private readonly learningSamples: number;
  private readonly lookbackSamples: number;
  private readonly refineHalfSamples: number;

  private learning = true;
  private detThreshold = 0;
  private searchLimitSamples = Infinity; // see updateSearchLimit()
  // The held ("temp") peak waiting out its 200 ms pre-blank interval.
  private heldIndex = -1;
  private heldHeight = 0;
  private heldSlope = 0;
  private heldBaselineShift = false;

  constructor(sampleRateHz: number) {
    super(sampleRateHz);
    const fs = sampleRateHz;
    const sections = butterworthBandpass(2, 8, 16, fs);
    this.bandpass = new BiquadCascade(sections);
    const differenceSamples = Math.max(1, Math.round(differenceSec * fs));
    this.difference = new LagDerivative(differenceSamples, fs);
    const windowSamples = Math.max(1, Math.round(integrationSec * fs));
    this.integrator = new MovingAverage(windowSamples);
    this.featureDelaySamples = Math.round(cascadeGroupDelaySamples(sections, 10, fs) + differenceSamples / 2 + (windowSamples - 1) / 2);
    this.preBlankSamples = Math.round(preBlankSec * fs);
    this.tWaveSamples = Math.round(tWaveSec * fs);
    this.blsWindowSamples = Math.round(blsWindowSec * fs);
    this.blsPairSamples = Math.round(blsPairSec * fs);
    this.learningSamples = Math.round(learningSec * fs);
    this.lookbackSamples = Math.round(lookbackSec * fs);
    this.refineHalfSamples = Math.round(refineHalfSec * fs);
    const timeoutSamples = Math.round(peakTimeoutSec * fs);
    this.picker = new LocalPeakPicker(timeoutSamples, featureFloor);
    this.derivatives = new RingBuffer(this.blsWindowSamples + timeoutSamples + 4);
    const historySamples = Math.max(this.lookbackSamples, this.learningSamples + this.preBlankSamples) + this.featureDelaySamples + 2 * this.refineHalfSamples + timeoutSamples;
    this.refiner = new PeakRefiner(fs, historySamples, this.preBlankSamples / 2);
    this.lastQrs = new ProvisionalQrs(this.refiner, this.featureDelaySamples, this.refineHalfSamples, this.tWaveSamples);
    const decisionSamples = Math.max(this.lookbackSamples, this.learningSamples + this.preBlankSamples + timeoutSamples, this.preBlankSamples + timeoutSamples);
    this.latencySamples = decisionSamples + this.featureDelaySamples + this.refineHalfSamples + this.refiner.delaySamples + 2;
  }

  protected override finish(): void {
    if (this.learning && this.sampleCount > 0) this.endLearning();
    if (this.heldIndex >= 0) this.judgeHeld();
    this.lastQrs.commit();
  }

  protected resetAlgorithm(): void {
    this.bandpass.reset();
    this.difference.reset();
    this.derivatives.reset();
    this.integrator.reset();
    this.picker.reset();
    this.candidates.clear();
    this.qrsPeaks.clear();
    this.noisePeaks.clear();
    this.rrIntervals.clear();
    this.searchLimitSamples = Infinity;
    this.learnMax.fill(0);
    this.learning = true;
    this.detThreshold = 0;
    this.lastQrs.reset();
    this.heldIndex = -1;
    this.heldHeight = 0;
    this.heldSlope = 0;
    this.heldBaselineShift = false;
  }

  protected settle(x: number): void {
    this.bandpass.settle(x);
  }

  protected detect(x: number, n: number): void {
    const d = this.difference.step(this.bandpass.step(x));
    this.derivatives.push(d);
    const feature = this.integrator.step(Math.abs(d));
    if (this.picker.step(feature, n)) this.onPeak(this.picker.peakIndex, this.picker.peakHeight);
    if (this.learning) {
      if (n + 1 >= this.learningSamples) this.endLearning();
    } else {
      // Judge only once every peak within the pre-blank interval has been confirmed by the picker.
      if (this.heldIndex >= 0 && n - this.heldIndex > this.preBlankSamples + this.picker.timeoutSamples) this.judgeHeld();
      this.searchBack(n);
      this.lastQrs.commitIfDue(n);
    }
  }

  private onPeak(index: number, height: number): void {
    if (this.learning) {
      const w = Math.min(learningWindows - 1, Math.floor((index * learningWindows) / this.learningSamples));
      if (height > this.learnMax[w]) this.learnMax[w] = height;
    }
    // Within the pre-blank interval of the held peak, only a larger peak replaces it.
    if (this.heldIndex >= 0 && index - this.heldIndex < this.preBlankSamples) {
      if (height <= this.heldHeight) return;
    } else if (this.heldIndex >= 0) {
      this.judgeHeld();
    }
    this.heldIndex = index;
    this.heldHeight = height;
    this.examineSlopes(index);
  }

  /** Baseline-shift check (OSEA BLSCheck) and the largest slope, over the 220 ms before `index`. */
  private examineSlopes(index: number): void {
    let max = 0;
    let min = 0;
    let maxAt = index;
    let minAt = index;
    const from = Math.max(this.derivatives.start, index - this.blsWindowSamples + 1);
    for (let k = from; k <= index; k++) {
      const v = this.derivatives.at(k);
      if (v > max) {
        max = v;
        maxAt = k;
      } else if (v < min) {
        min = v;
        minAt = k;
      }
    }
    min = -min;
    this.heldSlope = Math.max(max, min);
    this.heldBaselineShift = !(max > min / 8 && min > max / 8 && Math.abs(maxAt - minAt) < this.blsPairSamples);
  }

  private endLearning(): void {
    this.learning = false;
    // OSEA initialises the QRS buffer with per-window maxima, the noise buffer with zeros, RR = 1 s.
    for (let i = 0; i < 8; i++) this.qrsPeaks.push(this.learnMax[i % learningWindows]);
    this.noisePeaks.fill(0);
    this.rrIntervals.fill(this.sampleRateHz);
    this.updateSearchLimit();
    this.updateThreshold();
    // Replay the peaks seen while learning, oldest first, through the normal decision.
    const { index, height, slope } = this.candidates.takeAll();
    const heldIndex = this.heldIndex;
    const heldHeight = this.heldHeight;
    const heldSlope = this.heldSlope;
    const heldShift = this.heldBaselineShift;
    for (let i = 0; i < index.length; i++) {
      // Slopes were stored signed: negative means "baseline shift".
      this.decide(index[i], height[i], Math.abs(slope[i]), slope[i] < 0);
    }
    if (heldIndex >= 0) {
      this.heldIndex = heldIndex;
      this.heldHeight = heldHeight;
      this.heldSlope = heldSlope;
      this.heldBaselineShift = heldShift;
    }
  }

  private judgeHeld(): void {
    const index = this.heldIndex;
    this.heldIndex = -1;
    if (this.learning) {
      this.candidates.push(index, this.heldHeight, this.heldBaselineShift ? -this.heldSlope : this.heldSlope);
      return;
    }
    this.decide(index, this.heldHeight, this.heldSlope, this.heldBaselineShift);
  }

  private decide(index: number, height: number, slope: number, baselineShift: boolean): void {
    const sinceBeat = index - this.lastQrs.index;
    if (sinceBeat < this.preBlankSamples) return;
    const tWave = sinceBeat < this.tWaveSamples && slope < 0.5 * this.lastQrs.slope;
    if (height > this.detThreshold && !baselineShift && !tWave) {
      this.acceptBeat(index, height, slope);
      return;
    }
    this.noisePeaks.push(height);
    this.updateThreshold();
    if (sinceBeat > this.tWaveSamples) this.candidates.push(index, height, slope);
  }

  private acceptBeat(index: number, height: number, slope: number): void {
    const last = this.lastQrs;
    if (last.replaceableBy(index, height, slope)) {
      this.noisePeaks.push(last.height);
      this.qrsPeaks.replaceLast(height);
      if (Number.isFinite(last.previousIndex)) this.rrIntervals.replaceLast(index - last.previousIndex);
      this.updateSearchLimit();
      last.replace(index, height, slope);
    } else {
      this.qrsPeaks.push(height);
      if (Number.isFinite(last.index)) this.rrIntervals.push(index - last.index);
      this.updateSearchLimit();
      last.take(index, height, slope);
    }
    this.updateThreshold();
    this.candidates.dropThrough(index);
  }

  /**
   * Search-back is due 1.5 x the *median* of the last 8 RR after a QRS (OSEA: the mean). One false
   * detection puts two short intervals in the window; the mean then drops (e.g. 1.0 s to 0.875 s),
   * search-back comes due before a slightly late beat has been judged, and takes a noise peak
   * instead: under muscle noise most of our extra detections came this way. The median of 8 ignores
   * two outliers. Kept up to date on every RR change (not per sample: the median sorts).
   */
  private updateSearchLimit(): void {
    this.searchLimitSamples = Math.min(1.5 * this.rrIntervals.median(), this.lookbackSamples - this.tWaveSamples);
  }

  private updateThreshold(): void {
    const qrs = this.qrsPeaks.median();
    const noise = this.noisePeaks.median();
    this.detThreshold = noise + threshold * (qrs - noise);
  }

  private searchBack(n: number): void {
    const lastIndex = this.lastQrs.index;
    if (!Number.isFinite(lastIndex)) return;
    const sinceBeat = n - lastIndex;
    const limit = this.searchLimitSamples;
    if (sinceBeat <= limit) return;
    const from = Math.max(lastIndex + this.tWaveSamples, n - this.lookbackSamples);
    const found = this.candidates.highestIn(from, n, this.detThreshold / 2);
    if (found >= 0) {
      this.acceptBeat(this.candidates.indexAt(found), this.candidates.heightAt(found), this.candidates.slopeAt(found));
      return;
    }
    if (sinceBeat > this.lookbackSamples) {
      // Nothing qualifies for a long time (e.g. after a huge artefact): let the QRS level decay.
      this.qrsPeaks.push(this.qrsPeaks.median() / 2);
      this.updateThreshold();
      this.lastQrs.restartWaitFrom(n - this.tWaveSamples); // keeps search-back bounded
    }
  }
}
