// Pan-Tompkins QRS detector (Pan J, Tompkins WJ. A real-time QRS detection algorithm.
// IEEE Trans Biomed Eng 32(3):230-236, 1985), streaming, for any sample rate.
// Band-pass 5-15 Hz -> five-point derivative -> squaring -> 150 ms moving-window integration ->
// peaks on the integrated signal classified with SPKI/NPKI and thresholds I1 = NPKI + 0.25(SPKI-NPKI),
// I2 = I1/2; 200 ms refractory; T-wave test within 360 ms (slope below half the previous QRS slope);
// search-back for the highest peak above I2 when no QRS came for 166% of the regular RR average.
import { BiquadCascade, butterworthBandpass, cascadeGroupDelaySamples, MovingAverage, RingBuffer, StreamingDerivative } from '../filters/index.js';
import { ClassicDetector } from './classic-detector.js';
import { CandidateLog, LocalPeakPicker, ValueWindow } from './peak-support.js';
import { PeakRefiner } from './peak-refine.js';
import { ProvisionalQrs } from './provisional-qrs.js';

const integrationSec = 0.15;
const refractorySec = 0.2;
const tWaveSec = 0.36;
const learningSec = 2;
const peakTimeoutSec = 0.095;
/** A search-back never reaches further back than this (keeps latency and memory bounded). */
const lookbackSec = 2.5;
const refineHalfSec = 0.075;
const candidateCapacity = 64;
/** Integrated-signal peaks below this, in (uV/s)^2, are noise floor even on a very clean line. */
const featureFloor = 1e-6;

export class PanTompkinsDetector extends ClassicDetector {
  readonly name = 'pan-tompkins' as const;
  readonly latencySamples: number;
  protected readonly refiner: PeakRefiner;

  private readonly bandpass: BiquadCascade;
  private readonly derivative: StreamingDerivative;
  private readonly integrator: MovingAverage;
  private readonly slopes: RingBuffer; // |derivative|, for the T-wave slope test
  private readonly picker: LocalPeakPicker;
  private readonly candidates = new CandidateLog(candidateCapacity);
  private readonly rrAll = new ValueWindow(8);
  private readonly rrRegular = new ValueWindow(8);
  private readonly lastQrs: ProvisionalQrs;

  private readonly featureDelaySamples: number; // integrated-peak index minus R index
  private readonly refractorySamples: number;
  private readonly tWaveSamples: number;
  private readonly learningSamples: number;
  private readonly lookbackSamples: number;
  private readonly refineHalfSamples: number;

  private learning = true;
  private learnMax = 0;
  private learnSum = 0;
  private spki = 0;
  private npki = 0;
  private searchDue = Infinity;
  private irregular = false;
  private spkiBeforeLast = 0;

  constructor(sampleRateHz: number) {
    super(sampleRateHz);
    const fs = sampleRateHz;
    const sections = butterworthBandpass(2, 5, 15, fs);
    this.bandpass = new BiquadCascade(sections);
    this.derivative = new StreamingDerivative(fs, 'five-point');
    const windowSamples = Math.max(1, Math.round(integrationSec * fs));
    this.integrator = new MovingAverage(windowSamples);
    this.featureDelaySamples = Math.round(cascadeGroupDelaySamples(sections, 10, fs) + this.derivative.delaySamples + (windowSamples - 1) / 2);
    this.refractorySamples = Math.round(refractorySec * fs);
    this.tWaveSamples = Math.round(tWaveSec * fs);
    this.learningSamples = Math.round(learningSec * fs);
    this.lookbackSamples = Math.round(lookbackSec * fs);
    this.refineHalfSamples = Math.round(refineHalfSec * fs);
    const timeoutSamples = Math.round(peakTimeoutSec * fs);
    this.picker = new LocalPeakPicker(timeoutSamples, featureFloor);
    this.slopes = new RingBuffer(windowSamples + timeoutSamples + 4);
    const historySamples = Math.max(this.lookbackSamples, this.learningSamples) + this.featureDelaySamples + 2 * this.refineHalfSamples + timeoutSamples;
    this.refiner = new PeakRefiner(fs, historySamples, this.refractorySamples / 2);
    this.lastQrs = new ProvisionalQrs(this.refiner, this.featureDelaySamples, this.refineHalfSamples, this.tWaveSamples);
    // Worst case: a candidate decided at the end of learning or found by search-back lookbackSec
    // after its feature peak, plus the feature delay and the refinement window.
    this.latencySamples = Math.max(this.lookbackSamples, this.learningSamples + timeoutSamples) + this.featureDelaySamples + this.refineHalfSamples + this.refiner.delaySamples + 1;
  }

  protected override finish(): void {
    if (this.learning && this.sampleCount > 0) this.endLearning();
    this.lastQrs.commit();
  }

  protected resetAlgorithm(): void {
    this.bandpass.reset();
    this.derivative.reset();
    this.integrator.reset();
    this.slopes.reset();
    this.picker.reset();
    this.candidates.clear();
    this.rrAll.clear();
    this.rrRegular.clear();
    this.learning = true;
    this.learnMax = 0;
    this.learnSum = 0;
    this.spki = 0;
    this.npki = 0;
    this.lastQrs.reset();
    this.searchDue = Infinity;
    this.irregular = false;
    this.spkiBeforeLast = 0;
  }

  protected settle(x: number): void {
    this.bandpass.settle(x);
    this.derivative.settle(x);
  }

  protected detect(x: number, n: number): void {
    const d = this.derivative.step(this.bandpass.step(x));
    this.slopes.push(Math.abs(d));
    const feature = this.integrator.step(d * d);
    if (this.learning) {
      if (feature > this.learnMax) this.learnMax = feature;
      this.learnSum += feature;
    }
    if (this.picker.step(feature, n)) {
      const index = this.picker.peakIndex;
      const slope = this.maxSlopeBefore(index);
      if (this.learning) this.candidates.push(index, this.picker.peakHeight, slope);
      else this.classify(index, this.picker.peakHeight, slope);
    }
    if (this.learning) {
      if (n + 1 >= this.learningSamples) this.endLearning();
    } else {
      if (n >= this.searchDue) this.searchBack(n);
      this.lastQrs.commitIfDue(n);
    }
  }

  /** Largest |derivative| over the integration window that produced the peak at `index`. */
  private maxSlopeBefore(index: number): number {
    let best = 0;
    const from = Math.max(this.slopes.start, index - this.integrator.windowSamples + 1);
    for (let k = from; k <= index && k < this.slopes.end; k++) {
      const v = this.slopes.at(k);
      if (v > best) best = v;
    }
    return best;
  }

  private endLearning(): void {
    this.learning = false;
    // Pan & Tompkins: signal level from the learning maximum, noise level from its mean.
    this.spki = this.learnMax / 3;
    this.npki = this.learnSum / Math.max(1, this.sampleCount) / 2;
    const { index, height, slope } = this.candidates.takeAll();
    for (let i = 0; i < index.length; i++) this.classify(index[i], height[i], slope[i]);
  }

  private threshold1(): number {
    const t = this.npki + 0.25 * (this.spki - this.npki);
    // Pan & Tompkins: with an irregular rhythm the threshold is halved.
    return this.irregular ? 0.5 * t : t;
  }

  private classify(index: number, height: number, slope: number): void {
    const sinceBeat = index - this.lastQrs.index;
    if (this.lastQrs.replaceableBy(index, height, slope) && height > this.threshold1()) {
      this.replaceProvisional(index, height, slope);
      return;
    }
    if (height > this.threshold1() && sinceBeat > this.refractorySamples) {
      if (sinceBeat < this.tWaveSamples && slope < 0.5 * this.lastQrs.slope) {
        this.npki = 0.125 * this.clipHeight(height) + 0.875 * this.npki; // T wave
        return;
      }
      this.acceptBeat(index, height, slope, 0.125);
      return;
    }
    if (sinceBeat > this.refractorySamples) {
      this.npki = 0.125 * this.clipHeight(height) + 0.875 * this.npki;
      this.candidates.push(index, height, slope);
    }
  }

  /**
   * Our deviation from the paper: a peak higher than twice the signal level counts as twice the level
   * in the level updates, so one large ectopic beat or artefact (squared: 10-100x) cannot blind the detector.
   */
  private clipHeight(height: number): number {
    return height > 2 * this.spki && this.spki > 0 ? 2 * this.spki : height;
  }

  /** Takes a QRS, provisionally: see replaceProvisional(). `weight` is the SPKI update weight. */
  private acceptBeat(index: number, height: number, slope: number, weight: number): void {
    this.spkiBeforeLast = this.spki;
    this.spki = weight * this.clipHeight(height) + (1 - weight) * this.spki;
    if (Number.isFinite(this.lastQrs.index)) this.addRr(index - this.lastQrs.index);
    this.lastQrs.take(index, height, slope);
    this.afterQrs(index);
  }

  /** A larger and steeper QRS-grade peak replaces the provisional QRS (see provisional-qrs.ts). */
  private replaceProvisional(index: number, height: number, slope: number): void {
    this.npki = 0.125 * this.clipHeight(this.lastQrs.height) + 0.875 * this.npki;
    this.spki = 0.125 * this.clipHeight(height) + 0.875 * this.spkiBeforeLast;
    if (Number.isFinite(this.lastQrs.previousIndex)) this.rrAll.replaceLast(index - this.lastQrs.previousIndex);
    this.lastQrs.replace(index, height, slope);
    this.afterQrs(index);
  }

  private afterQrs(index: number): void {
    this.candidates.dropThrough(index);
    this.scheduleSearch();
  }

  private addRr(rrSamples: number): void {
    this.rrAll.push(rrSamples);
    const regular = this.rrRegular.size === 0 ? this.rrAll.mean() : this.rrRegular.mean();
    this.irregular = !(rrSamples > 0.92 * regular && rrSamples < 1.16 * regular);
    if (!this.irregular) this.rrRegular.push(rrSamples);
    else if (this.rrRegular.size === 0) this.rrRegular.push(rrSamples);
  }

  private rrAverage(): number {
    if (this.rrRegular.size > 0) return this.rrRegular.mean();
    return this.rrAll.size > 0 ? this.rrAll.mean() : this.sampleRateHz; // 1 s until known
  }

  private scheduleSearch(): void {
    const wait = Math.min(1.66 * this.rrAverage(), this.lookbackSamples - this.refractorySamples);
    this.searchDue = this.lastQrs.index + Math.round(wait) + this.picker.timeoutSamples;
  }

  private searchBack(n: number): void {
    const from = Math.max(this.lastQrs.index + this.refractorySamples + 1, n - this.lookbackSamples);
    // The highest candidate where the missed beat should be (within 166% RR), else the highest at all.
    const missLimit = this.lastQrs.index + Math.round(1.66 * this.rrAverage());
    const i2 = 0.5 * this.threshold1();
    let found = this.candidates.highestIn(from, missLimit, i2);
    if (found < 0) found = this.candidates.highestIn(from, n, i2);
    if (found >= 0) {
      const index = this.candidates.indexAt(found);
      const height = this.candidates.heightAt(found);
      this.acceptBeat(index, height, this.candidates.slopeAt(found), 0.25);
      return;
    }
    // Nothing even above I2: the levels are stale (e.g. after a huge artefact). Let them fall
    // so detection recovers, and look again one average RR later.
    this.spki *= 0.5;
    this.searchDue = n + Math.round(this.rrAverage());
    // The regular-RR average is stale after a long pause too.
    this.rrRegular.clear();
  }
}
