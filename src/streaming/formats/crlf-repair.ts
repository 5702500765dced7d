// Repair for binary files damaged by a text-mode LF -> CRLF conversion (e.g. git `autocrlf` on a
// file not marked binary): every 0x0A byte gained a 0x0D in front of it, shifting all later bytes.
// The eegmmidb S001 EDF copies in ../shared/data were damaged this way (every LF follows a CR, and
// data record TALs drift). Undoing it restores the byte stream, except for genuine CR LF pairs in
// the original (rare in binary data: about one per 64 KiB), which are indistinguishable.

export interface CrlfReport {
  /** Number of 0x0A bytes in the input. */
  lineFeeds: number;
  /** Number of those preceded by 0x0D. */
  crlfPairs: number;
}

export function countCrlf(bytes: Uint8Array): CrlfReport {
  let lineFeeds = 0;
  let crlfPairs = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    lineFeeds++;
    if (i > 0 && bytes[i - 1] === 0x0d) crlfPairs++;
  }
  return { lineFeeds, crlfPairs };
}

/**
 * True when the bytes look LF -> CRLF converted: at least `minLineFeeds` LFs and every one preceded by
 * a CR (in undamaged binary data only about 1 LF in 256 follows a CR).
 */
export function looksCrlfConverted(bytes: Uint8Array, minLineFeeds = 16): boolean {
  const { lineFeeds, crlfPairs } = countCrlf(bytes);
  return lineFeeds >= minLineFeeds && crlfPairs === lineFeeds;
}

/** Returns a copy with every CR LF pair turned back into LF. */
export function undoCrlfConversion(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) continue;
    out[n++] = bytes[i];
  }
  return out.slice(0, n);
}
