// EDF+ "EDF Annotations" signals: Time-stamped Annotation Lists (TALs), written from the EDF+
// specification (Kemp & Olivan 2003, https://www.edfplus.info/specs/edfplus.html section 2.2).
// A TAL is "+onset[\x15duration]\x14text\x14text\x14\x00"; the first TAL of each data record holds
// the record's start time with an empty text. Unused bytes after the last TAL are 0.
import { FormatError } from '../../common/errors.js';

export interface EdfAnnotation {
  /** Seconds since the file's start date and time. */
  onsetSeconds: number;
  /** Seconds, or undefined when the TAL gives no duration. */
  durationSeconds: number | undefined;
  /** Annotation texts of this TAL (one TAL can carry several). */
  texts: string[];
}

export interface RecordTals {
  /** Onset of the data record from its time-keeping TAL (EDF+), seconds. */
  recordOnsetSeconds: number;
  annotations: EdfAnnotation[];
}

const ONSET_RE = /^[+-]\d+(\.\d*)?$/;
const DURATION_RE = /^\d+(\.\d*)?$/;
const decoder = new TextDecoder('utf-8');

function fail(message: string, file?: string): never {
  throw new FormatError('edf+', message, file);
}

/** Parses one TAL (without its terminating 0 byte). */
export function parseTal(bytes: Uint8Array, file?: string): EdfAnnotation {
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x14) {
      parts.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  if (start !== bytes.length || parts.length < 2) fail('TAL does not end with a 0x14 after its texts', file);
  const timing = decoder.decode(parts[0]);
  const [onsetText, durationText, extra] = timing.split('\x15');
  if (extra !== undefined || !ONSET_RE.test(onsetText)) fail(`TAL onset '${timing}' is malformed`, file);
  if (durationText !== undefined && !DURATION_RE.test(durationText)) fail(`TAL duration '${durationText}' is malformed`, file);
  return {
    onsetSeconds: Number(onsetText),
    durationSeconds: durationText === undefined ? undefined : Number(durationText),
    texts: parts.slice(1).map((p) => decoder.decode(p)),
  };
}

/** Parses the annotation bytes of one data record; the first TAL's empty first text is time-keeping. */
export function parseRecordTals(bytes: Uint8Array, file?: string): RecordTals {
  const tals: EdfAnnotation[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0) continue;
    if (i > start) tals.push(parseTal(bytes.subarray(start, i), file));
    start = i + 1;
  }
  if (start < bytes.length) fail('annotation bytes do not end with a 0 byte', file);
  if (tals.length === 0 || tals[0].texts[0] !== '') fail('data record lacks its time-keeping TAL', file);
  const [keeping, ...rest] = tals;
  const annotations = rest.filter((t) => t.texts.length > 0);
  const keepingTexts = keeping.texts.slice(1).filter((t) => t !== '');
  if (keepingTexts.length > 0) annotations.unshift({ ...keeping, texts: keepingTexts });
  return { recordOnsetSeconds: keeping.onsetSeconds, annotations };
}
