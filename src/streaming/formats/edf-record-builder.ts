// Sample blocks of one stream -> whole EDF+/BDF+ data records (pure; the file I/O is the caller's).
// The time line is the device's sample index, so a file is EDF+C: lost samples (an index gap up to
// `maxGapFillSamples`, or NaN values) are written as the digital minimum and annotated 'gap' with
// onset and duration; a longer gap, a step back or a layout change asks the caller to start a new
// file (`restart`), whose header carries its own start time. Lead-off changes are annotated
// 'lead-off' / 'lead-on'; callers may add their own annotations (markers) with `annotate`.
import type { SampleBlock } from '../types.js';
import { encodeRecord, type EncodedRecord, type RecordLayout, type TalInput } from './edf-writer.js';

export interface RecordBuilderOptions {
  layout: RecordLayout;
  sampleRateHz: number;
  channels: string[];
  /** Sample index of the file's first sample. */
  firstSampleIndex: number;
  /** Seconds from the header's start second to the first sample (the first TAL's onset). */
  startFractionS: number;
  /** Index gaps up to this many samples are filled (missing) in place; longer ones restart the file. */
  maxGapFillSamples: number;
  /** Pending annotations kept at most (beyond: dropped and counted). */
  maxPendingTals?: number;
}

export type PushVerdict = 'ok' | 'restart';

export interface BuilderCounters {
  records: number;
  /** Samples (per channel) clipped at the physical range, over all channels. */
  clipped: number;
  /** Samples written as missing (NaN or an index gap), over all channels. */
  missing: number;
  /** Samples dropped because they overlapped what was already written. */
  overlapping: number;
  /** Annotations dropped because too many were pending. */
  talsDropped: number;
}

export class EdfRecordBuilder {
  readonly counters: BuilderCounters = { records: 0, clipped: 0, missing: 0, overlapping: 0, talsDropped: 0 };
  private readonly perRecord: number;
  private readonly buffers: Float32Array[];
  private filled = 0;
  private nextIndex: number;
  private readonly pending: TalInput[] = [];
  private leadOff: boolean | undefined;
  /** Start index of the current run of missing samples, if one is open. */
  private gapStart: number | undefined;
  private readonly layoutKey: string;

  constructor(private readonly options: RecordBuilderOptions) {
    this.perRecord = options.layout.signals[0].samplesPerRecord;
    this.buffers = options.channels.map(() => new Float32Array(this.perRecord));
    this.nextIndex = options.firstSampleIndex;
    this.layoutKey = `${options.sampleRateHz}|${options.channels.join(',')}`;
  }

  /** Seconds from the file's start time to sample `index`. */
  onsetOf(index: number): number {
    return this.options.startFractionS + (index - this.options.firstSampleIndex) / this.options.sampleRateHz;
  }

  /** Sample index the next sample will have. */
  get nextSampleIndex(): number {
    return this.nextIndex;
  }

  /** Samples written or buffered so far, per channel. */
  get samplesTaken(): number {
    return this.nextIndex - this.options.firstSampleIndex;
  }

  /** Queues an annotation at a sample index of this stream (bounded; overflow counted). */
  annotate(index: number, text: string, durationS?: number): void {
    if (this.pending.length >= (this.options.maxPendingTals ?? 1000)) {
      this.counters.talsDropped++;
      return;
    }
    this.pending.push({ onsetS: this.onsetOf(index), durationS, text });
  }

  /** Takes one block; whole records are appended to `out`. 'restart' means: close this file, open a new one for this block. */
  push(block: SampleBlock, out: EncodedRecord[]): PushVerdict {
    if (`${block.sampleRateHz}|${block.channels.join(',')}` !== this.layoutKey) return 'restart';
    const n = block.values[0]?.length ?? 0;
    let skip = 0;
    const gap = block.firstSampleIndex - this.nextIndex;
    if (gap < 0) {
      if (-gap >= n) {
        if (block.firstSampleIndex + n <= this.nextIndex && this.nextIndex - block.firstSampleIndex < 10 * this.perRecord) {
          this.counters.overlapping += n;
          return 'ok'; // a repeat of what is written
        }
        return 'restart'; // the device went back in time (a reset)
      }
      skip = -gap;
      this.counters.overlapping += skip;
    } else if (gap > this.options.maxGapFillSamples) {
      return 'restart';
    } else if (gap > 0) {
      const fill = this.options.channels.map(() => new Float32Array(gap).fill(NaN));
      this.take(fill, 0, gap, out);
    }
    const leadOff = block.status?.leadOff;
    if (leadOff !== undefined && leadOff !== this.leadOff) {
      if (leadOff || this.leadOff !== undefined) this.annotate(block.firstSampleIndex + skip, leadOff ? 'lead-off' : 'lead-on');
      this.leadOff = leadOff;
    }
    this.take(block.values, skip, n, out);
    return 'ok';
  }

  /** Ends the file: the last partial record is completed with missing samples (annotated 'gap'). */
  finish(out: EncodedRecord[]): void {
    if (this.filled > 0) {
      const rest = this.perRecord - this.filled;
      for (const b of this.buffers) b.fill(NaN, this.filled);
      this.trackGaps(this.filled, rest);
      this.filled += rest;
      this.nextIndex += rest;
      this.emit(out);
    }
    // Annotations that found no room in the last record (or came after it) cannot be written.
    this.counters.talsDropped += this.pending.length;
    this.pending.length = 0;
  }

  private take(values: Float32Array[], from: number, to: number, out: EncodedRecord[]): void {
    let k = from;
    while (k < to) {
      const count = Math.min(to - k, this.perRecord - this.filled);
      for (let c = 0; c < this.buffers.length; c++) this.buffers[c].set(values[c].subarray(k, k + count), this.filled);
      this.trackGaps(this.filled, count);
      this.filled += count;
      this.nextIndex += count;
      k += count;
      if (this.filled === this.perRecord) this.emit(out);
    }
  }

  /** Opens and closes 'gap' annotations over runs where any channel is NaN. */
  private trackGaps(at: number, count: number): void {
    const recordStart = this.nextIndex - this.filled;
    for (let i = at; i < at + count; i++) {
      let missing = false;
      for (const b of this.buffers) if (Number.isNaN(b[i])) missing = true;
      if (missing && this.gapStart === undefined) this.gapStart = recordStart + i;
      else if (!missing && this.gapStart !== undefined) this.closeGap(recordStart + i);
    }
  }

  private closeGap(endIndex = this.nextIndex): void {
    if (this.gapStart === undefined) return;
    const start = this.gapStart;
    this.gapStart = undefined;
    this.annotate(start, 'gap', (endIndex - start) / this.options.sampleRateHz);
  }

  private emit(out: EncodedRecord[]): void {
    const recordIndex = this.nextIndex - this.perRecord;
    // A gap running past this record is annotated up to its end; the next record reopens it.
    this.closeGap(this.nextIndex);
    const tals = this.pending.splice(0);
    const record = encodeRecord(this.options.layout, this.buffers, this.onsetOf(recordIndex), tals);
    this.pending.unshift(...record.overflow);
    this.counters.records++;
    this.counters.clipped += record.clipped;
    this.counters.missing += record.missing;
    out.push(record);
    this.filled = 0;
  }
}
