// H10 ECG frames -> SampleBlocks on the device clock. A frame's timestamp is its LAST sample's
// (ns since 2000-01-01 on the strap's clock); sample indices come from the running count, and a
// timestamp step larger than the frame's own samples means frames were lost in the air: the
// missing samples are counted and skipped over, so indices stay on the device clock.
import type { H10EcgFrame } from '../../protocols/polar-h10/index.js';
import { H10_ECG_SAMPLE_RATE_HZ, polarTimestampToUnixUs } from '../../protocols/polar-h10/index.js';
import type { BlockStatus, SampleBlock } from '../../../streaming/types.js';
import type { DeviceCounters } from '../kind.js';

const SAMPLE_PERIOD_NS = 1e9 / H10_ECG_SAMPLE_RATE_HZ;
const SAMPLE_PERIOD_US = 1e6 / H10_ECG_SAMPLE_RATE_HZ;
/** Steps within this many periods of the expected one are clock jitter, not loss. */
const GAP_TOLERANCE_PERIODS = 0.5;
/** A "gap" beyond a day is the strap's clock being set, not lost samples. */
const MAX_GAP_NS = 86_400e9;

export class EcgFrames {
  /** Index of the next sample in the stream since the session started. */
  private nextIndex = 0;
  private lastTimestampNs: bigint | undefined;

  constructor(
    private readonly deviceId: string,
    private readonly counters: DeviceCounters,
  ) {}

  /** The block of one frame, or undefined for a repeated frame. */
  push(frame: H10EcgFrame, status: BlockStatus | undefined): SampleBlock | undefined {
    const count = frame.samplesUv.length;
    const last = this.lastTimestampNs;
    if (last !== undefined) {
      const stepNs = Number(frame.timestampNs - last);
      if (stepNs === 0) {
        this.counters.errors.duplicate++;
        return undefined;
      }
      const missing = Math.round(stepNs / SAMPLE_PERIOD_NS) - count;
      // A backward step or a huge jump is a clock change (reset, time set): continue the count.
      if (stepNs > 0 && stepNs < MAX_GAP_NS && stepNs > (count + GAP_TOLERANCE_PERIODS) * SAMPLE_PERIOD_NS && missing > 0) {
        this.counters.samplesLost += missing;
        this.counters.framesLost += Math.max(1, Math.round(missing / count));
        this.nextIndex += missing;
      }
    }
    this.lastTimestampNs = frame.timestampNs;
    const firstSampleIndex = this.nextIndex;
    this.nextIndex += count;
    return {
      deviceId: this.deviceId,
      stream: 'ecg',
      sampleRateHz: H10_ECG_SAMPLE_RATE_HZ,
      channels: ['ECG'],
      t0Us: polarTimestampToUnixUs(frame.timestampNs) - (count - 1) * SAMPLE_PERIOD_US,
      firstSampleIndex,
      values: [Float32Array.from(frame.samplesUv)],
      ...(status ? { status } : {}),
    };
  }
}
