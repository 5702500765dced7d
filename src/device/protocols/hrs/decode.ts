// Heart Rate Service and Battery Service characteristic values -> typed records. Pure: one
// notification or read value in, one record out, FrameError on bytes the spec does not allow.
import { FrameError } from '../../../common/errors.js';
import {
  BATTERY_LEVEL_MAX_PERCENT,
  BODY_SENSOR_LOCATIONS,
  HRS_FLAG_CONTACT_DETECTED,
  HRS_FLAG_CONTACT_SUPPORTED,
  HRS_FLAG_ENERGY_EXPENDED,
  HRS_FLAG_HR_UINT16,
  HRS_FLAG_RR_INTERVALS,
  HRS_MS_PER_RR_UNIT,
  type BodySensorLocation,
} from './constants.js';

export interface HeartRateMeasurement {
  /** The raw flags byte, reserved bits included (for debugging odd straps). */
  flags: number;
  hrBpm: number;
  /** Whether the HR field was a uint16 on the wire (flag bit 0). */
  hrUint16: boolean;
  sensorContactSupported: boolean;
  /** null when the sensor does not support contact detection. */
  sensorContactDetected: boolean | null;
  /** Accumulated energy since the last reset, kJ; null when absent from this notification. */
  energyExpendedKj: number | null;
  /** RR intervals as sent, in 1/1024 s units, oldest first. */
  rrRaw1024: number[];
  /** The same intervals in milliseconds (not rounded: 1/1024 s is not a whole ms). */
  rrMs: number[];
}

function u16le(bytes: Uint8Array, at: number): number {
  return bytes[at] | (bytes[at + 1] << 8);
}

export function decodeHeartRateMeasurement(bytes: Uint8Array): HeartRateMeasurement {
  if (bytes.length < 2) throw new FrameError('truncated', `heart rate measurement of ${bytes.length} bytes`);
  const flags = bytes[0];
  const hrUint16 = (flags & HRS_FLAG_HR_UINT16) !== 0;
  let at = 1;
  if (hrUint16 && bytes.length < 3) throw new FrameError('truncated', 'uint16 heart rate cut short');
  const hrBpm = hrUint16 ? u16le(bytes, at) : bytes[at];
  at += hrUint16 ? 2 : 1;

  let energyExpendedKj: number | null = null;
  if (flags & HRS_FLAG_ENERGY_EXPENDED) {
    if (bytes.length < at + 2) throw new FrameError('truncated', 'energy expended cut short');
    energyExpendedKj = u16le(bytes, at);
    at += 2;
  }

  const rrRaw1024: number[] = [];
  if (flags & HRS_FLAG_RR_INTERVALS) {
    const rest = bytes.length - at;
    // The flag promises "one or more" intervals; an odd tail is a cut-off interval.
    if (rest === 0) throw new FrameError('truncated', 'RR flag set but no RR interval');
    if (rest % 2 !== 0) throw new FrameError('length', `${rest} RR bytes is not a whole number of uint16`);
    for (; at < bytes.length; at += 2) rrRaw1024.push(u16le(bytes, at));
  } else if (at !== bytes.length) {
    throw new FrameError('length', `${bytes.length - at} bytes after the last field`);
  }

  const sensorContactSupported = (flags & HRS_FLAG_CONTACT_SUPPORTED) !== 0;
  return {
    flags,
    hrBpm,
    hrUint16,
    sensorContactSupported,
    sensorContactDetected: sensorContactSupported ? (flags & HRS_FLAG_CONTACT_DETECTED) !== 0 : null,
    energyExpendedKj,
    rrRaw1024,
    rrMs: rrRaw1024.map((rr) => rr * HRS_MS_PER_RR_UNIT),
  };
}

export interface BodySensorLocationValue {
  code: number;
  /** null for the reserved codes 7..255 (kept as `code`, not rejected: a newer sensor may send them). */
  location: BodySensorLocation | null;
}

export function decodeBodySensorLocation(bytes: Uint8Array): BodySensorLocationValue {
  if (bytes.length !== 1) throw new FrameError('length', `body sensor location of ${bytes.length} bytes`);
  return { code: bytes[0], location: BODY_SENSOR_LOCATIONS[bytes[0]] ?? null };
}

/** Battery Level (0x2A19): one uint8, percent; above 100 is not allowed by BAS. */
export function decodeBatteryLevel(bytes: Uint8Array): number {
  if (bytes.length !== 1) throw new FrameError('length', `battery level of ${bytes.length} bytes`);
  if (bytes[0] > BATTERY_LEVEL_MAX_PERCENT) throw new FrameError('field', `battery level ${bytes[0]} > 100`);
  return bytes[0];
}
