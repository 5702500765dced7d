// Disk trouble as a small error class with a code (STYLE.md): callers branch on `code`.
export type StorageErrorCode = 'full' | 'io' | 'readonly' | 'corrupt';

export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** Classifies an fs or SQLite error (ENOSPC / SQLITE_FULL, EROFS / SQLITE_READONLY, ...). */
  static from(err: unknown, context: string): StorageError {
    if (err instanceof StorageError) return err;
    const code = String((err as { code?: unknown } | null)?.code ?? '');
    const message = err instanceof Error ? err.message : String(err);
    return new StorageError(classify(code), `${context}: ${message}`);
  }
}

function classify(code: string): StorageErrorCode {
  if (code === 'ENOSPC' || code === 'EDQUOT' || code.startsWith('SQLITE_FULL')) return 'full';
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code.startsWith('SQLITE_READONLY')) return 'readonly';
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) return 'corrupt';
  return 'io';
}
