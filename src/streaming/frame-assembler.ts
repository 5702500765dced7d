// Turns decoded device frames into SampleBlocks on the device clock. Sequence gaps are counted
// (frames and samples lost), duplicates and stale frames are dropped and counted, and every block
// carries the index of its first sample since the stream started, so consumers can fill gaps.
import type { SampleBlock, StreamKind } from './types.js';
import { CounterUnwrapper } from './unwrap.js';

export interface RawFrameInput {
  /** Raw sequence number as sent (wraps at 2^seqBits). */
  seq: number;
  /** Raw device time of the first sample, µs (wraps at 2^clockBits). */
  tDeviceUs: number;
  sampleRateHz: number;
  channels: string[];
  /** Per-channel samples in physical units. */
  values: Float32Array[];
}

export interface AssemblerStats {
  framesOk: number;
  framesLost: number;
  samplesLost: number;
  duplicates: number;
  /** Frames whose rate or channel layout changed; the stream restarts at them. */
  restarts: number;
}

export interface FrameAssemblerOptions {
  deviceId: string;
  stream: StreamKind;
  seqBits: number;
  clockBits: number;
}

export class FrameAssembler {
  readonly stats: AssemblerStats = { framesOk: 0, framesLost: 0, samplesLost: 0, duplicates: 0, restarts: 0 };
  private readonly seqUnwrapper: CounterUnwrapper;
  private readonly clockUnwrapper: CounterUnwrapper;
  private expectedSeq: number | undefined;
  private startUs = 0;
  private nextSampleIndex = 0;
  private layoutKey = '';

  constructor(private readonly options: FrameAssemblerOptions) {
    this.seqUnwrapper = new CounterUnwrapper(options.seqBits);
    this.clockUnwrapper = new CounterUnwrapper(options.clockBits);
  }

  /** Returns the block for this frame, or undefined for a duplicate or stale frame. */
  push(frame: RawFrameInput): SampleBlock | undefined {
    const key = `${frame.sampleRateHz}|${frame.channels.join(',')}`;
    if (this.expectedSeq !== undefined && key !== this.layoutKey) {
      this.stats.restarts++;
      this.reset();
    }
    const seq = this.seqUnwrapper.unwrap(frame.seq);
    const tUs = this.clockUnwrapper.unwrap(frame.tDeviceUs);
    const sampleCount = frame.values[0]?.length ?? 0;
    if (this.expectedSeq === undefined) {
      // Indices stay monotonic across restarts: the new session continues after the last sample.
      this.layoutKey = key;
      this.startUs = tUs - (this.nextSampleIndex * 1e6) / frame.sampleRateHz;
    } else if (seq < this.expectedSeq) {
      this.stats.duplicates++;
      return undefined;
    } else if (seq > this.expectedSeq) {
      this.stats.framesLost += seq - this.expectedSeq;
    }
    // The device clock places the frame; sequence numbers only tell how many frames were lost.
    const clockIndex = Math.round(((tUs - this.startUs) * frame.sampleRateHz) / 1e6);
    let firstSampleIndex = clockIndex;
    if (this.expectedSeq !== undefined) {
      if (seq === this.expectedSeq) {
        // Contiguous frame: trust the running count (clock jitter of a few µs must not shift samples).
        firstSampleIndex = this.nextSampleIndex;
      } else {
        firstSampleIndex = Math.max(clockIndex, this.nextSampleIndex);
        this.stats.samplesLost += firstSampleIndex - this.nextSampleIndex;
      }
    }
    this.expectedSeq = seq + 1;
    this.nextSampleIndex = firstSampleIndex + sampleCount;
    this.stats.framesOk++;
    return {
      deviceId: this.options.deviceId,
      stream: this.options.stream,
      sampleRateHz: frame.sampleRateHz,
      channels: frame.channels,
      t0Us: this.startUs + (firstSampleIndex * 1e6) / frame.sampleRateHz,
      firstSampleIndex,
      values: frame.values,
    };
  }

  /** Forgets the device counters (after a reconnect the device may restart them); sample indices keep counting. */
  reset(): void {
    this.expectedSeq = undefined;
    this.seqUnwrapper.reset();
    this.clockUnwrapper.reset();
  }
}
