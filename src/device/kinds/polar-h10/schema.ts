// Config of a Polar H10 chest strap over BLE: ECG at 130 Hz over PMD, HR/RR over the Heart Rate Service.
import type { Static } from '@sinclair/typebox';
import { BleTransport, deviceSchema, EcgProcessing } from '../common-schema.js';
import { HeartRatePublishing } from '../hr-strap/schema.js';

export const PolarH10Config = deviceSchema('polar-h10', 'Polar H10 chest strap (PMD ECG 130 Hz, Heart Rate Service)', {
  transport: BleTransport,
  ecg: EcgProcessing,
  hr: HeartRatePublishing,
});

export type PolarH10Config = Static<typeof PolarH10Config>;
