// Muse 2 / Muse S PPG (after preset p50): three characteristics (ambient, infrared, red), each a
// notification of 6 unsigned 24-bit photodiode counts per 16-bit sequence number at 64 Hz. Zipped
// by sequence like the EEG, into one 3-channel `ppg` block per packet, on its own sample index
// (monotonic across reconnects, like the EEG's).
import { FrameError } from '../../../common/errors.js';
import {
  MUSE_PPG_CHANNELS,
  MUSE_PPG_PACKET_PERIOD_US,
  MUSE_PPG_SAMPLE_RATE_HZ,
  MUSE_PPG_SAMPLES_PER_PACKET,
  MUSE_PPG_UUIDS,
  MUSE_SERVICE_UUID,
  MuseEegZipper,
  decodeMusePpgPacket,
  type MuseEegBlock,
} from '../../protocols/muse/index.js';
import type { SampleBlock } from '../../../streaming/types.js';
import type { GattLink } from '../../transports/gatt.js';

export const MUSE_PPG_CHANNEL_NAMES: readonly string[] = MUSE_PPG_CHANNELS;

export class MusePpgStream {
  private readonly zipper = new MuseEegZipper({
    channelCount: MUSE_PPG_CHANNELS.length,
    samplesPerPacket: MUSE_PPG_SAMPLES_PER_PACKET,
    packetPeriodUs: MUSE_PPG_PACKET_PERIOD_US,
  });
  packetsOk = 0;
  malformed = 0;
  private indexOffset = 0;
  private nextIndex: number | undefined;
  private needsRebase = false;

  constructor(
    private readonly deviceId: string,
    private readonly onBlock: (block: SampleBlock) => void,
  ) {}

  get stats(): { packetsOk: number; malformed: number; lostPackets: number[]; duplicates: number } {
    const z = this.zipper.stats;
    return { packetsOk: this.packetsOk, malformed: this.malformed, lostPackets: z.lostPackets, duplicates: z.duplicates + z.late };
  }

  async subscribe(gatt: GattLink): Promise<void> {
    for (let channel = 0; channel < MUSE_PPG_CHANNELS.length; channel++) {
      await gatt.subscribe(MUSE_SERVICE_UUID, MUSE_PPG_UUIDS[MUSE_PPG_CHANNELS[channel]], (bytes) => {
        let packet;
        try {
          packet = decodeMusePpgPacket(bytes);
        } catch (err) {
          if (!(err instanceof FrameError)) throw err;
          this.malformed++;
          return;
        }
        this.packetsOk++;
        this.emit(this.zipper.push({ channel, seq: packet.seq, samplesUv: packet.samplesRaw }));
      });
    }
  }

  /** The link ended: open blocks leave with their missing channels as NaN; the next link starts afresh. */
  linkEnded(): void {
    this.emit(this.zipper.flush());
    this.zipper.reset();
    this.needsRebase = true;
  }

  private emit(blocks: MuseEegBlock[]): void {
    for (const b of blocks) {
      if (this.needsRebase) {
        this.needsRebase = false;
        if (this.nextIndex !== undefined && b.firstSampleIndex + this.indexOffset < this.nextIndex) this.indexOffset = this.nextIndex - b.firstSampleIndex;
      }
      const firstSampleIndex = b.firstSampleIndex + this.indexOffset;
      this.nextIndex = firstSampleIndex + MUSE_PPG_SAMPLES_PER_PACKET;
      this.onBlock({
        deviceId: this.deviceId,
        stream: 'ppg',
        sampleRateHz: MUSE_PPG_SAMPLE_RATE_HZ,
        channels: [...MUSE_PPG_CHANNEL_NAMES],
        t0Us: (firstSampleIndex / MUSE_PPG_SAMPLES_PER_PACKET) * MUSE_PPG_PACKET_PERIOD_US,
        firstSampleIndex,
        values: b.samplesUv,
        status: {},
      });
    }
  }
}
