// Garment frames out of an unframed byte stream (UART, USB CDC, replay files). Scans for the magic,
// validates envelope, length and CRC, resyncs from the byte after a failed magic, counts every
// problem. The internal buffer is fixed-size: endless garbage costs counters, never memory.
import { FrameError } from '../../../common/errors.js';
import { GARMENT_ENVELOPE_BYTES, GARMENT_MAGIC_BYTES, GARMENT_MAX_ENVELOPE_FRAME_BYTES } from './constants.js';
import { decodeGarmentFrame } from './decode.js';
import { envelopeFrameBytes, readEnvelope, type GarmentFrame } from './frame.js';
import { checkEnvelope } from './validate.js';

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

/** Room for one largest envelope frame plus as much again of new input, so each pass makes progress. */
const BUFFER_BYTES = 2 * GARMENT_MAX_ENVELOPE_FRAME_BYTES;

export class GarmentStreamParser {
  private readonly buffer = new Uint8Array(BUFFER_BYTES);
  private bufferedLength = 0;
  private readonly counters: GarmentParserStats = {
    framesOk: 0,
    crcErrors: 0,
    lengthErrors: 0,
    versionErrors: 0,
    fieldErrors: 0,
    bytesSkipped: 0,
  };

  /** A snapshot of the counters. */
  get stats(): Readonly<GarmentParserStats> {
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
      this.drain(frames);
    }
    return frames;
  }

  /** Drops a partial frame, e.g. after the transport reconnected; its bytes count as skipped. */
  reset(): void {
    this.counters.bytesSkipped += this.bufferedLength;
    this.bufferedLength = 0;
  }

  // Leaves fewer than GARMENT_MAX_ENVELOPE_FRAME_BYTES buffered: every candidate that long is decided.
  private drain(frames: GarmentFrame[]): void {
    const buf = this.buffer;
    const end = this.bufferedLength;
    let pos = 0;
    for (;;) {
      const magicAt = this.findMagic(pos, end);
      this.counters.bytesSkipped += magicAt - pos;
      pos = magicAt;
      if (end - pos < GARMENT_ENVELOPE_BYTES) break;
      const envelope = readEnvelope(buf, pos);
      try {
        checkEnvelope(envelope);
      } catch (err) {
        if (!(err instanceof FrameError)) throw err;
        this.counters.lengthErrors++;
        pos = this.skip(pos, 1);
        continue;
      }
      const frameBytes = envelopeFrameBytes(envelope);
      if (end - pos < frameBytes) break;
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
  }

  private reject(err: FrameError, pos: number, frameBytes: number): number {
    switch (err.code) {
      case 'crc':
        // The boundary is not trustworthy: a real frame may start inside these bytes.
        this.counters.crcErrors++;
        return this.skip(pos, 1);
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
