// MIT-format annotation encoding (WFDB "annot(5)", https://physionet.org/physiotools/wag/annot-5.htm):
// the inverse of wfdb-annotations.ts. Per annotation, in WFDB's order: [SKIP + 32-bit interval when
// the interval exceeds 1023], the code word (code << 10 | interval), [SUB subtype], [AUX length +
// bytes, padded to even]. The word 0x0000 ends the file. Channel and annotator number stay 0.
import { ANNOTATION_SYMBOLS } from './wfdb-annotations.js';

export interface WfdbWriteAnnotation {
  /** Sample (frame) index, strictly increasing. */
  sample: number;
  /** Mnemonic from ANNOTATION_SYMBOLS, e.g. 'N', 'V', '+'. */
  symbol: string;
  /**
   * Auxiliary text, e.g. rhythm '(AFIB'; written byte for byte (characters 1..255). A final '\0'
   * is written and counted as MIT-BIH's own files do ('(N\0'); WFDB's wrann and most writers omit it.
   */
  aux?: string;
  /** Subtype (-128..127, e.g. noise level for '~'); 0 writes no SUB word. */
  subtype?: number;
}

const SKIP = 59;
const SUB = 61;
const AUX = 63;
/** Largest interval that fits in a code word's 10 bits. */
const MAX_INTERVAL = 1023;
/** The AUX length is one byte in WFDB's in-memory form, so 255 bytes at most. */
export const MAX_AUX_BYTES = 255;

const codeBySymbol = new Map<string, number>();
ANNOTATION_SYMBOLS.forEach((symbol, code) => {
  if (symbol !== '' && !codeBySymbol.has(symbol)) codeBySymbol.set(symbol, code);
});

/** Annotation code for a mnemonic, or undefined when our table (ecgcodes.h) has no such symbol. */
export function annotationCode(symbol: string): number | undefined {
  return codeBySymbol.get(symbol);
}

function auxBytes(aux: string, index: number): Uint8Array {
  const bytes = new Uint8Array(aux.length);
  for (let i = 0; i < aux.length; i++) {
    const c = aux.charCodeAt(i);
    const finalNul = c === 0 && i === aux.length - 1;
    if ((c < 1 || c > 255) && !finalNul) {
      throw new RangeError(`annotation ${index}: aux character ${c} at ${i} is not a byte 1..255 (a NUL may only end the text)`);
    }
    bytes[i] = c;
  }
  if (bytes.length > MAX_AUX_BYTES) throw new RangeError(`annotation ${index}: aux text is ${bytes.length} bytes, at most ${MAX_AUX_BYTES}`);
  return bytes;
}

/**
 * Encodes annotations as an MIT-format file. Throws a RangeError naming the annotation for an
 * unknown symbol, a sample that is negative, not an integer, not after the previous one, or (when
 * `frames` is given) past the record's last frame.
 */
export function encodeWfdbAnnotations(annotations: readonly WfdbWriteAnnotation[], frames?: number): Uint8Array {
  const words: number[] = [];
  const word = (w: number) => words.push(w & 0xff, w >> 8);
  let previous = 0;
  annotations.forEach((a, index) => {
    const code = annotationCode(a.symbol);
    if (code === undefined) throw new RangeError(`annotation ${index}: unknown symbol '${a.symbol}' (not in ANNOTATION_SYMBOLS)`);
    if (!Number.isSafeInteger(a.sample) || a.sample < 0) throw new RangeError(`annotation ${index}: sample ${a.sample} is not a non-negative integer`);
    if (index > 0 && a.sample <= previous) {
      throw new RangeError(`annotation ${index}: sample ${a.sample} is not after the previous annotation's ${previous}`);
    }
    if (frames !== undefined && a.sample >= frames) throw new RangeError(`annotation ${index}: sample ${a.sample} is past the record's ${frames} frames`);
    if (a.sample > 0x7fffffff) throw new RangeError(`annotation ${index}: sample ${a.sample} exceeds WFDB's 32-bit time`);
    const subtype = a.subtype ?? 0;
    if (!Number.isInteger(subtype) || subtype < -128 || subtype > 127) throw new RangeError(`annotation ${index}: subtype ${subtype} is not in -128..127`);
    let interval = a.sample - (index === 0 ? 0 : previous);
    if (interval > MAX_INTERVAL) {
      // PDP-11 long: high 16-bit word first, each word little-endian.
      word(SKIP << 10);
      word(interval >>> 16);
      word(interval & 0xffff);
      interval = 0;
    }
    word((code << 10) | interval);
    if (subtype !== 0) word((SUB << 10) | (subtype & 0x3ff));
    if (a.aux !== undefined && a.aux !== '') {
      const bytes = auxBytes(a.aux, index);
      word((AUX << 10) | bytes.length);
      for (const b of bytes) words.push(b);
      if (bytes.length & 1) words.push(0);
    }
    previous = a.sample;
  });
  word(0);
  return Uint8Array.from(words);
}
