// Muse 2 / Muse S "classic" BLE protocol constants, checked against muse-js (urish/muse-js
// src/muse.ts, src/lib/muse-parse.ts, src/lib/muse-utils.ts). Not the Muse S Athena protocol (273e0013).

export const MUSE_SERVICE_UUID = '0000fe8d-0000-1000-8000-00805f9b34fb';
/** Write: length-prefixed text commands; notify: length-prefixed chunks of JSON responses. */
export const MUSE_CONTROL_UUID = '273e0001-4c4d-454d-96be-f03bac821358';
export const MUSE_TELEMETRY_UUID = '273e000b-4c4d-454d-96be-f03bac821358';
export const MUSE_GYROSCOPE_UUID = '273e0009-4c4d-454d-96be-f03bac821358';
export const MUSE_ACCELEROMETER_UUID = '273e000a-4c4d-454d-96be-f03bac821358';

export type MuseEegChannelName = 'TP9' | 'AF7' | 'AF8' | 'TP10' | 'AUX';
/** Index = the channel number used throughout this module (and muse-js's `electrode`). */
export const MUSE_EEG_CHANNELS: readonly MuseEegChannelName[] = ['TP9', 'AF7', 'AF8', 'TP10', 'AUX'];
export const MUSE_EEG_UUIDS: Readonly<Record<MuseEegChannelName, string>> = {
  TP9: '273e0003-4c4d-454d-96be-f03bac821358',
  AF7: '273e0004-4c4d-454d-96be-f03bac821358',
  AF8: '273e0005-4c4d-454d-96be-f03bac821358',
  TP10: '273e0006-4c4d-454d-96be-f03bac821358',
  AUX: '273e0007-4c4d-454d-96be-f03bac821358',
};

export type MusePpgChannelName = 'ambient' | 'infrared' | 'red';
export const MUSE_PPG_CHANNELS: readonly MusePpgChannelName[] = ['ambient', 'infrared', 'red'];
/** Muse 2 / Muse S only, streamed after preset p50. */
export const MUSE_PPG_UUIDS: Readonly<Record<MusePpgChannelName, string>> = {
  ambient: '273e000f-4c4d-454d-96be-f03bac821358',
  infrared: '273e0010-4c4d-454d-96be-f03bac821358',
  red: '273e0011-4c4d-454d-96be-f03bac821358',
};

/** Every data notification: 16-bit big-endian sequence number + 18 bytes of samples. */
export const MUSE_PACKET_BYTES = 20;
export const MUSE_SEQ_BYTES = 2;
export const MUSE_SEQ_MODULO = 0x10000;

export const MUSE_EEG_SAMPLE_RATE_HZ = 256;
export const MUSE_EEG_SAMPLES_PER_PACKET = 12;
/** 12 samples at 256 Hz: 46.875 ms per packet, a whole number of µs. */
export const MUSE_EEG_PACKET_PERIOD_US = (MUSE_EEG_SAMPLES_PER_PACKET * 1_000_000) / MUSE_EEG_SAMPLE_RATE_HZ;
/** microvolts = (n - 0x800) * 0.48828125 for the unsigned 12-bit sample n (1000 µV / 2048). */
export const MUSE_EEG_MICROVOLTS_PER_COUNT = 0.48828125;
export const MUSE_EEG_ZERO_COUNT = 0x800;

export const MUSE_PPG_SAMPLE_RATE_HZ = 64;
export const MUSE_PPG_SAMPLES_PER_PACKET = 6;
/** 6 samples at 64 Hz: 93.75 ms per packet. */
export const MUSE_PPG_PACKET_PERIOD_US = (MUSE_PPG_SAMPLES_PER_PACKET * 1_000_000) / MUSE_PPG_SAMPLE_RATE_HZ;

/** Telemetry battery field is percent x 512. */
export const MUSE_BATTERY_COUNTS_PER_PERCENT = 512;
/** Telemetry fuel gauge field x 2.2 = millivolts (muse-js). */
export const MUSE_FUEL_GAUGE_MV_PER_COUNT = 2.2;
export const MUSE_TELEMETRY_MIN_BYTES = 10;

/** Control commands (muse-js start(): h, p21 or p20/p50, s, d). */
export const MUSE_COMMANDS = {
  /** Device info as JSON (firmware, hardware, protocol versions). */
  version: 'v1',
  /** EEG 4 channels, no AUX. */
  presetEeg4: 'p21',
  /** EEG 5 channels, AUX included. */
  presetEeg5: 'p20',
  /** EEG + PPG (Muse 2 / Muse S). */
  presetEegPpg: 'p50',
  /** Status as JSON. */
  status: 's',
  /** Start or resume streaming. */
  start: 'd',
  /** Halt streaming. */
  halt: 'h',
  /** Keep-alive, so the headset does not stop streaming. */
  keepAlive: 'k',
} as const;

/** The length prefix is one byte and counts the trailing newline. */
export const MUSE_MAX_COMMAND_CHARS = 254;
/** Bound on one assembled control response (they are a few hundred bytes). */
export const MUSE_MAX_CONTROL_RESPONSE_CHARS = 4096;
