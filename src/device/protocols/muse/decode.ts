// Muse data notifications -> typed packets. Pure; one notification in, one packet out.
// EEG: [seq u16 BE][12 x u12 packed big-endian, 2 samples per 3 bytes]; PPG: [seq u16 BE][6 x u24 BE];
// telemetry: [seq][battery x512][fuel gauge][?][temperature], all u16 BE.
import { FrameError } from '../../../common/errors.js';
import {
  MUSE_BATTERY_COUNTS_PER_PERCENT,
  MUSE_EEG_MICROVOLTS_PER_COUNT,
  MUSE_EEG_SAMPLES_PER_PACKET,
  MUSE_EEG_ZERO_COUNT,
  MUSE_FUEL_GAUGE_MV_PER_COUNT,
  MUSE_MAX_CONTROL_RESPONSE_CHARS,
  MUSE_PACKET_BYTES,
  MUSE_PPG_SAMPLES_PER_PACKET,
  MUSE_TELEMETRY_MIN_BYTES,
} from './constants.js';

export interface MuseEegPacket {
  seq: number;
  /** Unsigned 12-bit counts as sent. */
  samplesRaw: Uint16Array;
  samplesUv: Float32Array;
}

export interface MusePpgPacket {
  seq: number;
  /** Unsigned 24-bit photodiode counts (no physical unit is published). */
  samplesRaw: Uint32Array;
}

export interface MuseTelemetry {
  seq: number;
  batteryPercent: number;
  fuelGaugeMv: number;
  /** Bytes 6..7; muse-js guesses an ADC millivolt level. Kept raw. */
  adcRaw: number;
  /** Bytes 8..9, unit not published; kept raw. */
  temperatureRaw: number;
}

function checkPacketLength(bytes: Uint8Array, what: string): void {
  if (bytes.length < MUSE_PACKET_BYTES) throw new FrameError('truncated', `${what} packet of ${bytes.length} bytes`);
  if (bytes.length > MUSE_PACKET_BYTES) throw new FrameError('length', `${what} packet of ${bytes.length} bytes`);
}

export function decodeMuseEegPacket(bytes: Uint8Array): MuseEegPacket {
  checkPacketLength(bytes, 'EEG');
  const samplesRaw = new Uint16Array(MUSE_EEG_SAMPLES_PER_PACKET);
  const samplesUv = new Float32Array(MUSE_EEG_SAMPLES_PER_PACKET);
  for (let i = 0, at = 2; i < MUSE_EEG_SAMPLES_PER_PACKET; i += 2, at += 3) {
    samplesRaw[i] = (bytes[at] << 4) | (bytes[at + 1] >> 4);
    samplesRaw[i + 1] = ((bytes[at + 1] & 0x0f) << 8) | bytes[at + 2];
  }
  for (let i = 0; i < samplesRaw.length; i++) samplesUv[i] = (samplesRaw[i] - MUSE_EEG_ZERO_COUNT) * MUSE_EEG_MICROVOLTS_PER_COUNT;
  return { seq: (bytes[0] << 8) | bytes[1], samplesRaw, samplesUv };
}

export function decodeMusePpgPacket(bytes: Uint8Array): MusePpgPacket {
  checkPacketLength(bytes, 'PPG');
  const samplesRaw = new Uint32Array(MUSE_PPG_SAMPLES_PER_PACKET);
  for (let i = 0, at = 2; i < samplesRaw.length; i++, at += 3) {
    samplesRaw[i] = (bytes[at] << 16) | (bytes[at + 1] << 8) | bytes[at + 2];
  }
  return { seq: (bytes[0] << 8) | bytes[1], samplesRaw };
}

export function decodeMuseTelemetry(bytes: Uint8Array): MuseTelemetry {
  if (bytes.length < MUSE_TELEMETRY_MIN_BYTES) throw new FrameError('truncated', `telemetry of ${bytes.length} bytes`);
  if (bytes.length > MUSE_PACKET_BYTES) throw new FrameError('length', `telemetry of ${bytes.length} bytes`);
  const u16 = (at: number): number => (bytes[at] << 8) | bytes[at + 1];
  return {
    seq: u16(0),
    batteryPercent: u16(2) / MUSE_BATTERY_COUNTS_PER_PERCENT,
    fuelGaugeMv: u16(4) * MUSE_FUEL_GAUGE_MV_PER_COUNT,
    adcRaw: u16(6),
    temperatureRaw: u16(8),
  };
}

/** One control notification: [length u8][length ASCII characters][padding]. */
export function decodeMuseControlChunk(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new FrameError('truncated', 'empty control notification');
  const n = bytes[0];
  if (n > bytes.length - 1) throw new FrameError('truncated', `control chunk says ${n} characters, has ${bytes.length - 1}`);
  let text = '';
  for (let i = 1; i <= n; i++) text += String.fromCharCode(bytes[i]);
  return text;
}

/**
 * Joins control chunks into JSON responses. A response starts at '{' and ends at the first '}'
 * (Muse responses are flat objects, which is also how muse-js reads them); text outside is skipped.
 */
export class MuseControlAssembler {
  private text = '';
  private collecting = false;
  /** Characters outside any response (between '}' and the next '{'). */
  charactersSkipped = 0;
  /** Responses dropped: not a JSON object, cut off by a new '{', or longer than MUSE_MAX_CONTROL_RESPONSE_CHARS. */
  responsesRejected = 0;

  /** Returns the responses this chunk completed; throws FrameError only for a malformed chunk. */
  push(bytes: Uint8Array): Record<string, unknown>[] {
    const chunk = decodeMuseControlChunk(bytes);
    const out: Record<string, unknown>[] = [];
    for (const ch of chunk) {
      if (!this.collecting) {
        if (ch === '{') {
          this.collecting = true;
          this.text = ch;
        } else this.charactersSkipped++;
        continue;
      }
      if (ch === '{') {
        // Responses are flat: a second '{' means the previous one was cut off; start over.
        this.responsesRejected++;
        this.text = '';
      }
      this.text += ch;
      if (ch === '}') {
        this.collecting = false;
        const parsed = parseObject(this.text);
        this.text = '';
        if (parsed === null) this.responsesRejected++;
        else out.push(parsed);
      } else if (this.text.length > MUSE_MAX_CONTROL_RESPONSE_CHARS) {
        this.collecting = false;
        this.text = '';
        this.responsesRejected++;
      }
    }
    return out;
  }

  reset(): void {
    this.text = '';
    this.collecting = false;
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
