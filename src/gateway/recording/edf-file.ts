// One EDF/BDF file on disk while it is recorded: the header goes first with "number of data
// records" = -1 (the EDF spec's "unknown"), records are appended at the end as they complete, the
// data is flushed to the disk (fdatasync) every `syncIntervalMs`, and the real count is written in
// place at close. A file cut by a crash keeps -1, and the reader (src/streaming/formats/edf.ts)
// then counts the whole records present. Writes go through the libuv thread pool (fs/promises),
// so a slow SD card delays the file, not the event loop.
import { open, type FileHandle } from 'node:fs/promises';
import { encodeRecordCount, RECORD_COUNT_FIELD } from '../../streaming/formats/edf-writer.js';

export class EdfFile {
  private position: number;
  private lastSyncMs: number;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    headerBytes: number,
    private readonly syncIntervalMs: number,
  ) {
    this.position = headerBytes;
    this.lastSyncMs = performance.now();
  }

  /** Creates `path` (never overwriting an existing file) and writes its header. */
  static async create(path: string, header: Uint8Array, syncIntervalMs: number): Promise<EdfFile> {
    const handle = await open(path, 'wx');
    try {
      await writeAll(handle, header, 0);
      await handle.datasync();
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
    return new EdfFile(path, handle, header.length, syncIntervalMs);
  }

  /** Bytes in the file so far. */
  get bytes(): number {
    return this.position;
  }

  /** Appends whole records (one write), and flushes to disk when the interval has passed. */
  async append(records: Uint8Array): Promise<void> {
    await writeAll(this.handle, records, this.position);
    this.position += records.length;
    if (performance.now() - this.lastSyncMs >= this.syncIntervalMs) {
      this.lastSyncMs = performance.now();
      await this.handle.datasync();
    }
  }

  /** Writes the record count into the header, flushes and closes. */
  async close(numberOfRecords: number): Promise<void> {
    try {
      await writeAll(this.handle, encodeRecordCount(numberOfRecords), RECORD_COUNT_FIELD.offset);
      await this.handle.datasync();
    } finally {
      await this.handle.close();
    }
  }

  /** Closes without touching the header (after a write failed: the file keeps -1 and its whole records). */
  async abandon(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    if (bytesWritten <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    done += bytesWritten;
  }
}
