// Cyton packets -> samples on the board's clock. The sample number is one byte: it is unwrapped
// packet by packet (and, after a silence long enough to wrap it, with the arrival time as a hint,
// since packets carry no timestamp). Gaps are counted and filled with NaN up to a bound, so the
// sample index keeps to the device clock. With a Daisy, packets alternate: odd sample numbers carry
// the board's channels 1-8, even ones the Daisy's 9-16; packet 2j+1 and packet 2j+2 make 16-channel
// sample j (125 Hz). A pair with one half lost is emitted with that half NaN.
import { CYTON_CHANNELS_PER_BOARD, CYTON_SAMPLE_NUMBER_PERIOD, CYTON_SAMPLE_RATE_HZ } from './constants.js';
import type { CytonPacket } from './decode.js';

/** One sample of every channel: raw counts, NaN where the packet was lost. */
export interface CytonRow {
  sampleIndex: number;
  counts: Float64Array;
  /** Accelerometer reading in g that arrived with this sample (0xC0 packets), or null. */
  accelG: [number, number, number] | null;
}

export interface CytonAssemblerStats {
  /** Packets missing by the sample number. */
  framesLost: number;
  /** Samples (at the output rate) with at least one channel missing, filled or not. */
  samplesLost: number;
  /** Packets with a sample number already seen (repeats), dropped. */
  duplicates: number;
  /** A Daisy half at the start of a link with no board half before it: dropped, not a loss. */
  unpairedAtStart: number;
}

export interface CytonAssemblerOptions {
  daisy: boolean;
  /** Longest gap (output samples) filled with NaN rows; longer gaps advance the index without rows. */
  maxGapFillSamples: number;
}

export class CytonSampleAssembler {
  readonly channelCount: number;
  readonly sampleRateHz: number;
  readonly stats: CytonAssemblerStats = { framesLost: 0, samplesLost: 0, duplicates: 0, unpairedAtStart: 0 };
  /** Unwrapped packet number of the last packet of this link. */
  private lastPacket: number | undefined;
  private lastRaw = 0;
  private lastArrivalMs = 0;
  /** Output index of link packet/pair 0, and the next output index to emit. */
  private indexBase = 0;
  private nextIndex: number | undefined;
  private linkEndedAtMs: number | undefined;
  /** The next row is the first of a new link: a jump in index before it is time away, not loss. */
  private newLink = false;
  private pending: { pair: number; board: Int32Array | null; daisy: Int32Array | null; accelG: [number, number, number] | null } | null = null;

  constructor(private readonly options: CytonAssemblerOptions) {
    this.channelCount = options.daisy ? 2 * CYTON_CHANNELS_PER_BOARD : CYTON_CHANNELS_PER_BOARD;
    this.sampleRateHz = options.daisy ? CYTON_SAMPLE_RATE_HZ / 2 : CYTON_SAMPLE_RATE_HZ;
  }

  /** Takes the packets of one arrival (gateway monotonic ms); returns the samples now complete. */
  push(packets: CytonPacket[], arrivalMs: number): CytonRow[] {
    const rows: CytonRow[] = [];
    for (const p of packets) this.pushOne(p, arrivalMs, rows);
    return rows;
  }

  /** Emits a pair still waiting for its second half (end of a link), with that half NaN. */
  flush(): CytonRow[] {
    const rows: CytonRow[] = [];
    if (this.pending) this.emitPending(rows);
    return rows;
  }

  /** The link ended: the board is reset on the next one, which starts its counter afresh. */
  linkEnded(nowMs: number): CytonRow[] {
    const rows = this.flush();
    this.lastPacket = undefined;
    this.linkEndedAtMs = nowMs;
    return rows;
  }

  private pushOne(p: CytonPacket, arrivalMs: number, rows: CytonRow[]): void {
    let packet: number;
    if (this.lastPacket === undefined) {
      if (this.options.daisy && p.sampleNumber % 2 === 0) {
        this.stats.unpairedAtStart++;
        return;
      }
      packet = p.sampleNumber;
      this.startLink(packet, arrivalMs);
    } else {
      let delta = (p.sampleNumber - this.lastRaw + CYTON_SAMPLE_NUMBER_PERIOD) % CYTON_SAMPLE_NUMBER_PERIOD;
      if (delta === 0) {
        this.stats.duplicates++;
        return;
      }
      // After a silence of half a wrap or more, the byte alone is ambiguous: the arrival time says how many wraps.
      const expected = ((arrivalMs - this.lastArrivalMs) * CYTON_SAMPLE_RATE_HZ) / 1000;
      if (expected > CYTON_SAMPLE_NUMBER_PERIOD / 2) delta += CYTON_SAMPLE_NUMBER_PERIOD * Math.max(0, Math.round((expected - delta) / CYTON_SAMPLE_NUMBER_PERIOD));
      packet = this.lastPacket + delta;
      this.stats.framesLost += delta - 1;
    }
    this.lastPacket = packet;
    this.lastRaw = p.sampleNumber;
    this.lastArrivalMs = arrivalMs;
    if (!this.options.daisy) {
      this.emit(rows, this.indexBase + packet, Float64Array.from(p.counts), p.accelG);
      return;
    }
    const pair = Math.floor((packet - 1) / 2);
    if (this.pending && this.pending.pair !== pair) this.emitPending(rows);
    this.pending ??= { pair, board: null, daisy: null, accelG: null };
    if (packet % 2 === 1) {
      this.pending.board = p.counts;
      this.pending.accelG = p.accelG;
    } else {
      this.pending.daisy = p.counts;
      this.pending.accelG ??= p.accelG;
      this.emitPending(rows);
    }
  }

  private startLink(packet: number, arrivalMs: number): void {
    const first = this.options.daisy ? Math.floor((packet - 1) / 2) : packet;
    if (this.nextIndex === undefined) this.indexBase = -first;
    else {
      // A new link (the board was reset): continue after the last sample, advanced by the time away.
      const awayMs = this.linkEndedAtMs === undefined ? 0 : Math.max(0, arrivalMs - this.linkEndedAtMs);
      this.indexBase = this.nextIndex + Math.round((awayMs * this.sampleRateHz) / 1000) - first;
      this.newLink = true;
    }
    this.lastArrivalMs = arrivalMs;
  }

  private emitPending(rows: CytonRow[]): void {
    const p = this.pending!;
    this.pending = null;
    const counts = new Float64Array(this.channelCount).fill(Number.NaN);
    if (p.board) counts.set(p.board, 0);
    if (p.daisy) counts.set(p.daisy, CYTON_CHANNELS_PER_BOARD);
    this.emit(rows, this.indexBase + p.pair, counts, p.accelG);
  }

  private emit(rows: CytonRow[], sampleIndex: number, counts: Float64Array, accelG: [number, number, number] | null): void {
    if (this.nextIndex !== undefined && sampleIndex < this.nextIndex) {
      this.stats.duplicates++;
      return;
    }
    const away = this.newLink;
    this.newLink = false;
    // Right after a new link the gap is time away from the board (reset meanwhile), not samples it sent and we lost.
    if (this.nextIndex !== undefined && sampleIndex > this.nextIndex && !away) {
      const gap = sampleIndex - this.nextIndex;
      this.stats.samplesLost += gap;
      if (gap <= this.options.maxGapFillSamples) {
        for (let i = this.nextIndex; i < sampleIndex; i++) rows.push({ sampleIndex: i, counts: new Float64Array(this.channelCount).fill(Number.NaN), accelG: null });
      }
    }
    if (counts.some((v) => Number.isNaN(v))) this.stats.samplesLost++;
    rows.push({ sampleIndex, counts, accelG });
    this.nextIndex = sampleIndex + 1;
  }

}
