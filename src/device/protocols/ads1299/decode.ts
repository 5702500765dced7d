// ADS1299 conversion frames (RDATAC / RDATA): a 24-bit status word `1100 LOFF_STATP LOFF_STATN
// GPIO[7:4]` then eight 24-bit two's complement samples, MSB first (datasheet §9.4.4.2). Pure.
import { FrameError } from '../../../common/errors.js';
import {
  ADS1299_CHANNELS,
  ADS1299_CODE_MAX,
  ADS1299_CODE_MIN,
  ADS1299_FRAME_BYTES,
  ADS1299_ID_CHANNELS,
  ADS1299_ID_FAMILY,
  ADS1299_ID_FAMILY_MASK,
  ADS1299_STATUS_SYNC,
} from './constants.js';

export interface Ads1299Status {
  /** Lead-off comparator bits, bit n = channel n+1 (positive and negative electrode). */
  loffStatP: number;
  loffStatN: number;
  /** GPIO[4:1] data bits. */
  gpio: number;
}

export interface Ads1299Frame {
  status: Ads1299Status;
  /** Raw two's complement codes, one per channel. */
  codes: Int32Array;
}

/** A 24-bit two's complement big-endian integer at `offset`. */
export function readInt24(bytes: Uint8Array, offset: number): number {
  const u = (bytes[offset] << 16) | (bytes[offset + 1] << 8) | bytes[offset + 2];
  return u & 0x800000 ? u - 0x1000000 : u;
}

export function writeInt24(bytes: Uint8Array, offset: number, code: number): void {
  if (!Number.isInteger(code) || code < ADS1299_CODE_MIN || code > ADS1299_CODE_MAX) throw new FrameError('field', `code ${code} is not 24-bit`);
  const u = code < 0 ? code + 0x1000000 : code;
  bytes[offset] = (u >> 16) & 0xff;
  bytes[offset + 1] = (u >> 8) & 0xff;
  bytes[offset + 2] = u & 0xff;
}

export function decodeStatusWord(bytes: Uint8Array, offset = 0): Ads1299Status {
  const word = (bytes[offset] << 16) | (bytes[offset + 1] << 8) | bytes[offset + 2];
  if (word >>> 20 !== ADS1299_STATUS_SYNC) {
    throw new FrameError('sync', `status word 0x${word.toString(16).padStart(6, '0')} does not start with 1100 (SPI wiring, mode or a read outside DRDY?)`);
  }
  return { loffStatP: (word >> 12) & 0xff, loffStatN: (word >> 4) & 0xff, gpio: word & 0x0f };
}

export function encodeStatusWord(status: Ads1299Status): Uint8Array {
  const word = (ADS1299_STATUS_SYNC << 20) | ((status.loffStatP & 0xff) << 12) | ((status.loffStatN & 0xff) << 4) | (status.gpio & 0x0f);
  return Uint8Array.of((word >> 16) & 0xff, (word >> 8) & 0xff, word & 0xff);
}

/** Decodes one 27-byte conversion frame; throws FrameError on a wrong length or status sync. */
export function decodeFrame(bytes: Uint8Array): Ads1299Frame {
  if (bytes.length !== ADS1299_FRAME_BYTES) throw new FrameError('length', `conversion frame of ${bytes.length} bytes, expected ${ADS1299_FRAME_BYTES}`);
  const status = decodeStatusWord(bytes, 0);
  const codes = new Int32Array(ADS1299_CHANNELS);
  for (let c = 0; c < ADS1299_CHANNELS; c++) codes[c] = readInt24(bytes, 3 + 3 * c);
  return { status, codes };
}

export function encodeFrame(frame: Ads1299Frame): Uint8Array {
  if (frame.codes.length !== ADS1299_CHANNELS) throw new FrameError('length', `${frame.codes.length} codes, expected ${ADS1299_CHANNELS}`);
  const out = new Uint8Array(ADS1299_FRAME_BYTES);
  out.set(encodeStatusWord(frame.status), 0);
  for (let c = 0; c < ADS1299_CHANNELS; c++) writeInt24(out, 3 + 3 * c, frame.codes[c]);
  return out;
}

export interface Ads1299Identity {
  id: number;
  revision: number;
  channels: number | undefined;
  /** DEV_ID says ADS1299 family. */
  isAds1299: boolean;
}

export function decodeId(id: number): Ads1299Identity {
  return {
    id,
    revision: id >> 5,
    channels: ADS1299_ID_CHANNELS[id & 0x03],
    isAds1299: (id & ADS1299_ID_FAMILY_MASK) === ADS1299_ID_FAMILY && (id & 0x10) !== 0,
  };
}

/**
 * Reassembles conversion frames from a byte stream split anywhere (a bus that delivers the 27
 * bytes in pieces, or a replay). Bounded: it only ever holds one partial frame.
 */
export class Ads1299FrameAssembler {
  private readonly partial = new Uint8Array(ADS1299_FRAME_BYTES);
  private filled = 0;

  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let i = 0;
    while (i < chunk.length) {
      const n = Math.min(ADS1299_FRAME_BYTES - this.filled, chunk.length - i);
      this.partial.set(chunk.subarray(i, i + n), this.filled);
      this.filled += n;
      i += n;
      if (this.filled === ADS1299_FRAME_BYTES) {
        out.push(this.partial.slice());
        this.filled = 0;
      }
    }
    return out;
  }

  get pendingBytes(): number {
    return this.filled;
  }

  reset(): void {
    this.filled = 0;
  }
}
