// The garment-ble device kind: the weargate garment protocol v1 over BLE GATT, one ECG stream.
import { bleLink } from '../gatt-session.js';
import type { DeviceKind } from '../kind.js';
import type { GarmentBleConfig } from './schema.js';
import { createGarmentBleSession } from './session.js';

export const kind: DeviceKind<GarmentBleConfig> = {
  kind: 'garment-ble',
  // The rate and the channel count are the garment's own, announced in every frame.
  streams: () => [{ stream: 'ecg', channels: ['ECG'], unit: 'uV' }],
  create: (context) => createGarmentBleSession(context, bleLink(context.config.transport)),
};
