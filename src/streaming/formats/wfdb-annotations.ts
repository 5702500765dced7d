// MIT-format WFDB annotation files (.atr), written from the WFDB "annot(5)" specification
// (https://physionet.org/physiotools/wag/annot-5.htm) and the code table of <wfdb/ecgcodes.h>.
// Each annotation is a little-endian 16-bit word: 6-bit code A (high bits) and 10-bit value I.
// A = 1..49 starts an annotation I samples after the previous one; the pseudo-codes that follow
// modify it: SKIP (59, a 32-bit interval follows), NUM (60), SUB (61), CHN (62), AUX (63, I bytes
// follow, padded to even). The word 0 ends the file.
import { FormatError } from '../../common/errors.js';

export interface WfdbAnnotation {
  /** Sample index (frame number) the annotation is attached to. */
  sampleIndex: number;
  /** Annotation code (0..49), see ANNOTATION_SYMBOLS. */
  code: number;
  /** Mnemonic, e.g. 'N', 'V', '+'; '' for undefined codes. */
  symbol: string;
  subtype: number;
  /** Channel number; carried over from the previous annotation unless changed (as WFDB does). */
  chan: number;
  /** Annotator number; carried over from the previous annotation unless changed (as WFDB does). */
  num: number;
  /** Auxiliary text (e.g. rhythm '(AFIB'), or '' when absent. */
  aux: string;
}

const SKIP = 59;
const NUM = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;

/** Code to mnemonic, from ecgcodes.h (index = code). Unused codes are ''. */
export const ANNOTATION_SYMBOLS: readonly string[] = [
  '', 'N', 'L', 'R', 'a', 'V', 'F', 'J', 'A', 'S', // 0-9 (0 = NOTQRS)
  'E', 'j', '/', 'Q', '~', '', '|', '', 's', 'T', // 10-19
  '*', 'D', '"', '=', 'p', 'B', '^', 't', '+', 'u', // 20-29
  '?', '!', '[', ']', 'e', 'n', '@', 'x', 'f', '(', // 30-39
  ')', 'r', '', '', '', '', '', '', '', '', // 40-49
];

/** Reference beat symbols for QRS detector scoring (ANSI/AAMI EC57). */
export const BEAT_SYMBOLS: ReadonlySet<string> = new Set([
  'N', 'L', 'R', 'B', 'A', 'a', 'J', 'S', 'V', 'r', 'F', 'e', 'j', 'n', 'E', '/', 'f', 'Q', '?',
]);

function signExtend10(value: number): number {
  return value >= 0x200 ? value - 0x400 : value;
}

/** WFDB keeps subtypes as signed chars: the low 8 bits of the field (0x3FF from putann and 0x0FF from wfdb-python are both -1). */
function signedChar(value: number): number {
  return ((value & 0xff) << 24) >> 24;
}

function fail(message: string, file?: string): never {
  throw new FormatError('wfdb-annotations', message, file);
}

/** Decodes a whole MIT-format annotation file. A missing end word is accepted at the end of the bytes. */
export function parseWfdbAnnotations(bytes: Uint8Array, file?: string): WfdbAnnotation[] {
  const out: WfdbAnnotation[] = [];
  let time = 0;
  let chan = 0;
  let num = 0;
  let current: WfdbAnnotation | undefined;
  let pos = 0;
  while (pos + 2 <= bytes.length) {
    const word = bytes[pos] | (bytes[pos + 1] << 8);
    pos += 2;
    if (word === 0) return out;
    const code = word >> 10;
    const value = word & 0x3ff;
    switch (code) {
      case SKIP: {
        if (pos + 4 > bytes.length) fail(`SKIP at byte ${pos - 2} is truncated`, file);
        // PDP-11 long: high 16-bit word first, each word little-endian.
        const high = bytes[pos] | (bytes[pos + 1] << 8);
        const low = bytes[pos + 2] | (bytes[pos + 3] << 8);
        time += ((high << 16) | low) | 0;
        pos += 4;
        break;
      }
      case NUM:
        num = signExtend10(value);
        if (current) current.num = num;
        break;
      case SUB:
        if (current) current.subtype = signedChar(value);
        break;
      case CHN:
        chan = value;
        if (current) current.chan = chan;
        break;
      case AUX: {
        if (pos + value > bytes.length) fail(`AUX at byte ${pos - 2} announces ${value} bytes past the end`, file);
        const auxBytes = bytes.subarray(pos, pos + value);
        const nul = auxBytes.indexOf(0);
        const text = String.fromCharCode(...(nul >= 0 ? auxBytes.subarray(0, nul) : auxBytes));
        if (current) current.aux = text;
        pos += value + (value & 1);
        break;
      }
      default: {
        if (code > 49) fail(`reserved annotation code ${code} at byte ${pos - 2}`, file);
        time += value;
        if (time < 0) fail(`annotation at byte ${pos - 2} has negative time ${time}`, file);
        current = { sampleIndex: time, code, symbol: ANNOTATION_SYMBOLS[code], subtype: 0, chan, num, aux: '' };
        out.push(current);
      }
    }
  }
  if (pos !== bytes.length) fail(`odd trailing byte at ${pos}`, file);
  return out;
}

/** True when the annotation is a reference beat for QRS detection scoring. */
export function isBeatAnnotation(annotation: Pick<WfdbAnnotation, 'symbol'>): boolean {
  return BEAT_SYMBOLS.has(annotation.symbol);
}
