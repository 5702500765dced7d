// Cyton packets out of the byte stream while the board streams. A packet is 0xA0, 31 bytes, then a
// footer 0xC0..0xCF. In lock (the last packet ended here) a header with a footer 32 bytes on is
// taken; after garbage, a candidate must also be followed by the next packet's 0xA0, so a stray
// 0xA0 inside channel data does not start a false lock. Every byte not delivered in a packet is
// counted. Work is bounded by construction: each candidate costs O(1) and every byte is looked at
// a fixed number of times (`workSteps` counts it; the fuzz test checks the bound).
import {
  CYTON_FOOTER_AT,
  CYTON_FOOTER_BASE,
  CYTON_HEADER_BYTE,
  CYTON_PACKET_BYTES,
} from './constants.js';
import { decodeCytonPacket, isCytonFooter, type CytonPacket } from './decode.js';

export interface CytonParserStats {
  framesOk: number;
  /** Every input byte not delivered inside a packet. */
  bytesSkipped: number;
  /** Headers without a footer 32 bytes on (or, out of lock, without the next header): false starts. */
  falseStarts: number;
  /** Packets whose footer is not one of 0xC0..0xC6: channels kept, aux ignored. */
  unknownFooters: number;
  /** Candidates examined plus bytes scanned: the parser's work, at most WORK_STEPS_PER_BYTE per input byte. */
  workSteps: number;
}

/** The bound the fuzz test checks: scanning (1) plus at most one candidate check (1) per byte, plus slack. */
export const CYTON_WORK_STEPS_PER_BYTE = 3;

const BUFFER_BYTES = 4 * CYTON_PACKET_BYTES;
const KNOWN_FOOTER_MAX = CYTON_FOOTER_BASE + 6;

export class CytonStreamParser {
  private readonly buffer = new Uint8Array(BUFFER_BYTES);
  private bufferedLength = 0;
  private locked = false;
  private readonly counters: CytonParserStats = { framesOk: 0, bytesSkipped: 0, falseStarts: 0, unknownFooters: 0, workSteps: 0 };

  get stats(): Readonly<CytonParserStats> {
    return { ...this.counters };
  }

  get bufferedBytes(): number {
    return this.bufferedLength;
  }

  push(chunk: Uint8Array): CytonPacket[] {
    const packets: CytonPacket[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(BUFFER_BYTES - this.bufferedLength, chunk.length - offset);
      this.buffer.set(chunk.subarray(offset, offset + n), this.bufferedLength);
      this.bufferedLength += n;
      offset += n;
      this.drain(packets);
    }
    return packets;
  }

  /** Drops a partial packet (the link ended); its bytes count as skipped, and lock is lost. */
  reset(): void {
    this.counters.bytesSkipped += this.bufferedLength;
    this.bufferedLength = 0;
    this.locked = false;
  }

  private drain(packets: CytonPacket[]): void {
    const buf = this.buffer;
    const end = this.bufferedLength;
    let pos = 0;
    for (;;) {
      let at = pos;
      while (at < end && buf[at] !== CYTON_HEADER_BYTE) at++;
      this.counters.workSteps += at - pos;
      if (at > pos) {
        this.counters.bytesSkipped += at - pos;
        this.locked = false;
      }
      pos = at;
      if (end - pos < CYTON_PACKET_BYTES) break;
      this.counters.workSteps++;
      const footer = buf[pos + CYTON_FOOTER_AT];
      let ok = isCytonFooter(footer);
      if (ok && !this.locked) {
        // Out of lock: wait for the byte after the packet; it must start the next one.
        if (end - pos === CYTON_PACKET_BYTES) break;
        ok = buf[pos + CYTON_PACKET_BYTES] === CYTON_HEADER_BYTE;
      }
      if (!ok) {
        this.counters.falseStarts++;
        this.counters.bytesSkipped++;
        this.locked = false;
        pos++;
        continue;
      }
      const packet = decodeCytonPacket(buf.slice(pos, pos + CYTON_PACKET_BYTES));
      if (footer > KNOWN_FOOTER_MAX) this.counters.unknownFooters++;
      packets.push(packet);
      this.counters.framesOk++;
      this.locked = true;
      pos += CYTON_PACKET_BYTES;
    }
    buf.copyWithin(0, pos, end);
    this.bufferedLength = end - pos;
  }
}
