// Heart Rate Service writes (the only command the service defines) and measurement encoding for
// simulators: a simulator that sends bytes a decoder would reject fails at the sender.
import { FrameError } from '../../../common/errors.js';
import {
  HRS_CONTROL_RESET_ENERGY_EXPENDED,
  HRS_FLAG_CONTACT_DETECTED,
  HRS_FLAG_CONTACT_SUPPORTED,
  HRS_FLAG_ENERGY_EXPENDED,
  HRS_FLAG_HR_UINT16,
  HRS_FLAG_RR_INTERVALS,
} from './constants.js';

/** Value to write to the Heart Rate Control Point (0x2A39). */
export function encodeResetEnergyExpended(): Uint8Array {
  return Uint8Array.of(HRS_CONTROL_RESET_ENERGY_EXPENDED);
}

export interface HeartRateMeasurementFields {
  hrBpm: number;
  /** Force the uint16 form even for HR <= 255 (some straps always send it). */
  hrUint16?: boolean;
  /** undefined: contact detection not supported. */
  sensorContactDetected?: boolean;
  energyExpendedKj?: number;
  rrRaw1024?: number[];
}

function checkU16(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new FrameError('field', `${name} ${value} not a uint16`);
}

export function encodeHeartRateMeasurement(m: HeartRateMeasurementFields): Uint8Array {
  checkU16('hrBpm', m.hrBpm);
  const hrUint16 = m.hrUint16 === true || m.hrBpm > 0xff;
  const rr = m.rrRaw1024 ?? [];
  rr.forEach((v, i) => checkU16(`rrRaw1024[${i}]`, v));
  if (m.energyExpendedKj !== undefined) checkU16('energyExpendedKj', m.energyExpendedKj);
  let flags = hrUint16 ? HRS_FLAG_HR_UINT16 : 0;
  if (m.sensorContactDetected !== undefined) {
    flags |= HRS_FLAG_CONTACT_SUPPORTED | (m.sensorContactDetected ? HRS_FLAG_CONTACT_DETECTED : 0);
  }
  if (m.energyExpendedKj !== undefined) flags |= HRS_FLAG_ENERGY_EXPENDED;
  if (rr.length > 0) flags |= HRS_FLAG_RR_INTERVALS;

  const out: number[] = [flags];
  const pushU16 = (v: number): void => void out.push(v & 0xff, v >> 8);
  if (hrUint16) pushU16(m.hrBpm);
  else out.push(m.hrBpm);
  if (m.energyExpendedKj !== undefined) pushU16(m.energyExpendedKj);
  rr.forEach(pushU16);
  return Uint8Array.from(out);
}
