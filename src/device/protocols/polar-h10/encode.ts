// PMD control point commands for the H10: [op code][measurement type][settings TLV...].
// Only settings the H10 accepts are encodable, so a wrong config fails here, not as a sensor error code.
import { FrameError } from '../../../common/errors.js';
import {
  H10_ACC_RANGES_G,
  H10_ACC_RESOLUTION_BITS,
  H10_ACC_SAMPLE_RATES_HZ,
  H10_ECG_RESOLUTION_BITS,
  H10_ECG_SAMPLE_RATE_HZ,
  PMD_MEASUREMENT_TYPE_CODES,
  PMD_OP_GET_MEASUREMENT_SETTINGS,
  PMD_OP_START_MEASUREMENT,
  PMD_OP_STOP_MEASUREMENT,
  type H10AccRangeG,
  type H10AccSampleRateHz,
} from './constants.js';
import { serializePmdSettings } from './settings.js';

export type H10Stream = 'ecg' | 'acc';

export interface H10AccSettings {
  sampleRateHz: H10AccSampleRateHz;
  rangeG: H10AccRangeG;
}

function typeCode(stream: H10Stream): number {
  const code = PMD_MEASUREMENT_TYPE_CODES[stream];
  if (code === undefined) throw new FrameError('field', `unknown H10 stream ${String(stream)}`);
  return code;
}

/** Asks the sensor which settings it supports for `stream`. */
export function encodeGetMeasurementSettings(stream: H10Stream): Uint8Array {
  return Uint8Array.of(PMD_OP_GET_MEASUREMENT_SETTINGS, typeCode(stream));
}

/** ECG: the H10 has exactly one setting, 130 Hz at 14-bit resolution. */
export function encodeStartEcg(): Uint8Array {
  const tlv = serializePmdSettings({ sampleRateHz: H10_ECG_SAMPLE_RATE_HZ, resolutionBits: H10_ECG_RESOLUTION_BITS });
  return Uint8Array.of(PMD_OP_START_MEASUREMENT, typeCode('ecg'), ...tlv);
}

export function encodeStartAcc(settings: H10AccSettings): Uint8Array {
  if (!(H10_ACC_SAMPLE_RATES_HZ as readonly number[]).includes(settings.sampleRateHz)) {
    throw new FrameError('field', `ACC sample rate ${settings.sampleRateHz} Hz not one of ${H10_ACC_SAMPLE_RATES_HZ.join('/')}`);
  }
  if (!(H10_ACC_RANGES_G as readonly number[]).includes(settings.rangeG)) {
    throw new FrameError('field', `ACC range ${settings.rangeG} G not one of ${H10_ACC_RANGES_G.join('/')}`);
  }
  const tlv = serializePmdSettings({
    sampleRateHz: settings.sampleRateHz,
    resolutionBits: H10_ACC_RESOLUTION_BITS,
    rangeG: settings.rangeG,
  });
  return Uint8Array.of(PMD_OP_START_MEASUREMENT, typeCode('acc'), ...tlv);
}

export function encodeStopMeasurement(stream: H10Stream): Uint8Array {
  return Uint8Array.of(PMD_OP_STOP_MEASUREMENT, typeCode(stream));
}
