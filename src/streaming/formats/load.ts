// Thin file-system helpers over the pure WFDB and EDF parsers.
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readBoundedFile, readBoundedTextFile } from '../../common/bounded-read.js';
import { FormatError } from '../../common/errors.js';
import { parseWfdbHeader, type WfdbHeader } from './wfdb-header.js';
import { decodeWfdbSignals, type DecodeOptions, type WfdbSignal } from './wfdb-signals.js';
import { parseWfdbAnnotations, type WfdbAnnotation } from './wfdb-annotations.js';
import { looksCrlfConverted, undoCrlfConversion } from './crlf-repair.js';
import { parseEdf, type EdfFile, type EdfOptions } from './edf.js';

export interface WfdbRecord {
  /** Path of the record without extension. */
  path: string;
  header: WfdbHeader;
  signals: WfdbSignal[];
  /** Annotations of `annotator` (default 'atr'), or undefined when that file does not exist. */
  annotations: WfdbAnnotation[] | undefined;
}

export interface LoadWfdbOptions extends DecodeOptions {
  /** Annotation file extension to read next to the header (default 'atr'); null to skip. */
  annotator?: string | null;
}

/** Per file: a day of 12-lead ECG at 500 Hz in format 16 is 1 GB, so records past this are cut first. */
export const MAX_RECORD_FILE_BYTES = 256 * 1024 * 1024;
const readRecordFile = (path: string, what: string) => readBoundedFile(path, { maxBytes: MAX_RECORD_FILE_BYTES, what });

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Loads `<path>.hea`, its signal files and `<path>.<annotator>` when present. */
export async function loadWfdbRecord(pathWithoutExt: string, options: LoadWfdbOptions = {}): Promise<WfdbRecord> {
  const headerPath = `${pathWithoutExt}.hea`;
  const header = parseWfdbHeader(await readBoundedTextFile(headerPath, { maxBytes: MAX_RECORD_FILE_BYTES, what: 'WFDB header' }), headerPath);
  const folder = dirname(pathWithoutExt);
  const files = new Map<string, Uint8Array>();
  for (const spec of header.signals) {
    if (files.has(spec.fileName)) continue;
    if (spec.fileName === '-' || spec.fileName.includes('..')) {
      throw new FormatError('wfdb', `signal file '${spec.fileName}' cannot be read from disk`, headerPath);
    }
    files.set(spec.fileName, await readRecordFile(join(folder, spec.fileName), 'WFDB signal file'));
  }
  const signals = decodeWfdbSignals(header, files, { ...options, file: options.file ?? pathWithoutExt });
  const annotator = options.annotator === undefined ? 'atr' : options.annotator;
  let annotations: WfdbAnnotation[] | undefined;
  if (annotator !== null) {
    const annPath = `${pathWithoutExt}.${annotator}`;
    if (await exists(annPath)) annotations = parseWfdbAnnotations(await readRecordFile(annPath, 'WFDB annotations'), annPath);
  }
  return { path: pathWithoutExt, header, signals, annotations };
}

/** Record paths (without extension) of every `.hea` in `dir`, sorted by name. */
export async function listWfdbRecords(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .filter((n) => n.endsWith('.hea'))
    .map((n) => n.slice(0, -4))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((n) => join(dir, n));
}

export interface LoadEdfOptions extends EdfOptions {
  /**
   * Undo a text-mode LF -> CRLF conversion when the file shows one (see crlf-repair.ts); the
   * repaired file is usually short, so this also implies onTruncated 'drop' unless set.
   */
  repairCrlf?: boolean;
}

/** Reads and parses an EDF/EDF+ file. */
export async function loadEdf(path: string, options: LoadEdfOptions = {}): Promise<EdfFile & { crlfRepaired: boolean }> {
  const { repairCrlf, ...edfOptions } = options;
  let bytes: Uint8Array = await readRecordFile(path, 'EDF file');
  const crlfRepaired = repairCrlf === true && looksCrlfConverted(bytes);
  if (crlfRepaired) bytes = undoCrlfConversion(bytes);
  const parsed = parseEdf(bytes, {
    ...edfOptions,
    onTruncated: edfOptions.onTruncated ?? (crlfRepaired ? 'drop' : 'error'),
    file: edfOptions.file ?? basename(path),
  });
  return { ...parsed, crlfRepaired };
}
