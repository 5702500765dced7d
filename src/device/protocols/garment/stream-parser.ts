// Garment frames out of an unframed byte stream (UART, USB CDC, replay files). Scans for the magic,
// validates envelope, length and CRC, resyncs from the byte after a failed magic, counts every
// problem. The internal buffer is fixed-size: endless garbage costs counters, never memory, and
// a CRC budget bounds the work per input byte: crafted false magics cost skips, never the CPU.
import { FrameError } from '../../../common/errors.js';
import {
  GARMENT_CRC_BYTES,
  GARMENT_ENVELOPE_BYTES,
  GARMENT_MAGIC_BYTES,
  GARMENT_MAX_ENVELOPE_FRAME_BYTES,
  GARMENT_MAX_PAYLOAD_BYTES,
  GARMENT_MIN_HEADER_BYTES,
} from './constants.js';
import { crc16CcittFalse } from './crc16.js';
import { decodeGarmentFrame } from './decode.js';
import type { GarmentFrame } from './frame.js';

export interface GarmentParserStats {
  framesOk: number;
  crcErrors: number;
  /** Impossible envelopes (resync) and CRC-valid frames with a wrong header or payload length (skipped whole). */
  lengthErrors: number;
  versionErrors: number;
  fieldErrors: number;
  /** Every input byte not delivered inside a good frame: garbage, false magics, rejected frames. */
  bytesSkipped: number;
}

/** Counters of the CRC budget (not part of SPEC.md section 6, so kept apart from the vector counters). */
export interface GarmentParserWorkStats {
  /** Magics inside a frame that just failed its CRC, skipped unchecked because the CRC budget ran out. */
  candidatesSkipped: number;
  /** Bytes run through the CRC, ever: the parser's work, bounded per input byte. */
  crcBytesChecked: number;
}

export type GarmentStreamParserStats = GarmentParserStats & GarmentParserWorkStats;

/** Room for one largest envelope frame plus as much again of new input, so each pass makes progress. */
const BUFFER_BYTES = 2 * GARMENT_MAX_ENVELOPE_FRAME_BYTES;
/**
 * CRC bytes earned per input byte. Real traffic, corrupted or not, needs about 1 (each byte is in
 * about one candidate); a false magic every 6 bytes announcing the largest frame would need ~213.
 */
export const CRC_BUDGET_BYTES_PER_INPUT_BYTE = 24;
/** Budget ceiling (and start): 16 largest frames, so bursts of real faults are always checked. */
export const CRC_BUDGET_MAX_BYTES = 16 * GARMENT_MAX_ENVELOPE_FRAME_BYTES;

/**
 * Frame length the envelope at `pos` announces, or null when the envelope is impossible (SPEC.md
 * rule 3, as checkEnvelope). Byte offsets rather than the typed-binary schema: this runs once per
 * candidate magic, and the envelope's place is fixed for every protocol version.
 */
export function envelopeFrameBytesAt(bytes: Uint8Array, pos: number): number | null {
  const headerBytes = bytes[pos + 3];
  const payloadBytes = bytes[pos + 4] | (bytes[pos + 5] << 8);
  if (headerBytes < GARMENT_MIN_HEADER_BYTES || payloadBytes > GARMENT_MAX_PAYLOAD_BYTES) return null;
  return headerBytes + payloadBytes + GARMENT_CRC_BYTES;
}

export class GarmentStreamParser {
  private readonly buffer = new Uint8Array(BUFFER_BYTES);
  private bufferedLength = 0;
  private crcBudgetBytes = CRC_BUDGET_MAX_BYTES;
  /** Buffer offset where the latest frame that failed its CRC ends (candidates before it may be skipped). */
  private failedSpanEnd = 0;
  private readonly counters: GarmentStreamParserStats = {
    framesOk: 0,
    crcErrors: 0,
    lengthErrors: 0,
    versionErrors: 0,
    fieldErrors: 0,
    bytesSkipped: 0,
    candidatesSkipped: 0,
    crcBytesChecked: 0,
  };

  /** A snapshot of the counters. */
  get stats(): Readonly<GarmentStreamParserStats> {
    return { ...this.counters };
  }

  /** Bytes held while waiting for the rest of a frame (never more than BUFFER_BYTES). */
  get bufferedBytes(): number {
    return this.bufferedLength;
  }

  push(chunk: Uint8Array): GarmentFrame[] {
    const frames: GarmentFrame[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(BUFFER_BYTES - this.bufferedLength, chunk.length - offset);
      this.buffer.set(chunk.subarray(offset, offset + n), this.bufferedLength);
      this.bufferedLength += n;
      offset += n;
      this.crcBudgetBytes = Math.min(CRC_BUDGET_MAX_BYTES, this.crcBudgetBytes + n * CRC_BUDGET_BYTES_PER_INPUT_BYTE);
      this.drain(frames);
    }
    return frames;
  }

  /** Drops a partial frame, e.g. after the transport reconnected; its bytes count as skipped. */
  reset(): void {
    this.counters.bytesSkipped += this.bufferedLength;
    this.bufferedLength = 0;
    this.failedSpanEnd = 0;
  }

  // Leaves fewer than GARMENT_MAX_ENVELOPE_FRAME_BYTES buffered: every candidate that long is decided.
  // False candidates are the hot path under attack, so they are refused without allocating or throwing.
  private drain(frames: GarmentFrame[]): void {
    const buf = this.buffer;
    const end = this.bufferedLength;
    let pos = 0;
    for (;;) {
      const magicAt = this.findMagic(pos, end);
      this.counters.bytesSkipped += magicAt - pos;
      pos = magicAt;
      if (end - pos < GARMENT_ENVELOPE_BYTES) break;
      const frameBytes = envelopeFrameBytesAt(buf, pos);
      if (frameBytes === null) {
        this.counters.lengthErrors++;
        pos = this.skip(pos, 1);
        continue;
      }
      if (end - pos < frameBytes) break;
      const crcBytes = frameBytes - GARMENT_CRC_BYTES;
      if (crcBytes > this.crcBudgetBytes && pos < this.failedSpanEnd) {
        // Out of budget inside bytes that just failed a CRC: a flood of false magics, not a stream.
        this.counters.candidatesSkipped++;
        pos = this.skip(pos, 1);
        continue;
      }
      // Checks outside a failed span are never refused: their spans are disjoint, at most 1 byte each.
      this.crcBudgetBytes = Math.max(0, this.crcBudgetBytes - crcBytes);
      this.counters.crcBytesChecked += crcBytes;
      if (crc16CcittFalse(buf, pos, pos + crcBytes) !== (buf[pos + crcBytes] | (buf[pos + crcBytes + 1] << 8))) {
        // The boundary is not trustworthy: a real frame may start inside these bytes.
        this.counters.crcErrors++;
        this.failedSpanEnd = Math.max(this.failedSpanEnd, pos + frameBytes);
        pos = this.skip(pos, 1);
        continue;
      }
      try {
        frames.push(decodeGarmentFrame(buf.subarray(pos, pos + frameBytes)));
        this.counters.framesOk++;
        pos += frameBytes;
      } catch (err) {
        if (!(err instanceof FrameError)) throw err;
        pos = this.reject(err, pos, frameBytes);
      }
    }
    buf.copyWithin(0, pos, end);
    this.bufferedLength = end - pos;
    this.failedSpanEnd = Math.max(0, this.failedSpanEnd - pos);
  }

  /** A frame whose CRC is good but whose version, header or fields are not. */
  private reject(err: FrameError, pos: number, frameBytes: number): number {
    switch (err.code) {
      case 'version':
        this.counters.versionErrors++;
        break;
      case 'field':
        this.counters.fieldErrors++;
        break;
      default:
        this.counters.lengthErrors++;
    }
    // CRC was good, so the frame boundary is right: skip the frame whole.
    return this.skip(pos, frameBytes);
  }

  private skip(pos: number, bytes: number): number {
    this.counters.bytesSkipped += bytes;
    return pos + bytes;
  }

  /** Index of the next magic at or after `from`; a lone first magic byte at the very end counts as a candidate. */
  private findMagic(from: number, end: number): number {
    const buf = this.buffer;
    for (let i = from; i < end; i++) {
      if (buf[i] !== GARMENT_MAGIC_BYTES[0]) continue;
      if (i + 1 === end || buf[i + 1] === GARMENT_MAGIC_BYTES[1]) return i;
    }
    return end;
  }
}
