// H10 PMD frames (ECG, ACC) -> SampleBlocks on the device clock. A frame's timestamp is its LAST
// sample's (ns since 2000-01-01 on the strap's clock); sample indices come from the running count,
// and a timestamp step larger than the frame's own samples means frames were lost in the air: the
// missing samples are counted and skipped over, so indices stay on the device clock. One instance
// per measurement type, each with its own rate and count.
import { polarTimestampToUnixUs } from '../../protocols/polar-h10/index.js';
import type { BlockStatus, SampleBlock, StreamKind } from '../../../streaming/types.js';
import type { DeviceCounters } from '../kind.js';

/** Steps within this many periods of the expected one are clock jitter, not loss. */
const GAP_TOLERANCE_PERIODS = 0.5;
/** A "gap" beyond a day is the strap's clock being set, not lost samples. */
const MAX_GAP_NS = 86_400e9;

export interface PmdStreamLayout {
  stream: StreamKind;
  sampleRateHz: number;
  channels: string[];
}

export class PmdFrames {
  /** Index of the next sample in the stream since the session started. */
  private nextIndex = 0;
  private lastTimestampNs: bigint | undefined;
  private readonly samplePeriodNs: number;

  constructor(
    private readonly deviceId: string,
    private readonly counters: DeviceCounters,
    private readonly layout: PmdStreamLayout,
  ) {
    this.samplePeriodNs = 1e9 / layout.sampleRateHz;
  }

  /** The block of one frame (one array per channel, equal lengths), or undefined for a repeated frame. */
  push(timestampNs: bigint, values: ArrayLike<number>[], status: BlockStatus | undefined): SampleBlock | undefined {
    const count = values[0]?.length ?? 0;
    if (count === 0) return undefined;
    const last = this.lastTimestampNs;
    if (last !== undefined) {
      const stepNs = Number(timestampNs - last);
      if (stepNs === 0) {
        this.counters.errors.duplicate++;
        return undefined;
      }
      const missing = Math.round(stepNs / this.samplePeriodNs) - count;
      // A backward step or a huge jump is a clock change (reset, time set): continue the count.
      if (stepNs > 0 && stepNs < MAX_GAP_NS && stepNs > (count + GAP_TOLERANCE_PERIODS) * this.samplePeriodNs && missing > 0) {
        this.counters.samplesLost += missing;
        this.counters.framesLost += Math.max(1, Math.round(missing / count));
        this.nextIndex += missing;
      }
    }
    this.lastTimestampNs = timestampNs;
    const firstSampleIndex = this.nextIndex;
    this.nextIndex += count;
    return {
      deviceId: this.deviceId,
      stream: this.layout.stream,
      sampleRateHz: this.layout.sampleRateHz,
      channels: this.layout.channels,
      t0Us: polarTimestampToUnixUs(timestampNs) - ((count - 1) * 1e6) / this.layout.sampleRateHz,
      firstSampleIndex,
      values: values.map((v) => Float32Array.from(v)),
      ...(status ? { status } : {}),
    };
  }
}
