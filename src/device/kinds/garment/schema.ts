// Config of a weargate garment (protocol v1) on a serial port or USB CDC dongle.
import type { Static } from '@sinclair/typebox';
import { deviceSchema, EcgProcessing, SerialTransport } from '../common-schema.js';

export const GarmentConfig = deviceSchema('garment', 'weargate garment protocol v1 (firmware-bridge/SPEC.md)', {
  transport: SerialTransport,
  ecg: EcgProcessing,
});

export type GarmentConfig = Static<typeof GarmentConfig>;
