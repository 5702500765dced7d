// The garment frame model and its v1 header layout, described once with typed-binary.
// Byte offsets are normative in firmware-bridge/SPEC.md; tests check this schema against them.
import bin from 'typed-binary';
import { FrameError } from '../../../common/errors.js';
import { GARMENT_ENVELOPE_BYTES, GARMENT_HEADER_BYTES, type GarmentSampleFormat, type GarmentStream } from './constants.js';

export interface GarmentStatus {
  /** Bit i set = electrode of channel i is off the skin. Only bits below channelCount may be set. */
  leadOffMask: number;
  /** 0..100, or null when the device does not know (wire value 255). */
  batteryPercent: number | null;
  /** At least one sample in this frame hit the ADC rails. */
  saturated: boolean;
  /** The device's own low-battery threshold was crossed. */
  lowBattery: boolean;
  charging: boolean;
  /** The device clock was reset before this frame; receivers must not unwrap time across it. */
  clockReset: boolean;
}

export interface GarmentFrame {
  version: 1;
  /** u32 on the wire. */
  deviceId: number;
  stream: GarmentStream;
  /** u16 on the wire, wraps; the receiver unwraps. */
  seq: number;
  /** Device time of the first sample, u32 microseconds on the wire, wraps (~71.6 min); the receiver unwraps. */
  tDeviceUs: number;
  sampleRateHz: number;
  channelCount: number;
  sampleFormat: GarmentSampleFormat;
  /** f32 on the wire: physical value = count * microvoltsPerCount (for acc/ppg, the stream's own unit per count). */
  microvoltsPerCount: number;
  status: GarmentStatus;
  /** Interleaved by sample then channel, raw ADC counts: [s0c0, s0c1, ..., s1c0, ...]. */
  samples: Int32Array;
}

/** The v1 header exactly as it sits on the wire (30 bytes, little-endian). */
export const GarmentHeaderSchema = bin.object({
  magic: bin.u16,
  version: bin.u8,
  headerBytes: bin.u8,
  payloadBytes: bin.u16,
  seq: bin.u16,
  deviceId: bin.u32,
  tDeviceUs: bin.u32,
  microvoltsPerCount: bin.f32,
  sampleRateHz: bin.u16,
  leadOffMask: bin.u16,
  streamCode: bin.u8,
  channelCount: bin.u8,
  sampleFormatCode: bin.u8,
  batteryByte: bin.u8,
  flags: bin.u16,
});
export type GarmentHeaderRecord = bin.Parsed<typeof GarmentHeaderSchema>;

/** The part every protocol version keeps at the same place, so receivers can skip unknown versions. */
export const GarmentEnvelopeSchema = bin.object({
  magic: bin.u16,
  version: bin.u8,
  headerBytes: bin.u8,
  payloadBytes: bin.u16,
});
export type GarmentEnvelope = bin.Parsed<typeof GarmentEnvelopeSchema>;

if (GarmentHeaderSchema.maxSize !== GARMENT_HEADER_BYTES || GarmentEnvelopeSchema.maxSize !== GARMENT_ENVELOPE_BYTES) {
  throw new Error('garment header schema does not match the spec sizes');
}

function readerAt(bytes: Uint8Array, offset: number): bin.BufferReader {
  return new bin.BufferReader(bytes.buffer, { byteOffset: bytes.byteOffset + offset, endianness: 'little' });
}

// typed-binary reads through a DataView over the whole ArrayBuffer, so a short view would silently
// read its neighbours: check the length ourselves, and still map a RangeError to FrameError.
function readChecked<T>(bytes: Uint8Array, offset: number, size: number, read: (r: bin.BufferReader) => T): T {
  if (offset < 0 || bytes.length - offset < size) {
    throw new FrameError('truncated', `need ${size} bytes at offset ${offset}, have ${Math.max(0, bytes.length - offset)}`);
  }
  try {
    return read(readerAt(bytes, offset));
  } catch (err) {
    if (err instanceof RangeError) throw new FrameError('truncated', err.message);
    throw err;
  }
}

export function readEnvelope(bytes: Uint8Array, offset = 0): GarmentEnvelope {
  return readChecked(bytes, offset, GARMENT_ENVELOPE_BYTES, (r) => GarmentEnvelopeSchema.read(r));
}

export function readHeader(bytes: Uint8Array, offset = 0): GarmentHeaderRecord {
  return readChecked(bytes, offset, GARMENT_HEADER_BYTES, (r) => GarmentHeaderSchema.read(r));
}

/** Writes the header at `out[offset]`; `out` must have GARMENT_HEADER_BYTES of room there. */
export function writeHeader(out: Uint8Array, offset: number, header: GarmentHeaderRecord): void {
  if (out.length - offset < GARMENT_HEADER_BYTES) throw new RangeError('no room for the garment header');
  const writer = new bin.BufferWriter(out.buffer, { byteOffset: out.byteOffset + offset, endianness: 'little' });
  GarmentHeaderSchema.write(writer, header);
}

/** Total frame length the envelope announces (header + payload + CRC). */
export function envelopeFrameBytes(envelope: GarmentEnvelope): number {
  return envelope.headerBytes + envelope.payloadBytes + 2;
}
