// EDF+ and BDF+ writer (pure: bytes in, bytes out), written from the EDF spec (Kemp et al. 1992,
// https://www.edfplus.info/specs/edf.html), EDF+ (Kemp & Olivan 2003, .../specs/edfplus.html) and
// BDF+ (.../specs/bdfplus.html; BioSemi 24-bit BDF, https://www.biosemi.com/faq/file_format.htm).
// Header: 256 bytes + 256 per signal, fixed-width ASCII fields left-justified and space-padded.
// Data records: per signal `samplesPerRecord` little-endian two's complement integers (2 bytes EDF,
// 3 bytes BDF), the annotation signal last, holding TALs (see edf-annotations.ts).
import { BYTES_PER_SAMPLE, type EdfSampleFormat } from './edf.js';

export interface EdfWriterSignal {
  /** e.g. 'EEG Fp1', 'ECG' (EDF+ standard texts: type, space, specification). */
  label: string;
  transducer: string;
  /** e.g. 'uV'. */
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  prefiltering: string;
  samplesPerRecord: number;
}

export interface EdfWriterHeader {
  format: EdfSampleFormat;
  /** EDF+ patient subfields; absent ones are 'X' (unknown), as the spec asks. */
  patient?: { code?: string; sex?: 'F' | 'M'; birthdate?: string; name?: string };
  /** Unix ms of the first sample (the header holds the second; the first TAL holds the fraction). */
  startMs: number;
  /** EDF+ recording subfields: equipment is e.g. 'weargate_g1'. */
  recording: { adminCode?: string; technician?: string; equipment: string };
  /** -1 while recording (EDF spec: "-1 if unknown"), the real count at close. */
  numberOfRecords: number;
  recordDurationS: number;
  signals: EdfWriterSignal[];
  /** Samples per record of the annotation signal (bytes = samples x 2 for EDF, x 3 for BDF). */
  annotationSamplesPerRecord: number;
  /** EDF+C (contiguous) or EDF+D (records may skip time). */
  contiguous: boolean;
}

/** The integer range of each format; the lowest code is kept for missing samples (see encodeRecord). */
export const DIGITAL_RANGE: Record<EdfSampleFormat, { min: number; max: number }> = {
  edf: { min: -32768, max: 32767 },
  bdf: { min: -8388608, max: 8388607 },
};

/** Byte offset and width of the header's "number of data records" field. */
export const RECORD_COUNT_FIELD = { offset: 236, width: 8 };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Printable US-ASCII only (EDF header rule); other characters become '_'. */
function asciiOnly(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '_');
}

/** EDF+ subfields are separated by spaces, so spaces inside one become '_'; empty is 'X'. */
function subfield(text: string | undefined): string {
  const t = asciiOnly((text ?? '').trim()).replace(/ /g, '_');
  return t === '' ? 'X' : t;
}

/** Left-justified, space-padded to `width`; throws when the text does not fit (a caller bug). */
export function padField(text: string, width: number): string {
  const t = asciiOnly(text);
  if (t.length > width) throw new RangeError(`EDF header field '${t}' is longer than ${width} characters`);
  return t.padEnd(width, ' ');
}

/** A number in at most `width` characters, as precise as fits (EDF numeric fields are 8 wide). */
export function formatNumberField(value: number, width = 8): string {
  if (!Number.isFinite(value)) throw new RangeError(`EDF numeric field ${value} is not finite`);
  if (Number.isInteger(value) && String(value).length <= width) return String(value);
  for (let digits = width; digits >= 0; digits--) {
    const text = String(Number(value.toFixed(digits)));
    if (text.length <= width) return text;
  }
  throw new RangeError(`EDF numeric field ${value} does not fit in ${width} characters`);
}

/** A number as an 8-character header field gives it back to a reader. */
export function asWritten(value: number): number {
  return Number(formatNumberField(value));
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** The header's date/time fields (UTC: EDF has no zone field, the gateway's clock is UTC) and the sub-second rest. */
export function startFields(startMs: number): { date: string; time: string; startdate: string; fractionS: number } {
  const d = new Date(Math.floor(startMs / 1000) * 1000);
  const year = d.getUTCFullYear();
  return {
    date: `${two(d.getUTCDate())}.${two(d.getUTCMonth() + 1)}.${two(year % 100)}`,
    time: `${two(d.getUTCHours())}.${two(d.getUTCMinutes())}.${two(d.getUTCSeconds())}`,
    startdate: `${two(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${year}`,
    fractionS: (startMs - d.getTime()) / 1000,
  };
}

export function annotationLabel(format: EdfSampleFormat): string {
  return format === 'bdf' ? 'BDF Annotations' : 'EDF Annotations';
}

/** The whole header (256 + 256 x (signals + 1) bytes; the annotation signal is last). */
export function encodeEdfHeader(h: EdfWriterHeader): Uint8Array {
  const ns = h.signals.length + 1;
  const headerBytes = 256 * (ns + 1);
  const range = DIGITAL_RANGE[h.format];
  const start = startFields(h.startMs);
  const p = h.patient ?? {};
  const patient = [subfield(p.code), p.sex ?? 'X', subfield(p.birthdate), subfield(p.name)].join(' ');
  const recording = ['Startdate', start.startdate, subfield(h.recording.adminCode), subfield(h.recording.technician), subfield(h.recording.equipment)].join(' ');
  const plus = `${h.format === 'bdf' ? 'BDF' : 'EDF'}+${h.contiguous ? 'C' : 'D'}`;
  const fixed =
    padField(h.format === 'bdf' ? ' BIOSEMI' : '0', 8) +
    padField(patient.slice(0, 80), 80) +
    padField(recording.slice(0, 80), 80) +
    start.date +
    start.time +
    padField(String(headerBytes), 8) +
    padField(plus, 44) +
    padField(String(h.numberOfRecords), 8) +
    padField(formatNumberField(h.recordDurationS), 8) +
    padField(String(ns), 4);
  const annotation: EdfWriterSignal = {
    label: annotationLabel(h.format),
    transducer: '',
    physicalDimension: '',
    physicalMin: -1,
    physicalMax: 1,
    prefiltering: '',
    samplesPerRecord: h.annotationSamplesPerRecord,
  };
  const all = [...h.signals, annotation];
  const column = (width: number, get: (s: EdfWriterSignal) => string) => all.map((s) => padField(get(s), width)).join('');
  const text =
    fixed +
    column(16, (s) => s.label) +
    column(80, (s) => s.transducer) +
    column(8, (s) => s.physicalDimension) +
    column(8, (s) => formatNumberField(s.physicalMin)) +
    column(8, (s) => formatNumberField(s.physicalMax)) +
    column(8, () => String(range.min)) +
    column(8, () => String(range.max)) +
    column(80, (s) => s.prefiltering) +
    column(8, (s) => String(s.samplesPerRecord)) +
    column(32, () => '');
  const bytes = new Uint8Array(headerBytes);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  if (h.format === 'bdf') bytes[0] = 0xff; // BDF version: byte 255, then 'BIOSEMI'
  if (text.length !== headerBytes) throw new Error(`EDF header is ${text.length} bytes, expected ${headerBytes}`);
  return bytes;
}

/** The "number of data records" field alone, to patch a written header in place. */
export function encodeRecordCount(count: number): Uint8Array {
  return Uint8Array.from(padField(String(count), RECORD_COUNT_FIELD.width), (c) => c.charCodeAt(0));
}

/** One annotation to write: onset in seconds from the file's start time. */
export interface TalInput {
  onsetS: number;
  durationS?: number;
  text: string;
}

function formatOnset(seconds: number): string {
  // Sub-millisecond digits say nothing about these streams and cost annotation bytes.
  const text = String(Math.round(seconds * 1e4) / 1e4);
  return seconds < 0 ? text : `+${text}`;
}

const utf8 = new TextEncoder();

/** One TAL: "+onset[\x15duration]\x14text\x14\x00" (texts are UTF-8; \x14, \x15 and \x00 are replaced). */
export function encodeTal(tal: TalInput): Uint8Array {
  const duration = tal.durationS === undefined ? '' : `\x15${String(Math.round(tal.durationS * 1e4) / 1e4)}`;
  const text = tal.text.replace(/[\x00\x14\x15]/g, ' ');
  return utf8.encode(`${formatOnset(tal.onsetS)}${duration}\x14${text}\x14\x00`);
}

/** The time-keeping TAL that starts every EDF+ data record: "+onset\x14\x14\x00". */
export function encodeTimeKeepingTal(onsetS: number): Uint8Array {
  return utf8.encode(`${formatOnset(onsetS)}\x14\x14\x00`);
}

export interface RecordLayout {
  format: EdfSampleFormat;
  signals: Pick<EdfWriterSignal, 'physicalMin' | 'physicalMax' | 'samplesPerRecord'>[];
  annotationSamplesPerRecord: number;
}

export interface EncodedRecord {
  bytes: Uint8Array;
  /** Samples outside the physical range, written at the range's edge. */
  clipped: number;
  /** NaN samples, written as the digital minimum. */
  missing: number;
  /** TALs that did not fit in this record's annotation bytes (the caller carries them to the next). */
  overflow: TalInput[];
}

export function recordBytes(layout: RecordLayout): number {
  const width = BYTES_PER_SAMPLE[layout.format];
  return width * (layout.signals.reduce((sum, s) => sum + s.samplesPerRecord, 0) + layout.annotationSamplesPerRecord);
}

/**
 * Encodes one data record. Physical values map linearly onto [digital min + 1, digital max]: the
 * digital minimum itself is kept for NaN (missing) samples, so a reader sees them at the physical
 * minimum and a gap annotation says where they are; values beyond the range are clipped and counted.
 */
export function encodeRecord(layout: RecordLayout, values: Float32Array[], onsetS: number, tals: TalInput[]): EncodedRecord {
  if (values.length !== layout.signals.length) throw new RangeError(`record has ${values.length} signals, layout ${layout.signals.length}`);
  const width = BYTES_PER_SAMPLE[layout.format];
  const range = DIGITAL_RANGE[layout.format];
  const bytes = new Uint8Array(recordBytes(layout));
  let offset = 0;
  let clipped = 0;
  let missing = 0;
  layout.signals.forEach((s, i) => {
    const v = values[i];
    if (v.length !== s.samplesPerRecord) throw new RangeError(`signal ${i} has ${v.length} samples, record needs ${s.samplesPerRecord}`);
    // The range as the header states it (8 characters), so a reader scales exactly as written.
    const physicalMin = asWritten(s.physicalMin);
    const physicalMax = asWritten(s.physicalMax);
    const scale = (range.max - range.min) / (physicalMax - physicalMin);
    for (let k = 0; k < v.length; k++, offset += width) {
      let d: number;
      if (Number.isNaN(v[k])) {
        d = range.min;
        missing++;
      } else {
        if (v[k] < physicalMin || v[k] > physicalMax) clipped++;
        d = Math.round((v[k] - physicalMin) * scale + range.min);
        if (d <= range.min) d = range.min + 1;
        else if (d > range.max) d = range.max;
      }
      bytes[offset] = d & 0xff;
      bytes[offset + 1] = (d >> 8) & 0xff;
      if (width === 3) bytes[offset + 2] = (d >> 16) & 0xff;
    }
  });
  // Annotation signal: the time-keeping TAL, then as many TALs as fit; unused bytes stay 0.
  const capacity = bytes.length - offset;
  const keeping = encodeTimeKeepingTal(onsetS);
  if (keeping.length > capacity) throw new RangeError(`annotation signal of ${capacity} bytes cannot hold the time-keeping TAL`);
  bytes.set(keeping, offset);
  let used = keeping.length;
  const overflow: TalInput[] = [];
  for (const tal of tals) {
    const encoded = encodeTal(tal);
    if (overflow.length === 0 && used + encoded.length <= capacity) {
      bytes.set(encoded, offset + used);
      used += encoded.length;
    } else overflow.push(tal);
  }
  return { bytes, clipped, missing, overflow };
}

/** Physical value of a digital code, as a reader computes it (for tests and the quantisation step). */
export function physicalStep(format: EdfSampleFormat, physicalMin: number, physicalMax: number): number {
  const range = DIGITAL_RANGE[format];
  return (asWritten(physicalMax) - asWritten(physicalMin)) / (range.max - range.min);
}
