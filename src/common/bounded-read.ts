// Reads an input file with a size limit: every file a user names on the command line or in the
// config goes through here, so `/dev/zero`, a FIFO or a 40 GB file is refused with a clear message
// instead of filling the memory of a 512 MB Pi (or blocking forever on a FIFO with no writer).
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';

export type InputFileErrorCode = 'not-regular' | 'too-large' | 'unreadable';

/** An input file cannot be used: not a regular file, over its limit, or not readable. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  constructor(
    readonly code: InputFileErrorCode,
    readonly file: string,
    readonly what: string,
    /** The message without what and file, e.g. 'is a directory, not a regular file'. */
    readonly reason: string,
  ) {
    super(`${what} ${file}: ${reason}`);
  }
}

export interface BoundedReadOptions {
  /** Refuse files larger than this. */
  maxBytes: number;
  /** What the file is, for the message: 'config file', 'model', 'calibration data' ... */
  what: string;
}

const MiB = 1024 * 1024;
// Reads past the reported size go in chunks of this size (procfs files report 0 bytes).
const CHUNK_BYTES = 64 * 1024;
// Non-blocking so a FIFO without a writer cannot hang the open; no controlling terminal from a tty.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** Words for a Node file-system error code, without Node's raw `ENOENT: ..., open '...'` text. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOTDIR':
      return 'a parent of it is not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'path too long';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'EIO':
      return 'input/output error';
    case 'EAGAIN':
      return 'not ready for reading (a device or pipe)';
    default:
      return code ? `file system error ${code}` : 'unexpected error';
  }
}

/** 1048576 -> '1 MiB', for limits in messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(bytes % MiB === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KiB`;
  return `${bytes} bytes`;
}

/** 'a directory', 'a character device' ...: what a non-regular file is, for messages. */
export function kindOf(stats: Stats): string {
  if (stats.isFile()) return 'a file';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  return 'an unknown kind of file';
}

/** Throws unless `stats` is a regular file within the limit. */
function checkStats(stats: Stats, path: string, options: BoundedReadOptions): void {
  if (!stats.isFile()) {
    throw new InputFileError('not-regular', path, options.what, `is ${kindOf(stats)}, not a regular file`);
  }
  if (stats.size > options.maxBytes) throw tooLarge(path, options, `is ${formatBytes(stats.size)}`);
}

function tooLarge(path: string, options: BoundedReadOptions, size: string): InputFileError {
  return new InputFileError('too-large', path, options.what, `${size}, larger than the ${formatBytes(options.maxBytes)} limit`);
}

function unreadable(path: string, options: BoundedReadOptions, err: unknown): InputFileError {
  return err instanceof InputFileError ? err : new InputFileError('unreadable', path, options.what, `cannot read: ${describeFsError(err)}`);
}

/**
 * Collects what was read: one buffer sized from fstat (the common case, no copy), then chunks
 * when the file turns out longer than it said. Never holds more than maxBytes + 1 bytes.
 * Unpooled buffers, so the result starts at offset 0 of its ArrayBuffer like readFile's.
 */
class ReadBuffer {
  private readonly chunks: Buffer[];
  private current: Buffer;
  private filled = 0;
  total = 0;

  constructor(
    reportedBytes: number,
    private readonly options: BoundedReadOptions,
    private readonly path: string,
  ) {
    this.current = Buffer.allocUnsafeSlow(Math.min(reportedBytes, options.maxBytes) + 1);
    this.chunks = [this.current];
  }

  /** Where the next read goes; throws once more than maxBytes were read. */
  target(): { buffer: Buffer; offset: number; length: number } {
    if (this.total > this.options.maxBytes) throw tooLarge(this.path, this.options, 'holds more data than its size says');
    if (this.filled === this.current.length) {
      this.current = Buffer.allocUnsafeSlow(Math.min(CHUNK_BYTES, this.options.maxBytes + 1 - this.total));
      this.chunks.push(this.current);
      this.filled = 0;
    }
    return { buffer: this.current, offset: this.filled, length: this.current.length - this.filled };
  }

  advance(bytesRead: number): void {
    this.filled += bytesRead;
    this.total += bytesRead;
  }

  bytes(): Uint8Array {
    if (this.chunks.length === 1) return new Uint8Array(this.current.buffer, this.current.byteOffset, this.filled);
    const last = this.chunks.length - 1;
    return new Uint8Array(Buffer.concat([...this.chunks.slice(0, last), this.current.subarray(0, this.filled)]));
  }
}

/** Reads a whole regular file of at most `maxBytes`; refuses devices, FIFOs, directories. */
export function readBoundedFileSync(path: string, options: BoundedReadOptions): Uint8Array {
  let fd: number | undefined;
  try {
    // stat before open: opening a serial device can reset the board behind it.
    checkStats(statSync(path), path, options);
    fd = openSync(path, OPEN_FLAGS);
    const stats = fstatSync(fd);
    checkStats(stats, path, options);
    const buffer = new ReadBuffer(stats.size, options, path);
    for (;;) {
      const { buffer: target, offset, length } = buffer.target();
      const bytesRead = readSync(fd, target, offset, length, null);
      if (bytesRead === 0) return buffer.bytes();
      buffer.advance(bytesRead);
    }
  } catch (err) {
    throw unreadable(path, options, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Async twin of readBoundedFileSync (the daemon's event loop keeps running during the read). */
export async function readBoundedFile(path: string, options: BoundedReadOptions): Promise<Uint8Array> {
  let handle: FileHandle | undefined;
  try {
    checkStats(await stat(path), path, options);
    handle = await open(path, OPEN_FLAGS);
    const stats = await handle.stat();
    checkStats(stats, path, options);
    const buffer = new ReadBuffer(stats.size, options, path);
    for (;;) {
      const { buffer: target, offset, length } = buffer.target();
      const { bytesRead } = await handle.read(target, offset, length, null);
      if (bytesRead === 0) return buffer.bytes();
      buffer.advance(bytesRead);
    }
  } catch (err) {
    throw unreadable(path, options, err);
  } finally {
    await handle?.close();
  }
}

const utf8 = new TextDecoder('utf-8');

/** readBoundedFileSync decoded as UTF-8 (invalid bytes become U+FFFD; a leading BOM is dropped). */
export function readBoundedTextFileSync(path: string, options: BoundedReadOptions): string {
  return utf8.decode(readBoundedFileSync(path, options));
}

export async function readBoundedTextFile(path: string, options: BoundedReadOptions): Promise<string> {
  return utf8.decode(await readBoundedFile(path, options));
}
