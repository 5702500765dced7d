// Config of any Bluetooth SIG heart-rate strap (Heart Rate Service 0x180D, Battery 0x180F) over BLE.
import { Type, type Static } from '@sinclair/typebox';
import { BleTransport, deviceSchema } from '../common-schema.js';

/** How the `hr` extension publishes a strap's own HR and RR on `<device>/hr`. */
export const HeartRatePublishing = Type.Object(
  {
    publishIntervalS: Type.Number({ minimum: 0.5, maximum: 600, default: 5, description: 'Batch HR/RR for this long per `<device>/hr` message' }),
  },
  { additionalProperties: false, default: {} },
);

export const HrStrapConfig = deviceSchema('hr-strap', 'BLE heart-rate strap (Heart Rate Service 0x180D, Battery 0x180F)', {
  transport: BleTransport,
  hr: HeartRatePublishing,
});

export type HrStrapConfig = Static<typeof HrStrapConfig>;
