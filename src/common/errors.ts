// Small error classes carrying a code (STYLE.md), so callers branch on `code`, not on messages.

export type FrameErrorCode = 'sync' | 'crc' | 'length' | 'version' | 'field' | 'truncated';

/** A byte-level frame could not be decoded. Counted and skipped by stream parsers, never fatal. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    readonly code: FrameErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class DeviceDisconnectedError extends Error {
  override readonly name = 'DeviceDisconnectedError';
  constructor(
    readonly deviceId: string,
    message = `device ${deviceId} disconnected`,
  ) {
    super(message);
  }
}

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what} timed out after ${timeoutMs} ms`);
  }
}

/** Invalid configuration: `problems` lists every problem as `path: message`. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/** A data file (WFDB, EDF, .tflite ...) is malformed; `file` names it when known. */
export class FormatError extends Error {
  override readonly name = 'FormatError';
  constructor(
    readonly format: string,
    message: string,
    readonly file?: string,
  ) {
    super(`${format}${file ? ` ${file}` : ''}: ${message}`);
  }
}
