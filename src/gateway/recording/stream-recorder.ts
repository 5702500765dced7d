// Records one device stream to a sequence of EDF+/BDF+ files: blocks become records at once (pure,
// edf-record-builder.ts); the bytes go to disk through one queue, written in order by one async
// loop. Files rotate by duration or size, and a file is restarted when the stream jumps (a gap
// longer than `maxGapFillS`, a device reset, another layout). A storage fault (disk full, read-only)
// never throws out of `push`: it is counted, the file is abandoned with its whole records readable,
// and a new file is tried after `retryIntervalMs`; what arrives meanwhile is counted as dropped.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../common/logger.js';
import { RateLimitedLog } from '../../common/rate-limited-log.js';
import { StorageError } from '../../mqtt/storage-error.js';
import { EdfRecordBuilder } from '../../streaming/formats/edf-record-builder.js';
import { encodeEdfHeader, recordBytes, startFields, type EdfWriterSignal, type EncodedRecord, type RecordLayout } from '../../streaming/formats/edf-writer.js';
import type { EdfSampleFormat } from '../../streaming/formats/edf.js';
import type { SampleBlock } from '../../streaming/types.js';
import { EdfFile } from './edf-file.js';

export interface StreamRecorderOptions {
  deviceId: string;
  /** Folder for the files (created when missing), unless `path` names the one file. */
  dir: string;
  /** Record into exactly this file (the CLI); rotation then adds -1, -2, ... before the extension. */
  path?: string;
  format: EdfSampleFormat | 'auto';
  /** Physical range is [-rangeUv, +rangeUv]; samples beyond it are clipped and counted. */
  rangeUv: number;
  recordDurationS: number;
  rotate: { maxMinutes: number; maxMegabytes: number };
  maxGapFillS: number;
  syncIntervalMs: number;
  retryIntervalMs: number;
  /** Bytes waiting for the disk at most; beyond, records are dropped and counted. */
  maxQueuedBytes: number;
  log: Logger;
  /** Monotonic ms (default performance.now). */
  nowMs?: () => number;
}

export interface RecorderStats {
  files: number;
  recordsWritten: number;
  bytesWritten: number;
  samplesClipped: number;
  samplesMissing: number;
  /** Records (or blocks, while no file could be opened) lost to storage faults or a full queue, in samples per channel. */
  samplesDropped: number;
  errors: number;
  lastError: string | undefined;
  currentFile: string | undefined;
}

interface OpenFile {
  builder: EdfRecordBuilder;
  path: string;
  plannedBytes: number;
  recordBytes: number;
  perRecord: number;
  /** Resolves to the open file, or undefined when it could not be created. */
  file: Promise<EdfFile | undefined>;
  failed: boolean;
  records: number;
}

/** The format 'auto' picks: BDF (24-bit) for EEG, whose front ends are 24-bit; EDF (16-bit) for ECG. */
export function autoFormat(stream: string): EdfSampleFormat {
  return stream === 'eeg' ? 'bdf' : 'edf';
}

/** EDF+ signal label: 'EEG Fp1', 'ECG' (kept when it already names its type). */
export function edfLabel(stream: string, channel: string): string {
  const type = stream.toUpperCase();
  const label = channel.toUpperCase().startsWith(type) ? channel : `${type} ${channel}`;
  return label.slice(0, 16);
}

export class StreamRecorder {
  private current: OpenFile | undefined;
  private queue: Promise<void> = Promise.resolve();
  private queuedBytes = 0;
  private retryAtMs = 0;
  private fileCount = 0;
  private isDegraded = false;
  private readonly nowMs: () => number;
  private readonly warnings: RateLimitedLog;
  private readonly s: RecorderStats = {
    files: 0,
    recordsWritten: 0,
    bytesWritten: 0,
    samplesClipped: 0,
    samplesMissing: 0,
    samplesDropped: 0,
    errors: 0,
    lastError: undefined,
    currentFile: undefined,
  };

  constructor(private readonly options: StreamRecorderOptions) {
    this.nowMs = options.nowMs ?? (() => performance.now());
    this.warnings = new RateLimitedLog(options.log);
  }

  get stats(): RecorderStats {
    const b = this.current?.builder.counters;
    return {
      ...this.s,
      samplesClipped: this.s.samplesClipped + (b?.clipped ?? 0),
      samplesMissing: this.s.samplesMissing + (b?.missing ?? 0),
    };
  }

  /** The last storage operation failed (cleared by the next file that opens). */
  get degraded(): boolean {
    return this.isDegraded;
  }

  /** Adds an annotation (a marker) at the newest sample of the current file; false when no file is open. */
  annotate(text: string): boolean {
    const cur = this.current;
    if (!cur) return false;
    cur.builder.annotate(cur.builder.nextSampleIndex, text);
    return true;
  }

  /** Takes one block (never throws on storage faults). */
  push(block: SampleBlock): void {
    const n = block.values[0]?.length ?? 0;
    if (n === 0) return;
    let cur = this.current;
    if (cur && (cur.failed || this.mustRotate(cur))) cur = this.closeCurrent();
    if (!cur) {
      if (this.nowMs() < this.retryAtMs) {
        this.s.samplesDropped += n;
        return;
      }
      cur = this.openFor(block);
      if (!cur) return;
    }
    const out: EncodedRecord[] = [];
    if (cur.builder.push(block, out) === 'restart') {
      this.enqueue(cur, out);
      this.closeCurrent();
      const next = this.openFor(block);
      if (next && next.builder.push(block, out) === 'ok') this.enqueue(next, out);
      return;
    }
    this.enqueue(cur, out);
  }

  /** Ends the current file (its last record completed with missing samples) and waits for the disk. */
  async stop(): Promise<void> {
    this.closeCurrent();
    await this.queue;
    this.warnings.flush();
  }

  private mustRotate(cur: OpenFile): boolean {
    const { maxMinutes, maxMegabytes } = this.options.rotate;
    const seconds = cur.records * this.options.recordDurationS;
    return seconds >= maxMinutes * 60 || cur.plannedBytes + cur.recordBytes > maxMegabytes * 1024 * 1024;
  }

  private openFor(block: SampleBlock): OpenFile | undefined {
    const o = this.options;
    const perRecordExact = block.sampleRateHz * o.recordDurationS;
    const perRecord = Math.round(perRecordExact);
    if (Math.abs(perRecord - perRecordExact) > 1e-9 || perRecord < 1) {
      this.fault(new Error(`${block.sampleRateHz} Hz x ${o.recordDurationS} s is not a whole number of samples per record; set recording.recordDurationS`));
      this.retryAtMs = Number.POSITIVE_INFINITY;
      return undefined;
    }
    const format = o.format === 'auto' ? autoFormat(block.stream) : o.format;
    const startMs = block.gatewayT0Ms ?? Date.now();
    const start = startFields(startMs);
    const signals: EdfWriterSignal[] = block.channels.map((c) => ({
      label: edfLabel(block.stream, c),
      transducer: 'electrode',
      physicalDimension: 'uV',
      physicalMin: -o.rangeUv,
      physicalMax: o.rangeUv,
      prefiltering: '',
      samplesPerRecord: perRecord,
    }));
    // Room for the time-keeping TAL and a few annotations (gaps, lead-off) per record.
    const annotationSamplesPerRecord = format === 'bdf' ? 64 : 96;
    const layout: RecordLayout = { format, signals, annotationSamplesPerRecord };
    const header = encodeEdfHeader({
      format,
      startMs,
      recording: { equipment: `weargate_${o.deviceId}` },
      numberOfRecords: -1,
      recordDurationS: o.recordDurationS,
      signals,
      annotationSamplesPerRecord,
      contiguous: true,
    });
    const path = this.nextPath(block.stream, startMs, format);
    this.fileCount++;
    const entry: OpenFile = {
      builder: new EdfRecordBuilder({
        layout,
        sampleRateHz: block.sampleRateHz,
        channels: block.channels,
        firstSampleIndex: block.firstSampleIndex,
        startFractionS: start.fractionS,
        maxGapFillSamples: Math.round(o.maxGapFillS * block.sampleRateHz),
      }),
      path,
      plannedBytes: header.length,
      recordBytes: recordBytes(layout),
      perRecord,
      file: Promise.resolve(undefined),
      failed: false,
      records: 0,
    };
    entry.file = this.createFile(entry, header);
    this.current = entry;
    this.s.currentFile = path;
    return entry;
  }

  private createFile(entry: OpenFile, header: Uint8Array): Promise<EdfFile | undefined> {
    const path = entry.path;
    const created = this.queue.then(async () => {
      try {
        mkdirSync(join(path, '..'), { recursive: true });
        const f = await EdfFile.create(path, header, this.options.syncIntervalMs);
        this.s.files++;
        this.s.bytesWritten += header.length;
        this.isDegraded = false;
        this.options.log.info(`recording ${path}`);
        return f;
      } catch (err) {
        this.fault(err);
        entry.failed = true;
        return undefined;
      }
    });
    this.queue = created.then(() => undefined);
    return created;
  }

  private enqueue(cur: OpenFile, records: EncodedRecord[]): void {
    if (records.length === 0) return;
    const samples = records.length * cur.perRecord;
    if (cur.failed || this.queuedBytes + records.length * cur.recordBytes > this.options.maxQueuedBytes) {
      this.s.samplesDropped += samples;
      if (!cur.failed) this.warnings.warn(`${this.options.deviceId}/queue`, `${this.options.deviceId}: the disk is behind by ${this.queuedBytes} bytes; records dropped`);
      records.length = 0;
      return;
    }
    const bytes = concat(records.map((r) => r.bytes));
    records.length = 0;
    cur.plannedBytes += bytes.length;
    cur.records += samples / cur.perRecord;
    this.queuedBytes += bytes.length;
    this.queue = this.queue.then(async () => {
      this.queuedBytes -= bytes.length;
      const file = await cur.file;
      if (!file || cur.failed) {
        this.s.samplesDropped += samples;
        return;
      }
      try {
        await file.append(bytes);
        this.s.recordsWritten += samples / cur.perRecord;
        this.s.bytesWritten += bytes.length;
      } catch (err) {
        this.fault(err);
        cur.failed = true;
        this.s.samplesDropped += samples;
        await file.abandon();
      }
    });
  }

  /** Finishes the current file (queued), and returns undefined. */
  private closeCurrent(): undefined {
    const cur = this.current;
    if (!cur) return undefined;
    this.current = undefined;
    this.s.currentFile = undefined;
    const out: EncodedRecord[] = [];
    if (!cur.failed) cur.builder.finish(out);
    this.enqueue(cur, out);
    this.s.samplesClipped += cur.builder.counters.clipped;
    this.s.samplesMissing += cur.builder.counters.missing;
    this.queue = this.queue.then(async () => {
      const file = await cur.file;
      if (!file || cur.failed) return;
      try {
        await file.close(cur.records);
      } catch (err) {
        this.fault(err);
      }
    });
    return undefined;
  }

  private fault(err: unknown): void {
    const e = StorageError.from(err, `recording ${this.options.deviceId}`);
    this.s.errors++;
    this.isDegraded = true;
    this.s.lastError = `${e.code}: ${e.message}`;
    this.retryAtMs = this.nowMs() + this.options.retryIntervalMs;
    this.warnings.warn(`${this.options.deviceId}/storage`, `${e.message}; next file tried in ${Math.round(this.options.retryIntervalMs / 1000)} s`);
  }

  private nextPath(stream: string, startMs: number, format: EdfSampleFormat): string {
    const ext = format === 'bdf' ? '.bdf' : '.edf';
    if (this.options.path) {
      if (this.fileCount === 0) return this.options.path;
      const base = this.options.path.replace(/\.(edf|bdf)$/i, '');
      return `${base}-${this.fileCount}${ext}`;
    }
    const stamp = new Date(startMs).toISOString().replace(/[-:]/g, '');
    return join(this.options.dir, this.options.deviceId, `${this.options.deviceId}-${stream}-${stamp}${ext}`);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
