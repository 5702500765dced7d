// EDF and EDF+ reader, written from the EDF specification (Kemp et al. 1992, https://www.edfplus.info/specs/edf.html)
// and EDF+ (Kemp & Olivan 2003, https://www.edfplus.info/specs/edfplus.html). The header is fixed-width
// ASCII: 256 bytes, then 256 bytes per signal stored field by field; data records follow, each with
// `samplesPerRecord` little-endian int16 values per signal, in signal order. BDF/BDF+ (BioSemi,
// https://www.biosemi.com/faq/file_format.htm and https://www.edfplus.info/specs/bdfplus.html) is the
// same layout with version byte 0xFF + 'BIOSEMI', 24-bit samples and a 'BDF Annotations' signal.
import { FormatError } from '../../common/errors.js';
import { parseRecordTals, type EdfAnnotation } from './edf-annotations.js';

export type { EdfAnnotation } from './edf-annotations.js';

export type EdfVariant = 'EDF' | 'EDF+C' | 'EDF+D';

/** 16-bit EDF or 24-bit BDF samples. */
export type EdfSampleFormat = 'edf' | 'bdf';

/** Bytes per sample of each format. */
export const BYTES_PER_SAMPLE: Record<EdfSampleFormat, number> = { edf: 2, bdf: 3 };

export interface EdfSignalHeader {
  label: string;
  transducer: string;
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  prefiltering: string;
  samplesPerRecord: number;
  reserved: string;
  /** samplesPerRecord / record duration. */
  sampleRateHz: number;
  /** True for the EDF+ 'EDF Annotations' signal. */
  isAnnotations: boolean;
}

export interface EdfHeader {
  version: string;
  patient: string;
  recording: string;
  /** Start date and time as written, 'dd.mm.yy' and 'hh.mm.ss'. */
  startDate: string;
  startTime: string;
  /** Local start date-time 'YYYY-MM-DDTHH:MM:SS' (years 85-99 are 19xx, 00-84 are 20xx, as the spec says). */
  startIso: string;
  headerBytes: number;
  reserved: string;
  /** 'edf' (16-bit) or 'bdf' (BioSemi 24-bit); a BDF+ file reports its variant as EDF+C / EDF+D. */
  format: EdfSampleFormat;
  variant: EdfVariant;
  numberOfRecords: number;
  recordDurationSeconds: number;
  signals: EdfSignalHeader[];
}

export interface EdfSignal {
  header: EdfSignalHeader;
  sampleRateHz: number;
  /** Raw integer values of all records (int16 for EDF, int24 for BDF), concatenated. */
  digital: Int32Array;
  /** Physical values in `header.physicalDimension`. */
  physical: Float32Array;
}

export interface EdfFile {
  header: EdfHeader;
  /** Ordinary signals (the annotation signal is excluded), in header order. */
  signals: EdfSignal[];
  /** EDF+ annotations (time-keeping TALs excluded), in file order. */
  annotations: EdfAnnotation[];
  /** Start of each data record in seconds from the file start (from time-keeping TALs in EDF+, else n x duration). */
  recordOnsetsSeconds: Float64Array;
  /** Data records declared in the header but absent from the bytes (only with onTruncated 'drop'). */
  missingRecords: number;
  /** True when the header said -1 (still being written, or cut by a crash): the count came from the file size. */
  recordCountDerived: boolean;
  /** Bytes after the last data record read (e.g. a record cut by a crash), ignored. */
  trailingBytes: number;
}

export interface EdfOptions {
  /** Names the file in error messages. */
  file?: string;
  /**
   * What to do when the file holds fewer data records than the header declares: 'error' (default)
   * throws a FormatError; 'drop' keeps the whole records present and reports the count in
   * `missingRecords`.
   */
  onTruncated?: 'error' | 'drop';
}

const ANNOTATIONS_LABELS = new Set(['EDF Annotations', 'BDF Annotations']);
const ascii = new TextDecoder('latin1');

function fail(message: string, file?: string): never {
  throw new FormatError('edf', message, file);
}

function field(bytes: Uint8Array, offset: number, width: number): string {
  return ascii.decode(bytes.subarray(offset, offset + width)).trim();
}

function numberField(text: string, what: string, file?: string): number {
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) fail(`${what} '${text}' is not a number`, file);
  return value;
}

function integerField(text: string, what: string, file?: string): number {
  const value = numberField(text, what, file);
  if (!Number.isInteger(value)) fail(`${what} '${text}' is not an integer`, file);
  return value;
}

function startIso(date: string, time: string, file?: string): string {
  const d = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(date);
  const t = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(time);
  if (!d) fail(`start date '${date}' is not dd.mm.yy`, file);
  if (!t) fail(`start time '${time}' is not hh.mm.ss`, file);
  const yy = Number(d[3]);
  const year = yy >= 85 ? 1900 + yy : 2000 + yy;
  return `${year}-${d[2]}-${d[1]}T${t[1]}:${t[2]}:${t[3]}`;
}

/** Parses the fixed header (256 + 256 x ns bytes). `fileBytes` lets it derive a record count of -1. */
export function parseEdfHeader(bytes: Uint8Array, options: EdfOptions & { fileBytes?: number } = {}): EdfHeader {
  const file = options.file;
  if (bytes.length < 256) fail(`header is ${bytes.length} bytes, needs at least 256`, file);
  const isBdf = bytes[0] === 0xff && ascii.decode(bytes.subarray(1, 8)) === 'BIOSEMI';
  const version = isBdf ? '\xffBIOSEMI' : field(bytes, 0, 8);
  if (!isBdf && version !== '0') fail(`version '${version}' is neither '0' (EDF) nor 0xFF 'BIOSEMI' (BDF)`, file);
  const format: EdfSampleFormat = isBdf ? 'bdf' : 'edf';
  const headerBytes = integerField(field(bytes, 184, 8), 'header size', file);
  const reserved = field(bytes, 192, 44);
  const declaredRecords = integerField(field(bytes, 236, 8), 'number of data records', file);
  const recordDurationSeconds = numberField(field(bytes, 244, 8), 'record duration', file);
  const ns = integerField(field(bytes, 252, 4), 'number of signals', file);
  if (ns < 1 || ns > 4096) fail(`number of signals ${ns} out of range`, file);
  if (headerBytes !== 256 * (ns + 1)) fail(`header size ${headerBytes} does not match ${ns} signals`, file);
  if (bytes.length < headerBytes) fail(`header truncated: ${bytes.length} of ${headerBytes} bytes`, file);
  if (recordDurationSeconds < 0) fail(`record duration ${recordDurationSeconds} is negative`, file);
  const plus = /^[EB]DF\+[CD]/.test(reserved) ? reserved[4] : undefined;
  const variant: EdfVariant = plus === 'C' ? 'EDF+C' : plus === 'D' ? 'EDF+D' : 'EDF';

  // Signal fields are stored column-wise: all labels, then all transducers, ...
  const widths = [16, 80, 8, 8, 8, 8, 8, 80, 8, 32];
  const columns: string[][] = [];
  let offset = 256;
  for (const width of widths) {
    const column: string[] = [];
    for (let i = 0; i < ns; i++) column.push(field(bytes, offset + i * width, width));
    columns.push(column);
    offset += width * ns;
  }
  const signals: EdfSignalHeader[] = [];
  for (let i = 0; i < ns; i++) {
    const label = columns[0][i];
    const samplesPerRecord = integerField(columns[8][i], `samples per record of '${label}'`, file);
    if (samplesPerRecord < 1) fail(`samples per record of '${label}' is ${samplesPerRecord}`, file);
    const digitalMin = integerField(columns[5][i], `digital minimum of '${label}'`, file);
    const digitalMax = integerField(columns[6][i], `digital maximum of '${label}'`, file);
    if (digitalMax <= digitalMin) fail(`digital maximum ${digitalMax} of '${label}' is not above minimum ${digitalMin}`, file);
    const isAnnotations = variant !== 'EDF' && ANNOTATIONS_LABELS.has(label);
    const physicalMin = numberField(columns[3][i], `physical minimum of '${label}'`, file);
    const physicalMax = numberField(columns[4][i], `physical maximum of '${label}'`, file);
    if (physicalMax === physicalMin && !isAnnotations) fail(`physical range of '${label}' is empty`, file);
    signals.push({
      label,
      transducer: columns[1][i],
      physicalDimension: columns[2][i],
      physicalMin,
      physicalMax,
      digitalMin,
      digitalMax,
      prefiltering: columns[7][i],
      samplesPerRecord,
      reserved: columns[9][i],
      sampleRateHz: recordDurationSeconds > 0 ? samplesPerRecord / recordDurationSeconds : 0,
      isAnnotations,
    });
  }
  if (variant !== 'EDF' && !signals.some((s) => s.isAnnotations)) fail(`${variant} file has no '${isBdf ? 'BDF' : 'EDF'} Annotations' signal`, file);

  let numberOfRecords = declaredRecords;
  if (declaredRecords === -1 && options.fileBytes !== undefined) {
    // -1 means "unknown" (file still being written): count whole records present.
    const recordBytes = signals.reduce((sum, s) => sum + BYTES_PER_SAMPLE[format] * s.samplesPerRecord, 0);
    numberOfRecords = Math.max(0, Math.floor((options.fileBytes - headerBytes) / recordBytes));
  }
  if (numberOfRecords < 0) fail(`number of data records ${declaredRecords} is invalid`, file);
  return {
    version,
    patient: field(bytes, 8, 80),
    recording: field(bytes, 88, 80),
    startDate: field(bytes, 168, 8),
    startTime: field(bytes, 176, 8),
    startIso: startIso(field(bytes, 168, 8), field(bytes, 176, 8), file),
    headerBytes,
    reserved,
    format,
    variant,
    numberOfRecords,
    recordDurationSeconds,
    signals,
  };
}

/** Parses a whole EDF/EDF+ file: header, signals in physical units and EDF+ annotations. */
export function parseEdf(bytes: Uint8Array, options: EdfOptions = {}): EdfFile {
  const file = options.file;
  const header = parseEdfHeader(bytes, { file, fileBytes: bytes.length });
  const width = BYTES_PER_SAMPLE[header.format];
  const recordBytes = header.signals.reduce((sum, s) => sum + width * s.samplesPerRecord, 0);
  const recordCountDerived = integerField(field(bytes, 236, 8), 'number of data records', file) === -1;
  const needed = header.headerBytes + header.numberOfRecords * recordBytes;
  let records = header.numberOfRecords;
  if (bytes.length < needed) {
    if (options.onTruncated !== 'drop') {
      fail(`file truncated: ${records} data records need ${needed} bytes, ${bytes.length} present`, file);
    }
    records = Math.floor((bytes.length - header.headerBytes) / recordBytes);
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signals: EdfSignal[] = [];
  const annotations: EdfAnnotation[] = [];
  const recordOnsetsSeconds = new Float64Array(records);
  for (let r = 0; r < records; r++) recordOnsetsSeconds[r] = r * header.recordDurationSeconds;

  let offsetInRecord = 0;
  for (const sh of header.signals) {
    const n = sh.samplesPerRecord;
    if (sh.isAnnotations) {
      for (let r = 0; r < records; r++) {
        const start = header.headerBytes + r * recordBytes + offsetInRecord;
        const tals = parseRecordTals(bytes.subarray(start, start + width * n), file);
        recordOnsetsSeconds[r] = tals.recordOnsetSeconds;
        annotations.push(...tals.annotations);
      }
    } else {
      const digital = new Int32Array(records * n);
      const physical = new Float32Array(records * n);
      const scale = (sh.physicalMax - sh.physicalMin) / (sh.digitalMax - sh.digitalMin);
      for (let r = 0; r < records; r++) {
        const start = header.headerBytes + r * recordBytes + offsetInRecord;
        for (let k = 0; k < n; k++) {
          const d = width === 2 ? view.getInt16(start + 2 * k, true) : readInt24(view, start + 3 * k);
          digital[r * n + k] = d;
          physical[r * n + k] = (d - sh.digitalMin) * scale + sh.physicalMin;
        }
      }
      signals.push({ header: sh, sampleRateHz: sh.sampleRateHz, digital, physical });
    }
    offsetInRecord += width * n;
  }
  const trailingBytes = Math.max(0, bytes.length - header.headerBytes - records * recordBytes);
  return {
    header,
    signals,
    annotations,
    recordOnsetsSeconds,
    missingRecords: header.numberOfRecords - records,
    recordCountDerived,
    trailingBytes,
  };
}

/** Little-endian two's complement 24-bit integer (BDF). */
function readInt24(view: DataView, offset: number): number {
  const u = view.getUint8(offset) | (view.getUint8(offset + 1) << 8) | (view.getUint8(offset + 2) << 16);
  return (u << 8) >> 8;
}
