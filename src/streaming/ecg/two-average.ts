// Elgendi, Jonkman & De Boer (2010), "Frequency bands effects on QRS detection" (BIOSIGNALS):
// the "two moving averages" detector. Band-pass 8-20 Hz, square, then compare a QRS-wide moving
// average (W1 = 97 ms) with a beat-wide one (W2 = 611 ms) plus an offset alpha = beta * mean(z),
// beta = 0.08. Runs where MA_QRS > MA_beat + alpha are "blocks of interest"; a block at least W1
// wide holds a QRS, whose R is the largest band-passed magnitude in the block.
//
// Streaming form: both averages are causal, so MA_QRS is delayed by (W2 - W1) / 2 samples to share
// MA_beat's centre; mean(z) is the median of the last ten 1-s block means (the paper: the mean of
// the whole record). Every average is normalised by the samples seen so far, so the first seconds
// are usable. The
// band-pass is causal (the paper filtered forwards and backwards); its group delay is
// compensated when the R is put on the original signal.
//
// Speed: the averages are stepped once per D input samples (D = floor(fs / 150), at least 150 Hz)
// with the mean of z over those D samples, so they equal the full-rate averages taken every D-th
// sample (windows rounded to whole D); the largest |band-pass| of each D samples (and where it was)
// is kept for the block's R. Blocks are located to D samples; the R is put on the full-rate ECG.
import type { RPeakDetector } from './detector.js';
import { checkFeatureSampleRate } from './adaptive-feature-detector.js';
import { RawHistory, SampleGuard } from './raw-history.js';
import { ValueWindow } from './peak-support.js';
import { BiquadCascade, butterworthBandpass, cascadeGroupDelaySamples, MovingSum } from '../filters/index.js';

const lowHz = 8;
const highHz = 20;
const qrsWindowSec = 0.097;
const beatWindowSec = 0.611;
const beta = 0.08;
const meanBlocks = 10;
const meanBlockSec = 1;
const maxBlockSec = 1;
const refractorySec = 0.2;
const refineHalfWidthSec = 0.08;
/** Band-pass settling time after a gap, seconds (its impulse response has died out by then). */
const settleSec = 0.3;
/** The averages and blocks run at no less than this rate (see the top of the file). */
const minFeatureRateHz = 150;
/** Inputs band-passed at a time (a fixed scratch buffer: memory does not grow with the chunk). */
const blockSamples = 512;

/** Every how many input samples the averages are stepped at `sampleRateHz`. */
export function featureStep(sampleRateHz: number): number {
  return Math.max(1, Math.floor(sampleRateHz / minFeatureRateHz));
}

/** Sum of the last N values divided by how many have been seen (at most N). */
class WarmAverage {
  private readonly sum: MovingSum;
  private seen = 0;
  private scale = 1; // 1 / seen, so a step multiplies instead of dividing

  constructor(windowSamples: number) {
    this.sum = new MovingSum(windowSamples);
  }

  step(x: number): number {
    if (this.seen < this.sum.windowSamples) this.scale = 1 / ++this.seen;
    return this.sum.step(x) * this.scale;
  }

  reset(): void {
    this.sum.reset();
    this.seen = 0;
    this.scale = 1;
  }
}

/**
 * mean(z) over the last `blocks` blocks as the median of the block means, so one absurd artefact
 * (whose filter ringing can be 1e10 times the ECG's energy) cannot raise the offset for the whole
 * window; until the first block is complete, the mean of what has been seen.
 */
class RobustMean {
  private readonly means: ValueWindow;
  private readonly blockSamples: number;
  private blockSum = 0;
  private blockFill = 0;
  private median = 0;

  constructor(blockSamples: number, blocks: number) {
    this.blockSamples = Math.max(1, blockSamples);
    this.means = new ValueWindow(blocks);
  }

  step(z: number): number {
    this.blockSum += z;
    this.blockFill++;
    if (this.blockFill === this.blockSamples) {
      this.means.push(this.blockSum / this.blockSamples);
      this.blockSum = 0;
      this.blockFill = 0;
      this.median = this.means.median();
    }
    return this.means.size > 0 ? this.median : this.blockSum / Math.max(1, this.blockFill);
  }

  reset(): void {
    this.means.clear();
    this.blockSum = 0;
    this.blockFill = 0;
    this.median = 0;
  }
}

export class TwoAverageDetector implements RPeakDetector {
  readonly name = 'two-average' as const;
  readonly sampleRateHz: number;
  readonly latencySamples: number;
  private readonly bandpass: BiquadCascade;
  private readonly maQrs: WarmAverage;
  private readonly maBeat: WarmAverage;
  private readonly level: RobustMean;
  /** Delay line aligning MA_QRS (and the band-passed signal) with MA_beat's centre. */
  private readonly qrsLine: Float64Array;
  private readonly bpLine: Float64Array; // largest |band-pass| of each feature sample's D inputs
  private readonly bpAtLine: Float64Array; // ... and its input index
  private readonly scratch = new Float64Array(blockSamples);
  private readonly rawBlock = new Float64Array(blockSamples);
  private readonly missingBlock = new Uint8Array(blockSamples);
  private readonly lineMask: number;
  private readonly qrsLag: number;
  private readonly centreLag: number;
  private readonly bandpassDelay: number;
  private readonly minBlock: number;
  private readonly maxBlock: number;
  private readonly refractory: number;
  private readonly refineHalf: number;
  private readonly span: number;
  /** D: input samples per feature sample. */
  private readonly step: number;
  private readonly zScale: number;
  private readonly guard = new SampleGuard();
  private readonly history: RawHistory;
  private n = 0; // input samples seen
  private m = 0; // feature samples computed
  private phase = 0;
  private zSum = 0; // over the current D inputs
  private bpMax = -1;
  private bpMaxAt = 0;
  private blockStart = -1;
  private blockPeakIdx = -1;
  private blockPeakAbs = 0;
  private lastBeat = -1e12;

  /** `options.featureStep` overrides D (1 = step the averages every sample; for tests and comparisons). */
  constructor(sampleRateHz: number, options: { featureStep?: number } = {}) {
    checkFeatureSampleRate('two-average', sampleRateHz);
    const fs = sampleRateHz;
    this.sampleRateHz = fs;
    const sections = butterworthBandpass(3, lowHz, Math.min(highHz, 0.45 * fs), fs);
    this.bandpass = new BiquadCascade(sections);
    this.bandpassDelay = Math.round(cascadeGroupDelaySamples(sections, Math.sqrt(lowHz * highHz), fs));
    const step = Math.max(1, Math.round(options.featureStep ?? featureStep(fs)));
    this.step = step;
    this.zScale = 1 / step;
    const featureRateHz = fs / step;
    // windows in feature samples
    const w1 = Math.max(1, Math.round(qrsWindowSec * featureRateHz));
    const w2 = Math.max(w1, Math.round(beatWindowSec * featureRateHz));
    this.maQrs = new WarmAverage(w1);
    this.maBeat = new WarmAverage(w2);
    this.level = new RobustMean(Math.round(meanBlockSec * featureRateHz), meanBlocks);
    this.qrsLag = Math.round((w2 - w1) / 2);
    this.centreLag = Math.round((w2 - 1) / 2);
    let size = 1;
    while (size < this.centreLag + 2) size <<= 1;
    this.qrsLine = new Float64Array(size);
    this.bpLine = new Float64Array(size);
    this.bpAtLine = new Float64Array(size);
    this.lineMask = size - 1;
    // block widths, refractory, refinement and spans in input samples
    this.minBlock = Math.max(1, Math.round(qrsWindowSec * fs));
    this.maxBlock = Math.round(maxBlockSec * fs);
    this.refractory = Math.round(refractorySec * fs);
    this.refineHalf = Math.round(refineHalfWidthSec * fs);
    this.span = Math.round(settleSec * fs) + w2 * step;
    // a block closes at most maxBlock after it opened, MA_beat's centre trails by centreLag
    this.latencySamples = this.centreLag * step + (step - 1) + this.maxBlock + step + this.bandpassDelay + this.refineHalf + 1;
    this.history = new RawHistory(this.latencySamples + this.span + 2 * this.refineHalf + 4);
  }

  push(samples: Float32Array): number[] {
    const out: number[] = [];
    for (let from = 0; from < samples.length; from += blockSamples) this.pushBlock(samples, from, Math.min(samples.length, from + blockSamples), out);
    return out;
  }

  /**
   * One block of at most `blockSamples` inputs: the hold per sample, the band-pass over the whole
   * block section by section, then per sample the history, the z sum and |band-pass| maximum with
   * their state in locals; the averages and blocks once per D inputs in featureSample().
   */
  private pushBlock(samples: Float32Array, from: number, to: number, out: number[]): void {
    const guard = this.guard;
    const history = this.history;
    const bandpass = this.bandpass;
    const scratch = this.scratch;
    const length = to - from;
    let settleAt = -1;
    const raw = this.rawBlock;
    const missing = this.missingBlock;
    for (let i = 0; i < length; i++) {
      const x = guard.hold(samples[from + i]);
      if (guard.isFirstValid) settleAt = i;
      raw[i] = x;
      missing[i] = guard.missing ? 1 : 0;
      scratch[i] = x;
    }
    if (settleAt >= 0) {
      // filters start from the first valid sample's steady state (before it: held zeros)
      bandpass.filterInPlace(scratch, 0, settleAt);
      bandpass.settle(scratch[settleAt]);
      bandpass.filterInPlace(scratch, settleAt, length);
    } else {
      bandpass.filterInPlace(scratch, 0, length);
    }
    const step = this.step;
    let n = this.n;
    let phase = this.phase;
    let zSum = this.zSum;
    let bpMax = this.bpMax;
    let bpMaxAt = this.bpMaxAt;
    for (let i = 0; i < length; i++) {
      // the history gets each sample when it is processed: a refinement must not see later samples
      history.push(raw[i], missing[i] === 1);
      const bp = scratch[i];
      zSum += bp * bp;
      const magnitude = bp < 0 ? -bp : bp;
      if (magnitude > bpMax) {
        bpMax = magnitude;
        bpMaxAt = n;
      }
      n++;
      if (++phase < step) continue;
      phase = 0;
      this.n = n;
      this.featureSample(n - 1, zSum * this.zScale, bpMax, bpMaxAt, out);
      zSum = 0;
      bpMax = -1;
    }
    this.n = n;
    this.phase = phase;
    this.zSum = zSum;
    this.bpMax = bpMax;
    this.bpMaxAt = bpMaxAt;
  }

  /** One feature sample: mean z and the largest |band-pass| (at input index bpMaxAt) of the D inputs ending at input `n`. */
  private featureSample(n: number, z: number, bpMax: number, bpMaxAt: number, out: number[]): void {
    const m = this.m++;
    const qrsNow = this.maQrs.step(z);
    const beat = this.maBeat.step(z);
    const alpha = beta * this.level.step(z);
    const mask = this.lineMask;
    this.qrsLine[m & mask] = qrsNow;
    this.bpLine[m & mask] = bpMax;
    this.bpAtLine[m & mask] = bpMaxAt;
    if (m < this.centreLag) return;
    const qrs = this.qrsLine[(m - this.qrsLag) & mask];
    const centre = n - this.centreLag * this.step; // input index of feature sample m - centreLag
    const inBlock = qrs > beat + alpha;
    if (inBlock) {
      const slot = (m - this.centreLag) & mask;
      const magnitude = this.bpLine[slot];
      const magnitudeAt = this.bpAtLine[slot];
      if (this.blockStart < 0) {
        this.blockStart = centre;
        this.blockPeakIdx = magnitudeAt;
        this.blockPeakAbs = magnitude;
      } else if (magnitude > this.blockPeakAbs) {
        this.blockPeakAbs = magnitude;
        this.blockPeakIdx = magnitudeAt;
      }
      if (centre - this.blockStart + this.step >= this.maxBlock) this.closeBlock(centre + this.step, out);
    } else if (this.blockStart >= 0) {
      this.closeBlock(centre, out);
    }
  }

  private closeBlock(endExclusive: number, out: number[]): void {
    const width = endExclusive - this.blockStart;
    const peak = this.blockPeakIdx;
    const start = this.blockStart;
    this.blockStart = -1;
    if (width < this.minBlock) return;
    // a band-pass transient after a gap is not a QRS
    if (this.history.missingSince(start - this.span)) return;
    const r = this.history.refine(peak - this.bandpassDelay, this.refineHalf);
    if (r < 0 || r - this.lastBeat < this.refractory) return;
    this.lastBeat = r;
    out.push(r);
  }

  flush(): number[] {
    const out: number[] = [];
    if (this.blockStart >= 0) this.closeBlock(this.n - 1 - this.phase - this.centreLag * this.step + this.step, out);
    return out;
  }

  reset(): void {
    this.bandpass.reset();
    this.maQrs.reset();
    this.maBeat.reset();
    this.level.reset();
    this.qrsLine.fill(0);
    this.bpLine.fill(0);
    this.bpAtLine.fill(0);
    this.zSum = 0;
    this.bpMax = -1;
    this.bpMaxAt = 0;
    this.guard.reset();
    this.history.reset();
    this.n = 0;
    this.m = 0;
    this.phase = 0;
    this.blockStart = -1;
    this.blockPeakIdx = -1;
    this.blockPeakAbs = 0;
    this.lastBeat = -1e12;
  }
}
