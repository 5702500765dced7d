// Garment wire protocol v1 constants. The normative text is firmware-bridge/SPEC.md; the C twin is
// firmware-bridge/src/garment.h. Change all three together (the shared vectors catch drift).

/** First two bytes of every frame, in wire order. */
export const GARMENT_MAGIC_BYTES = [0xa5, 0x5a] as const;
/** The magic read as a little-endian u16. */
export const GARMENT_MAGIC_U16 = 0x5aa5;
export const GARMENT_VERSION = 1;

/** Fixed v1 header size in bytes (offsets 0..29). */
export const GARMENT_HEADER_BYTES = 30;
export const GARMENT_CRC_BYTES = 2;
/** Bytes every version keeps in place (magic, version, header length, payload length) so receivers can skip frames they do not understand. */
export const GARMENT_ENVELOPE_BYTES = 6;
/** Smallest header length any version may declare (the envelope itself). */
export const GARMENT_MIN_HEADER_BYTES = GARMENT_ENVELOPE_BYTES;
export const GARMENT_MAX_PAYLOAD_BYTES = 1024;
/** Largest valid v1 frame: header + max payload + CRC. */
export const GARMENT_MAX_FRAME_BYTES = GARMENT_HEADER_BYTES + GARMENT_MAX_PAYLOAD_BYTES + GARMENT_CRC_BYTES;
/** Largest frame of any version the envelope can describe (header length is a u8). */
export const GARMENT_MAX_ENVELOPE_FRAME_BYTES = 255 + GARMENT_MAX_PAYLOAD_BYTES + GARMENT_CRC_BYTES;

export const GARMENT_MAX_CHANNELS = 16;
export const GARMENT_MAX_SAMPLE_RATE_HZ = 10_000;
/** Battery byte value meaning "the device does not know". */
export const GARMENT_BATTERY_UNKNOWN = 255;

export type GarmentStream = 'ecg' | 'acc' | 'ppg' | 'eeg';
export const GARMENT_STREAM_CODES: Readonly<Record<GarmentStream, number>> = { ecg: 1, acc: 2, ppg: 3, eeg: 4 };

export type GarmentSampleFormat = 'i16' | 'i24';
export const GARMENT_SAMPLE_FORMAT_CODES: Readonly<Record<GarmentSampleFormat, number>> = { i16: 1, i24: 2 };
export const GARMENT_SAMPLE_FORMAT_BYTES: Readonly<Record<GarmentSampleFormat, number>> = { i16: 2, i24: 3 };
export const GARMENT_SAMPLE_RANGE: Readonly<Record<GarmentSampleFormat, { min: number; max: number }>> = {
  i16: { min: -0x8000, max: 0x7fff },
  i24: { min: -0x800000, max: 0x7fffff },
};

/** Status flag bits (header offset 28, u16). Other bits are reserved: senders write 0, receivers ignore them. */
export const GARMENT_FLAG_SATURATED = 1 << 0;
export const GARMENT_FLAG_LOW_BATTERY = 1 << 1;
export const GARMENT_FLAG_CHARGING = 1 << 2;
export const GARMENT_FLAG_CLOCK_RESET = 1 << 3;
export const GARMENT_FLAGS_KNOWN = 0x000f;

// BLE notification framing (SPEC.md section "BLE").
/** ATT notification header (opcode + handle) eaten from the MTU. */
export const BLE_ATT_OVERHEAD_BYTES = 3;
export const BLE_FRAGMENT_HEADER_BYTES = 2;
export const BLE_MIN_MTU = 23;
export const BLE_MAX_MTU = 517;
export const BLE_FRAGMENT_LAST_FLAG = 0x80;
export const BLE_MAX_FRAGMENT_INDEX = 0x7f;

// Reverse tables, built once: decoding runs per frame.
const streamByCode = new Map(Object.entries(GARMENT_STREAM_CODES).map(([name, code]) => [code, name as GarmentStream]));
const sampleFormatByCode = new Map(
  Object.entries(GARMENT_SAMPLE_FORMAT_CODES).map(([name, code]) => [code, name as GarmentSampleFormat]),
);

export function streamFromCode(code: number): GarmentStream | undefined {
  return streamByCode.get(code);
}

export function sampleFormatFromCode(code: number): GarmentSampleFormat | undefined {
  return sampleFormatByCode.get(code);
}
