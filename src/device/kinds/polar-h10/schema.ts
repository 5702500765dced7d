// Config of a Polar H10 chest strap over BLE: ECG at 130 Hz (and optionally ACC) over PMD, HR/RR
// over the Heart Rate Service.
import { Type, type Static } from '@sinclair/typebox';
import { BleTransport, deviceSchema, EcgProcessing } from '../common-schema.js';
import { HeartRatePublishing } from '../hr-strap/schema.js';

export const PolarH10Config = deviceSchema('polar-h10', 'Polar H10 chest strap (PMD ECG 130 Hz, Heart Rate Service)', {
  transport: BleTransport,
  ecg: EcgProcessing,
  hr: HeartRatePublishing,
  acc: Type.Object(
    {
      enabled: Type.Boolean({ default: false, description: 'Also stream the accelerometer (x, y, z in milli-g) as an `acc` stream' }),
      sampleRateHz: Type.Union([Type.Literal(25), Type.Literal(50), Type.Literal(100), Type.Literal(200)], { default: 50, description: 'ACC rate the H10 offers' }),
      rangeG: Type.Union([Type.Literal(2), Type.Literal(4), Type.Literal(8)], { default: 8, description: 'ACC full scale, g' }),
    },
    { additionalProperties: false, default: {} },
  ),
});

export type PolarH10Config = Static<typeof PolarH10Config>;
