// Muse sends each EEG channel on its own characteristic: one packet per channel per sequence number,
// arriving in any order across channels. The zipper joins them into one block per sequence number,
// in sequence order, once every channel has arrived or once the sequence is clearly lost
// (`maxLagSeqs` newer sequences have arrived). Pure: no timers, no I/O; work and memory are bounded.
// PPG (three characteristics, 6 samples per packet at 64 Hz) is zipped the same way, with its own
// packet size and period.
import {
  MUSE_EEG_PACKET_PERIOD_US,
  MUSE_EEG_SAMPLES_PER_PACKET,
  MUSE_SEQ_MODULO,
} from './constants.js';

export interface MuseEegChannelPacket {
  /** 0..3 (TP9, AF7, AF8, TP10) or 4 (AUX), the MUSE_EEG_CHANNELS index. */
  channel: number;
  /** 16-bit sequence number as on the wire. */
  seq: number;
  /** The packet's 12 samples, µV. */
  samplesUv: ArrayLike<number>;
}

export interface MuseEegBlock {
  /** 16-bit sequence number as on the wire. */
  seq: number;
  /** Sequence number unwrapped across 65535 -> 0; one step is one packet period (46.875 ms). */
  seqIndex: number;
  /** Index of the block's first sample on the headset's 256 Hz clock (seqIndex x 12). */
  firstSampleIndex: number;
  /** Device time of the first sample relative to seqIndex 0, µs. */
  tDeviceUs: number;
  /** One array of 12 per channel; NaN for a channel whose packet was lost. */
  samplesUv: Float32Array[];
  /** Bit c set: channel c was lost for this block. */
  missingChannelMask: number;
  /** First block after the headset restarted its counter (samples before and after do not abut). */
  discontinuity: boolean;
}

export interface MuseEegZipperStats {
  blocksComplete: number;
  blocksPartial: number;
  /** Packets lost per channel, including sequences no channel delivered. */
  lostPackets: number[];
  /** Sequence numbers for which no channel delivered a packet. */
  seqsMissing: number;
  /** The same channel and sequence again while that block was still open. */
  duplicates: number;
  /** Packets for a block already emitted (a duplicate or a straggler after its block gave up). */
  late: number;
  /** Counter restarts detected (a packet far older than the next expected one). */
  resyncs: number;
}

export interface MuseEegZipperOptions {
  /** EEG: 4 (default) or 5 with AUX; PPG: 3. */
  channelCount?: number;
  /** Samples in one channel packet: 12 for EEG (default), 6 for PPG. */
  samplesPerPacket?: number;
  /** Device time one packet spans, µs: 46875 for EEG (default), 93750 for PPG. */
  packetPeriodUs?: number;
  /** A sequence is given up once this many newer ones have arrived; default 8 (375 ms). */
  maxLagSeqs?: number;
  /** A packet this many sequences behind the next expected one is a counter restart; default 256 (12 s). */
  resyncAfterSeqs?: number;
}

interface OpenBlock {
  seq: number;
  samples: (Float32Array | null)[];
  present: number;
}

export class MuseEegZipper {
  readonly channelCount: number;
  readonly samplesPerPacket: number;
  private readonly packetPeriodUs: number;
  private readonly maxLagSeqs: number;
  private readonly resyncAfterSeqs: number;
  private readonly open = new Map<number, OpenBlock>();
  /** Unwrapped index and wire seq of the newest packet; undefined before the first packet. */
  private newestIndex: number | undefined;
  private newestSeq = 0;
  /** Index of the next block to emit; undefined before the first emission. */
  private expected: number | undefined;
  private pendingDiscontinuity = false;
  private readonly counters: MuseEegZipperStats;

  constructor(options: MuseEegZipperOptions = {}) {
    this.channelCount = options.channelCount ?? 4;
    this.samplesPerPacket = options.samplesPerPacket ?? MUSE_EEG_SAMPLES_PER_PACKET;
    this.packetPeriodUs = options.packetPeriodUs ?? MUSE_EEG_PACKET_PERIOD_US;
    this.maxLagSeqs = options.maxLagSeqs ?? 8;
    this.resyncAfterSeqs = options.resyncAfterSeqs ?? 256;
    if (!Number.isInteger(this.channelCount) || this.channelCount < 1 || this.channelCount > 8) throw new RangeError(`channelCount ${this.channelCount}`);
    if (!Number.isInteger(this.samplesPerPacket) || this.samplesPerPacket < 1) throw new RangeError(`samplesPerPacket ${this.samplesPerPacket}`);
    if (!(this.packetPeriodUs > 0)) throw new RangeError(`packetPeriodUs ${this.packetPeriodUs}`);
    if (!Number.isInteger(this.maxLagSeqs) || this.maxLagSeqs < 1 || this.maxLagSeqs > 1024) {
      throw new RangeError(`maxLagSeqs ${this.maxLagSeqs}`);
    }
    if (!Number.isInteger(this.resyncAfterSeqs) || this.resyncAfterSeqs <= this.maxLagSeqs || this.resyncAfterSeqs >= 0x8000) {
      throw new RangeError(`resyncAfterSeqs ${this.resyncAfterSeqs}`);
    }
    this.counters = {
      blocksComplete: 0,
      blocksPartial: 0,
      lostPackets: new Array<number>(this.channelCount).fill(0),
      seqsMissing: 0,
      duplicates: 0,
      late: 0,
      resyncs: 0,
    };
  }

  get stats(): Readonly<MuseEegZipperStats> {
    return { ...this.counters, lostPackets: [...this.counters.lostPackets] };
  }

  /** Blocks waiting for channels (at most maxLagSeqs). */
  get openBlocks(): number {
    return this.open.size;
  }

  /** Takes one channel packet; returns the blocks it completed or gave up, oldest first. */
  push(packet: MuseEegChannelPacket): MuseEegBlock[] {
    const { channel, seq, samplesUv } = packet;
    if (!Number.isInteger(channel) || channel < 0 || channel >= this.channelCount) throw new RangeError(`channel ${channel}`);
    if (!Number.isInteger(seq) || seq < 0 || seq >= MUSE_SEQ_MODULO) throw new RangeError(`seq ${seq}`);
    if (samplesUv.length !== this.samplesPerPacket) throw new RangeError(`${samplesUv.length} samples`);

    const out: MuseEegBlock[] = [];
    let index = this.unwrap(seq);
    if (index < 0 && this.expected === undefined) {
      // A packet from before the wrap arrived after the first one from after it: move the open
      // blocks up one wrap so no index (and no sample index derived from it) is negative.
      this.rebase(MUSE_SEQ_MODULO);
      index += MUSE_SEQ_MODULO;
    }
    if (this.expected !== undefined && index < this.expected) {
      if (this.expected - index <= this.resyncAfterSeqs) {
        this.counters.late++;
        return out;
      }
      // The headset restarted its counter: close what is open and continue the index from here.
      this.drain(out, true);
      this.counters.resyncs++;
      this.pendingDiscontinuity = true;
      index = this.expected;
      this.newestIndex = index;
      this.newestSeq = seq;
    }
    if (this.newestIndex === undefined || index > this.newestIndex) {
      this.newestIndex = index;
      this.newestSeq = seq;
    }

    let block = this.open.get(index);
    if (block === undefined) {
      block = { seq, samples: new Array<Float32Array | null>(this.channelCount).fill(null), present: 0 };
      this.open.set(index, block);
    }
    if (block.samples[channel] !== null) {
      this.counters.duplicates++;
      return out;
    }
    block.samples[channel] = Float32Array.from(samplesUv);
    block.present++;
    this.drain(out, false);
    return out;
  }

  /** Emits every open block now (end of stream, disconnect), missing channels as NaN. */
  flush(): MuseEegBlock[] {
    const out: MuseEegBlock[] = [];
    this.drain(out, true);
    return out;
  }

  /** Forgets the sequence history (a new connection), keeping the counters. Call flush() first to keep open blocks. */
  reset(): void {
    this.open.clear();
    this.newestIndex = undefined;
    this.expected = undefined;
    this.pendingDiscontinuity = false;
  }

  private rebase(shift: number): void {
    const blocks = [...this.open];
    this.open.clear();
    for (const [index, block] of blocks) this.open.set(index + shift, block);
    if (this.newestIndex !== undefined) this.newestIndex += shift;
  }

  private unwrap(seq: number): number {
    if (this.newestIndex === undefined) return seq;
    // Signed distance in [-32768, 32767] from the newest sequence seen, across the 16-bit wrap.
    const delta = ((seq - this.newestSeq + 0x8000) & 0xffff) - 0x8000;
    return this.newestIndex + delta;
  }

  private drain(out: MuseEegBlock[], force: boolean): void {
    const newest = this.newestIndex ?? 0;
    while (this.open.size > 0) {
      let head = Infinity;
      for (const k of this.open.keys()) if (k < head) head = k;
      if (this.expected !== undefined && head > this.expected) {
        // Sequences expected..head-1 have no packet at all; give up on those that are clearly lost.
        const skipTo = force ? head : Math.min(head, newest - this.maxLagSeqs + 1);
        if (skipTo > this.expected) this.countMissing(skipTo - this.expected);
        if (skipTo > this.expected) this.expected = skipTo;
        if (this.expected < head) return;
      }
      const block = this.open.get(head)!;
      // Before the first block the zipper cannot know an older sequence is still on its way on another
      // channel, so the first block waits out the lag once; after that complete blocks leave at once.
      const settled = this.expected !== undefined || newest - head >= this.maxLagSeqs;
      if (!force && (!settled || block.present < this.channelCount) && newest - head < this.maxLagSeqs) return;
      this.open.delete(head);
      out.push(this.emit(head, block));
      this.expected = head + 1;
    }
  }

  private countMissing(seqs: number): void {
    this.counters.seqsMissing += seqs;
    for (let c = 0; c < this.channelCount; c++) this.counters.lostPackets[c] += seqs;
  }

  private emit(index: number, block: OpenBlock): MuseEegBlock {
    let missingChannelMask = 0;
    const samplesUv = block.samples.map((s, c) => {
      if (s !== null) return s;
      missingChannelMask |= 1 << c;
      this.counters.lostPackets[c]++;
      return new Float32Array(this.samplesPerPacket).fill(NaN);
    });
    if (missingChannelMask === 0) this.counters.blocksComplete++;
    else this.counters.blocksPartial++;
    const discontinuity = this.pendingDiscontinuity;
    this.pendingDiscontinuity = false;
    return {
      seq: block.seq,
      seqIndex: index,
      firstSampleIndex: index * this.samplesPerPacket,
      tDeviceUs: index * this.packetPeriodUs,
      samplesUv,
      missingChannelMask,
      discontinuity,
    };
  }
}
