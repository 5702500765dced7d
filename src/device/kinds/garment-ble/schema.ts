// Config of a weargate garment (protocol v1) over BLE GATT notifications (firmware-bridge/SPEC.md §7).
import type { Static } from '@sinclair/typebox';
import { BleTransport, deviceSchema, EcgProcessing } from '../common-schema.js';

export const GarmentBleConfig = deviceSchema('garment-ble', 'weargate garment protocol v1 over BLE (firmware-bridge/SPEC.md section 7)', {
  transport: BleTransport,
  ecg: EcgProcessing,
});

export type GarmentBleConfig = Static<typeof GarmentBleConfig>;
