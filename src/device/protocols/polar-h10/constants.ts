// Polar Measurement Data (PMD) service constants, as used by the Polar H10 chest strap.
// Sources: Polar BLE SDK "Polar Measurement Data Specification for 3rd Party" and
// documentation/TimeSystemExplained.md (epoch, nanoseconds); the H10 product page (rates, ranges).

export const PMD_SERVICE_UUID = 'fb005c80-02e7-f387-1cad-8acd2d8df0c8';
/** Read: features; write: commands; indicate: responses and device-initiated notifications. */
export const PMD_CONTROL_POINT_UUID = 'fb005c81-02e7-f387-1cad-8acd2d8df0c8';
/** Notify: measurement data frames. */
export const PMD_DATA_UUID = 'fb005c82-02e7-f387-1cad-8acd2d8df0c8';

export type PmdMeasurementType = 'ecg' | 'ppg' | 'acc' | 'ppi' | 'gyro' | 'mag';
export const PMD_MEASUREMENT_TYPE_CODES: Readonly<Record<PmdMeasurementType, number>> = {
  ecg: 0,
  ppg: 1,
  acc: 2,
  ppi: 3,
  gyro: 5,
  mag: 6,
};
/** The low 6 bits carry the type; the top 2 bits are the recording type (0 = online stream). */
export const PMD_MEASUREMENT_TYPE_MASK = 0x3f;

/** Control point op codes, client to sensor. */
export const PMD_OP_GET_MEASUREMENT_SETTINGS = 0x01;
export const PMD_OP_START_MEASUREMENT = 0x02;
export const PMD_OP_STOP_MEASUREMENT = 0x03;
export const PMD_OP_NAMES: Readonly<Record<number, string>> = {
  1: 'get-measurement-settings',
  2: 'start-measurement',
  3: 'stop-measurement',
  4: 'get-sdk-mode-settings',
  5: 'get-measurement-status',
};

/** First byte of a control point response; anything else is device-initiated. */
export const PMD_RESPONSE_CODE = 0xf0;
/** First byte of the device-initiated "online measurement stopped" indication (charger, low battery). */
export const PMD_NOTIFY_MEASUREMENT_STOPPED = 0x01;
/** First byte of the control point's read value (the feature bitmap). */
export const PMD_FEATURES_CODE = 0x0f;
/** Feature bitmap, byte 1: which measurement types the sensor can stream. */
export const PMD_FEATURE_BITS: Readonly<Record<PmdMeasurementType, number>> = {
  ecg: 0x01,
  ppg: 0x02,
  acc: 0x04,
  ppi: 0x08,
  gyro: 0x20,
  mag: 0x40,
};

/** Control point status (error) codes; index = byte value. */
export const PMD_STATUS_NAMES: readonly string[] = [
  'success',
  'invalid-op-code',
  'invalid-measurement-type',
  'not-supported',
  'invalid-length',
  'invalid-parameter',
  'already-in-state',
  'invalid-resolution',
  'invalid-sample-rate',
  'invalid-range',
  'invalid-mtu',
  'invalid-number-of-channels',
  'invalid-state',
  'device-in-charger',
  'disk-full',
];
export const PMD_STATUS_SUCCESS = 0;

/** Measurement setting TLV types and the byte width of each value (little-endian). */
export type PmdSettingType = 'sampleRateHz' | 'resolutionBits' | 'rangeG' | 'rangeMilliunit' | 'channels' | 'factor';
export const PMD_SETTING_CODES: Readonly<Record<PmdSettingType, number>> = {
  sampleRateHz: 0,
  resolutionBits: 1,
  rangeG: 2,
  rangeMilliunit: 3,
  channels: 4,
  factor: 5,
};
export const PMD_SETTING_VALUE_BYTES: Readonly<Record<PmdSettingType, number>> = {
  sampleRateHz: 2,
  resolutionBits: 2,
  rangeG: 2,
  rangeMilliunit: 4,
  channels: 1,
  factor: 4, // IEEE 754 float32
};

/** Data frame header: type (1) + timestamp (8) + frame type (1). */
export const PMD_DATA_HEADER_BYTES = 10;
/** Frame type byte: bit 7 = delta-compressed, bits 0..6 = the frame type. */
export const PMD_FRAME_COMPRESSED_BIT = 0x80;
export const PMD_FRAME_TYPE_MASK = 0x7f;
/** ECG frame type 0: 3-byte signed little-endian samples in microvolts. */
export const PMD_ECG_FRAME_TYPE_UV24 = 0;
/** ACC raw frame types 0/1/2: x, y, z of 1/2/3 signed bytes each, in milli-g. H10 streams type 1. */
export const PMD_ACC_FRAME_BYTES_PER_AXIS: Readonly<Record<number, number>> = { 0: 1, 1: 2, 2: 3 };

/** PMD timestamps are nanoseconds since 2000-01-01T00:00:00Z; this is that instant in Unix ns. */
export const POLAR_EPOCH_UNIX_NS = 946_684_800_000_000_000n;

// H10 capabilities (the sensor answers get-settings with exactly these).
export const H10_ECG_SAMPLE_RATE_HZ = 130;
export const H10_ECG_RESOLUTION_BITS = 14;
export const H10_ACC_SAMPLE_RATES_HZ = [25, 50, 100, 200] as const;
export const H10_ACC_RANGES_G = [2, 4, 8] as const;
export const H10_ACC_RESOLUTION_BITS = 16;
export type H10AccSampleRateHz = (typeof H10_ACC_SAMPLE_RATES_HZ)[number];
export type H10AccRangeG = (typeof H10_ACC_RANGES_G)[number];

const typeByCode = new Map(
  Object.entries(PMD_MEASUREMENT_TYPE_CODES).map(([name, code]) => [code, name as PmdMeasurementType]),
);
const settingByCode = new Map(Object.entries(PMD_SETTING_CODES).map(([name, code]) => [code, name as PmdSettingType]));

export function measurementTypeFromCode(code: number): PmdMeasurementType | undefined {
  return typeByCode.get(code & PMD_MEASUREMENT_TYPE_MASK);
}

export function settingTypeFromCode(code: number): PmdSettingType | undefined {
  return settingByCode.get(code);
}
