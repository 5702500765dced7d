// Pure decoding of Cyton packets and text answers: 24-bit big-endian two's complement channels,
// the aux bytes per footer, counts to microvolts and g, and the `$$$` answers of the text mode.
import { FrameError } from '../../../common/errors.js';
import {
  ADS1299_FULL_SCALE_COUNTS,
  ADS1299_MIN_COUNTS,
  ADS1299_VREF_V,
  CYTON_ACCEL_G_PER_COUNT,
  CYTON_AUX_AT,
  CYTON_AUX_BYTES,
  CYTON_CHANNELS_AT,
  CYTON_CHANNELS_PER_BOARD,
  CYTON_END_OF_TRANSMISSION,
  CYTON_FOOTER_AT,
  CYTON_FOOTER_BASE,
  CYTON_FOOTER_KINDS,
  CYTON_FOOTER_MASK,
  CYTON_HEADER_BYTE,
  CYTON_PACKET_BYTES,
  CYTON_SAMPLE_NUMBER_AT,
  type CytonFooterKind,
} from './constants.js';

export interface CytonPacket {
  /** 0..255, wraps. */
  sampleNumber: number;
  /** Eight raw ADS1299 counts, -2^23 .. 2^23-1. */
  counts: Int32Array;
  footer: number;
  footerKind: CytonFooterKind;
  /** Accelerometer X, Y, Z in g (footer 0xC0 only); null when the packet carries no new reading (all zero). */
  accelG: [number, number, number] | null;
  /** The six aux bytes as sent (kept for footers 0xC1..0xC6 and unknown ones). */
  aux: Uint8Array;
}

/** A 24-bit big-endian two's complement value at `at`. */
export function int24be(bytes: Uint8Array, at: number): number {
  const v = (bytes[at] << 16) | (bytes[at + 1] << 8) | bytes[at + 2];
  return v & 0x800000 ? v - 0x1000000 : v;
}

export function int16be(bytes: Uint8Array, at: number): number {
  const v = (bytes[at] << 8) | bytes[at + 1];
  return v & 0x8000 ? v - 0x10000 : v;
}

export function isCytonFooter(byte: number): boolean {
  return (byte & CYTON_FOOTER_MASK) === CYTON_FOOTER_BASE;
}

export function footerKind(footer: number): CytonFooterKind {
  return CYTON_FOOTER_KINDS[footer - CYTON_FOOTER_BASE] ?? 'unknown';
}

/** Decodes one 33-byte packet; throws FrameError('length' | 'field') on a wrong size, header or footer. */
export function decodeCytonPacket(bytes: Uint8Array): CytonPacket {
  if (bytes.length !== CYTON_PACKET_BYTES) throw new FrameError('length', `Cyton packet is ${CYTON_PACKET_BYTES} bytes, got ${bytes.length}`);
  if (bytes[0] !== CYTON_HEADER_BYTE) throw new FrameError('field', `Cyton packet header 0x${bytes[0].toString(16)}, expected 0xa0`);
  const footer = bytes[CYTON_FOOTER_AT];
  if (!isCytonFooter(footer)) throw new FrameError('field', `Cyton packet footer 0x${footer.toString(16)}, expected 0xc0..0xcf`);
  const counts = new Int32Array(CYTON_CHANNELS_PER_BOARD);
  for (let c = 0; c < CYTON_CHANNELS_PER_BOARD; c++) counts[c] = int24be(bytes, CYTON_CHANNELS_AT + 3 * c);
  const aux = bytes.slice(CYTON_AUX_AT, CYTON_AUX_AT + CYTON_AUX_BYTES);
  let accelG: [number, number, number] | null = null;
  if (footer === CYTON_FOOTER_BASE && aux.some((b) => b !== 0)) {
    accelG = [0, 2, 4].map((at) => int16be(aux, at) * CYTON_ACCEL_G_PER_COUNT) as [number, number, number];
  }
  return { sampleNumber: bytes[CYTON_SAMPLE_NUMBER_AT], counts, footer, footerKind: footerKind(footer), accelG, aux };
}

/** Microvolts per count at a PGA gain: 4.5 V / gain / (2^23 - 1). */
export function microvoltsPerCount(gainX: number): number {
  return (ADS1299_VREF_V / gainX / ADS1299_FULL_SCALE_COUNTS) * 1e6;
}

/** The ADC is at (or beyond) either end of its range: the input is railed. */
export function isRailedCount(count: number): boolean {
  return count >= ADS1299_FULL_SCALE_COUNTS || count <= ADS1299_MIN_COUNTS + 1;
}

/** What the board said after reset: the banner, with the Daisy and firmware it names. */
export interface CytonBanner {
  text: string;
  daisy: boolean;
  firmware: string | null;
}

export function parseCytonBanner(text: string): CytonBanner | null {
  if (!/OpenBCI/i.test(text)) return null;
  const firmware = /Firmware:\s*(v[\w.]+)/i.exec(text)?.[1] ?? null;
  return { text, daisy: /On Daisy ADS1299 Device ID/i.test(text), firmware };
}

/** The answer to a channel settings command: `Success: Channel set for N$$$` or `Failure: ...$$$`. */
export function parseChannelSetAnswer(text: string): { ok: true; channel: number } | { ok: false; message: string } | null {
  const success = /Success:\s*Channel set for (\d+)/i.exec(text);
  if (success) return { ok: true, channel: Number(success[1]) };
  const failure = /Failure:\s*([^$]*)/i.exec(text);
  if (failure) return { ok: false, message: failure[1].trim() };
  return null;
}

export interface CytonTextStats {
  messages: number;
  /** Text bytes dropped because an answer grew beyond the bound without `$$$`. */
  bytesDropped: number;
}

/**
 * Collects the board's text answers (`...$$$`) out of a byte stream in text mode. Bounded: a
 * message longer than `maxMessageBytes` without its terminator is cut and its head dropped.
 */
export class CytonTextAssembler {
  private text = '';
  readonly stats: CytonTextStats = { messages: 0, bytesDropped: 0 };

  constructor(private readonly maxMessageBytes = 4096) {}

  push(chunk: Uint8Array): string[] {
    const out: string[] = [];
    for (const byte of chunk) this.text += String.fromCharCode(byte);
    for (;;) {
      const end = this.text.indexOf(CYTON_END_OF_TRANSMISSION);
      if (end < 0) break;
      out.push(this.text.slice(0, end));
      this.stats.messages++;
      this.text = this.text.slice(end + CYTON_END_OF_TRANSMISSION.length);
    }
    if (this.text.length > this.maxMessageBytes) {
      // Keep the tail: a terminator split across chunks must still be found.
      const drop = this.text.length - this.maxMessageBytes;
      this.stats.bytesDropped += drop;
      this.text = this.text.slice(drop);
    }
    return out;
  }

  get pendingBytes(): number {
    return this.text.length;
  }

  reset(): void {
    this.text = '';
  }
}
