// Streaming MDD features for the gateway: blocks of a device's EEG channels in (any channel set and
// order, any block size), the model's electrodes picked by name, and every complete epoch out with the
// same numbers recordingEpochs gives on the whole recording (features.ts). Pure: no timers, no I/O;
// the extension runs the model on `maps` and feeds MddSession. A device at another rate than the
// model's (a 250 Hz Cyton, a 256 Hz model) is resampled on the fly by windowed-sinc interpolation
// (src/streaming/resample.ts, the same kernel the replays use), a delay of ~0.07 s.
import { StreamingSincResampler } from '../../streaming/resample.js';
import { selectChannels } from './channels.js';
import { DEFAULT_MDD_FEATURES, epochBandPowers, epochMaps, rejectEpoch, type MddFeatureParams, type RejectReason } from './features.js';

export interface MddStreamEpoch {
  /** Seconds from the stream's first sample. */
  startS: number;
  endS: number;
  rejected?: RejectReason;
  /** [bands, grid, grid] map stack of a clean epoch. */
  maps?: Float32Array;
}

export class MddEpochStream {
  private index: number[] | undefined;
  private layoutKey = '';
  private buffers: Float32Array[] = [];
  private filled = 0;
  /** Stream sample index of buffers[*][0]. */
  private origin = 0;
  private readonly epochSamples: number;
  private readonly hopSamples: number;
  /** One per model electrode when the device rate differs from the model's. */
  private resamplers: StreamingSincResampler[] | undefined;
  private readonly resampled: number[][] = [];
  /** Highest band edge, and the lowest device rate that still carries it (2.2 x). */
  private readonly topBandHz: number;
  private readonly minRateHz: number;

  constructor(readonly params: MddFeatureParams = DEFAULT_MDD_FEATURES) {
    this.epochSamples = Math.round(params.epochS * params.sampleRateHz);
    this.hopSamples = Math.round(params.hopS * params.sampleRateHz);
    this.topBandHz = Math.max(...params.bands.map((b) => b.highHz));
    this.minRateHz = Math.ceil(2.2 * this.topBandHz - 1e-9);
  }

  /**
   * One block: `labels[c]` names `values[c]` (uV, all the same length) at `sampleRateHz`. A new channel
   * layout restarts the stream (epochs never mix layouts). Throws MissingChannelsError when an
   * electrode of the model has no channel, and on a sampling rate too low for the model's bands.
   */
  push(labels: readonly string[], sampleRateHz: number, values: readonly ArrayLike<number>[]): MddStreamEpoch[] {
    if (!(sampleRateHz >= this.minRateHz) || !Number.isFinite(sampleRateHz))
      throw new Error(`EEG at ${sampleRateHz} Hz: the MDD model's bands reach ${this.topBandHz} Hz and need at least ${this.minRateHz} Hz`);
    const key = `${sampleRateHz}\u0000${labels.join('\u0000')}`;
    if (key !== this.layoutKey) {
      this.index = selectChannels(labels, this.params.electrodes);
      this.layoutKey = key;
      this.buffers = this.index.map(() => new Float32Array(this.epochSamples * 2));
      this.filled = 0;
      this.origin = 0;
      this.resamplers = sampleRateHz === this.params.sampleRateHz ? undefined : this.index.map(() => new StreamingSincResampler(sampleRateHz, this.params.sampleRateHz));
    }
    const index = this.index!;
    if (this.resamplers) {
      const resamplers = this.resamplers;
      this.resampled.length = 0;
      index.forEach((c, e) => {
        const y: number[] = [];
        resamplers[e]!.push(values[c]!, y);
        this.resampled.push(y);
      });
      return this.feed(this.resampled, this.resampled.map((_, e) => e));
    }
    return this.feed(values, index);
  }

  /** Appends `values[index[e]]` to electrode e's buffer; returns the epochs completed. */
  private feed(values: readonly ArrayLike<number>[], index: readonly number[]): MddStreamEpoch[] {
    const n = values[index[0]!]?.length ?? 0;
    const out: MddStreamEpoch[] = [];
    let offset = 0;
    while (offset < n) {
      const room = this.buffers[0]!.length - this.filled;
      const take = Math.min(room, n - offset);
      index.forEach((c, e) => {
        const src = values[c]!;
        const dst = this.buffers[e]!;
        for (let i = 0; i < take; i++) dst[this.filled + i] = src[offset + i]!;
      });
      this.filled += take;
      offset += take;
      while (this.filled >= this.epochSamples) {
        out.push(this.epoch());
        this.shift(this.hopSamples);
      }
    }
    return out;
  }

  private epoch(): MddStreamEpoch {
    const p = this.params;
    const startS = this.origin / p.sampleRateHz;
    const endS = startS + p.epochS;
    const rejected = rejectEpoch(this.buffers, 0, this.epochSamples, p);
    if (rejected) return { startS, endS, rejected };
    return { startS, endS, maps: epochMaps(epochBandPowers(this.buffers, 0, p), p) };
  }

  private shift(samples: number): void {
    for (const b of this.buffers) b.copyWithin(0, samples, this.filled);
    this.filled -= samples;
    this.origin += samples;
  }
}
