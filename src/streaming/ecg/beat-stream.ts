// Runs a streaming R-peak detector over a device's ECG sample blocks, keeping beats on the device
// clock across gaps: short gaps are filled with missing samples (NaN, which detectors tolerate),
// long gaps or a change of sample rate restart the detector at the new position.
import type { SampleBlock } from '../types.js';
import type { DetectorName, RPeakDetector } from './detector.js';
import { createDetector } from './registry.js';

export interface StreamBeat {
  /** Index of the R peak in the device stream. */
  sampleIndex: number;
  /** Device time of the R peak, µs. */
  tUs: number;
}

export interface BeatStreamStats {
  gapsFilled: number;
  samplesFilled: number;
  detectorRestarts: number;
}

export interface BeatStreamOptions {
  detector: DetectorName;
  channel: number;
  /** Gaps up to this long are filled; longer ones restart the detector. */
  maxGapFillS: number;
}

export class BeatStream {
  readonly stats: BeatStreamStats = { gapsFilled: 0, samplesFilled: 0, detectorRestarts: 0 };
  private detector: RPeakDetector | undefined;
  private sampleRateHz = 0;
  /** Stream index of the detector's sample 0. */
  private originIndex = 0;
  /** Device time of stream index 0, µs. */
  private streamZeroUs = 0;
  private nextIndex = 0;

  constructor(private readonly options: BeatStreamOptions) {}

  get detectorName(): DetectorName {
    return this.options.detector;
  }

  /** Detector latency in seconds at the current rate (0 before the first block). */
  get latencyS(): number {
    return this.detector ? this.detector.latencySamples / this.sampleRateHz : 0;
  }

  push(block: SampleBlock): StreamBeat[] {
    const samples = block.values[this.options.channel];
    if (!samples) throw new RangeError(`ECG channel ${this.options.channel} not in block (channels: ${block.channels.join(', ')})`);
    const beats: StreamBeat[] = [];
    if (!this.detector || block.sampleRateHz !== this.sampleRateHz) {
      this.restart(block, beats);
    } else if (block.firstSampleIndex > this.nextIndex) {
      const gap = block.firstSampleIndex - this.nextIndex;
      if (gap <= this.options.maxGapFillS * this.sampleRateHz) {
        this.stats.gapsFilled++;
        this.stats.samplesFilled += gap;
        this.collect(this.detector.push(new Float32Array(gap).fill(Number.NaN)), beats);
      } else {
        this.restart(block, beats);
      }
    } else if (block.firstSampleIndex < this.nextIndex) {
      return beats; // overlapping block (should not happen after the assembler): ignore
    }
    this.collect(this.detector!.push(samples), beats);
    this.nextIndex = block.firstSampleIndex + samples.length;
    return beats;
  }

  /** Beats still pending in the detector (end of a finite recording). */
  flush(): StreamBeat[] {
    const beats: StreamBeat[] = [];
    if (this.detector) this.collect(this.detector.flush(), beats);
    return beats;
  }

  private restart(block: SampleBlock, beats: StreamBeat[]): void {
    if (this.detector) {
      this.collect(this.detector.flush(), beats);
      this.stats.detectorRestarts++;
    }
    this.sampleRateHz = block.sampleRateHz;
    this.detector = createDetector(this.options.detector, block.sampleRateHz);
    this.originIndex = block.firstSampleIndex;
    this.streamZeroUs = block.t0Us - (block.firstSampleIndex * 1e6) / block.sampleRateHz;
  }

  private collect(detectorIndices: number[], into: StreamBeat[]): void {
    for (const i of detectorIndices) {
      const sampleIndex = this.originIndex + i;
      into.push({ sampleIndex, tUs: Math.round(this.streamZeroUs + (sampleIndex * 1e6) / this.sampleRateHz) });
    }
  }
}
