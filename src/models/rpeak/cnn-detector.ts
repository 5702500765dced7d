// The R-peak CNN as a streaming RPeakDetector: device samples (µV, any rate, NaN allowed) are
// resampled on the fly to the model rate, cut into overlapping windows (window W, hop H), each
// window normalised and run once; only each window's trusted centre [C, C + H) is kept. Window k
// covers model samples [kH - C, kH - C + W) (the first windows reach before the stream: those
// samples are missing, like NaN), so the centres tile [0, inf) and the stitched probability stream
// does not depend on the chunking. Peaks are picked with a threshold and a refractory period R and
// mapped back to device samples (nearest).
//
// Latency bound: probability t is known when its window ends, at most W - 1 - C model samples
// later; a peak needs R - 1 probabilities after it; so W - C + R - 2 model samples, converted to
// device samples, plus the resampler's one input sample and the rounding of the mapping back.
import type { DetectorName, RPeakDetector } from '../../streaming/ecg/detector.js';
import type { RPeakCnnConfig } from './cnn-config.js';
import { LinearResampler, normalizeWindow, SLOPE_HALF_WIDTH_SAMPLES, searchBackMaxGapSamples, StreamingPeakPicker, steepestSlope } from './cnn-stream.js';

/** What the detector calls, once per window: a normalised window in, per-sample probabilities out. */
export interface RPeakWindowModel {
  readonly config: RPeakCnnConfig;
  probabilities(window: Float32Array): Float32Array;
}

const MICROVOLTS_PER_MV = 1000;

/** Model-rate samples between an R peak and the model-rate sample whose arrival reports it. */
export function modelLatencySamples(config: RPeakCnnConfig): number {
  const direct = config.windowSamples - config.trustedStartSamples + config.refractorySamples - 2;
  // A search-back peak is decided with the peak after it, at most maxGap - R later.
  return config.searchBack ? direct + searchBackMaxGapSamples(config.searchBack) - config.refractorySamples : direct;
}

export class CnnRPeakDetector implements RPeakDetector {
  readonly name: DetectorName = 'cnn';
  readonly latencySamples: number;
  private readonly config: RPeakCnnConfig;
  private readonly resampler: LinearResampler;
  private readonly picker: StreamingPeakPicker;
  /** The last W (+ the search-back gap) model-rate samples (mV), ring-indexed by absolute model sample. */
  private readonly history: Float64Array;
  private readonly window: Float64Array;
  private readonly input: Float32Array;
  private modelCount = 0;
  private nextWindowStart: number;
  /** Model samples whose probability has been handed to the picker. */
  private probCount = 0;
  private lastReported = -1;
  private readonly scratch: number[] = [];
  private readonly peaks: number[] = [];

  constructor(
    readonly sampleRateHz: number,
    private readonly model: RPeakWindowModel,
  ) {
    if (!(sampleRateHz > 0) || !Number.isFinite(sampleRateHz)) throw new RangeError(`sample rate must be positive, got ${sampleRateHz}`);
    this.config = model.config;
    const { windowSamples, sampleRateHz: modelHz, threshold, refractorySamples, tWave, searchBack } = this.config;
    this.resampler = new LinearResampler(sampleRateHz, modelHz);
    // The T-wave rule's slopes read the signal around a peak when it is decided: at least
    // W - C - H + R + half samples back, plus the gap for a search-back peak.
    this.history = new Float64Array(windowSamples + (searchBack ? searchBackMaxGapSamples(searchBack) : 0) + SLOPE_HALF_WIDTH_SAMPLES);
    const slopeAt = tWave?.slopeFraction !== undefined ? (t: number) => steepestSlope(this.sampleAt, t) : undefined;
    this.picker = new StreamingPeakPicker(threshold, refractorySamples, tWave, searchBack, slopeAt);
    this.window = new Float64Array(windowSamples);
    this.input = new Float32Array(windowSamples);
    this.nextWindowStart = -this.config.trustedStartSamples;
    this.latencySamples = Math.ceil((modelLatencySamples(this.config) * sampleRateHz) / modelHz) + 3;
  }

  push(samples: Float32Array): number[] {
    this.scratch.length = 0;
    this.resampler.push(samples, this.scratch);
    const found: number[] = [];
    for (const v of this.scratch) {
      this.history[this.modelCount % this.history.length] = v / MICROVOLTS_PER_MV;
      this.modelCount++;
      if (this.modelCount === this.nextWindowStart + this.config.windowSamples) this.runWindow(this.nextWindowStart, false, found);
    }
    return this.toDevice(found);
  }

  flush(): number[] {
    const found: number[] = [];
    const { windowSamples } = this.config;
    if (this.modelCount > this.probCount) {
      // A last window ending at the last sample (reaching before the stream if it is short).
      this.runWindow(this.modelCount - windowSamples, true, found);
    }
    this.picker.flush(this.peaks);
    found.push(...this.peaks.splice(0));
    return this.toDevice(found);
  }

  reset(): void {
    this.resampler.reset();
    this.picker.reset();
    this.modelCount = this.probCount = 0;
    this.nextWindowStart = -this.config.trustedStartSamples;
    this.lastReported = -1;
  }

  /** Model-rate sample k in mV; NaN when unknown (before the stream, not yet arrived, or out of the history). */
  private readonly sampleAt = (k: number): number =>
    k >= 0 && k < this.modelCount && k >= this.modelCount - this.history.length ? this.history[k % this.history.length]! : Number.NaN;

  /** Runs the window starting at model sample `start` and feeds its new trusted probabilities to the picker. */
  private runWindow(start: number, last: boolean, found: number[]): void {
    const { windowSamples: w, hopSamples: h, trustedStartSamples: c, normFloorMv, normClip } = this.config;
    for (let i = 0; i < w; i++) {
      const t = start + i;
      this.window[i] = this.sampleAt(t);
    }
    const probs = this.model.probabilities(normalizeWindow(this.window, normFloorMv, normClip, this.input));
    if (probs.length !== w) throw new Error(`model returned ${probs.length} probabilities for a ${w}-sample window`);
    const end = last ? this.modelCount : start + c + h;
    const from = this.probCount - start;
    this.picker.push(probs.subarray(from, end - start), this.peaks);
    this.probCount = end;
    if (!last) this.nextWindowStart += h;
    found.push(...this.peaks.splice(0));
  }

  /** Model-rate peaks -> device sample indices (nearest), ascending and never repeated. */
  private toDevice(modelPeaks: number[]): number[] {
    const out: number[] = [];
    for (const t of modelPeaks) {
      const d = Math.round(this.resampler.position(t));
      if (d > this.lastReported) out.push(d), (this.lastReported = d);
    }
    return out;
  }
}

export function createCnnDetector(sampleRateHz: number, model: RPeakWindowModel): CnnRPeakDetector {
  return new CnnRPeakDetector(sampleRateHz, model);
}
