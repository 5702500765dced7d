// Bluetooth SIG Heart Rate Service (HRS 1.0) and Battery Service (BAS 1.0) constants.
// Field layouts are in the GATT Specification Supplement (Heart Rate Measurement, Body Sensor Location).

/** 16-bit SIG UUIDs expanded onto the Bluetooth base UUID, lowercase, as BlueZ reports them. */
export function sigUuid(short16: number): string {
  return `0000${short16.toString(16).padStart(4, '0')}-0000-1000-8000-00805f9b34fb`;
}

export const HRS_SERVICE_UUID = sigUuid(0x180d);
export const HRS_MEASUREMENT_UUID = sigUuid(0x2a37);
export const HRS_BODY_SENSOR_LOCATION_UUID = sigUuid(0x2a38);
export const HRS_CONTROL_POINT_UUID = sigUuid(0x2a39);
export const BATTERY_SERVICE_UUID = sigUuid(0x180f);
export const BATTERY_LEVEL_UUID = sigUuid(0x2a19);

/** Heart Rate Measurement flags (first byte). Bits 5..7 are reserved: receivers ignore them. */
export const HRS_FLAG_HR_UINT16 = 1 << 0;
/** Bits 1..2 are one 2-bit field: 0/1 contact not supported, 2 supported but not detected, 3 detected. */
export const HRS_FLAG_CONTACT_DETECTED = 1 << 1;
export const HRS_FLAG_CONTACT_SUPPORTED = 1 << 2;
export const HRS_FLAG_ENERGY_EXPENDED = 1 << 3;
export const HRS_FLAG_RR_INTERVALS = 1 << 4;

/** RR intervals are sent in units of 1/1024 s. */
export const HRS_RR_UNITS_PER_S = 1024;
export const HRS_MS_PER_RR_UNIT = 1000 / HRS_RR_UNITS_PER_S;

/** Heart Rate Control Point op code: reset the Energy Expended accumulator to 0. */
export const HRS_CONTROL_RESET_ENERGY_EXPENDED = 0x01;

export type BodySensorLocation = 'other' | 'chest' | 'wrist' | 'finger' | 'hand' | 'ear-lobe' | 'foot';
/** Index = the byte value on the wire (0..6); 7..255 are reserved. */
export const BODY_SENSOR_LOCATIONS: readonly BodySensorLocation[] = [
  'other',
  'chest',
  'wrist',
  'finger',
  'hand',
  'ear-lobe',
  'foot',
];

export const BATTERY_LEVEL_MAX_PERCENT = 100;
