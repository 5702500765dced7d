// Every device kind the gateway knows: one line each (docs/devices.md). The schema is imported
// eagerly because config validation needs it; the kind's code is imported only when a configured
// device uses it.
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { DeviceKind, DeviceKindEntry } from './kind.js';
import { GarmentConfig } from './garment/schema.js';
import { HrStrapConfig } from './hr-strap/schema.js';
import { PolarH10Config } from './polar-h10/schema.js';
import { MuseConfig } from './muse/schema.js';
import { GarmentBleConfig } from './garment-ble/schema.js';
import { Ads1299Config } from './ads1299/schema.js';
import { CytonConfig } from './cyton/schema.js';
import { ReplayConfig } from './replay/schema.js';
import { Ad8232FirmataConfig } from './ad8232-firmata/schema.js';

function entry<Kind extends string, Schema extends TObject>(
  kind: Kind,
  schema: Schema,
  load: () => Promise<{ kind: DeviceKind<Static<Schema>> }>,
) {
  return { kind, schema, load: async () => (await load()).kind as DeviceKind<unknown> } satisfies DeviceKindEntry;
}

export const deviceKinds = [
  entry('garment', GarmentConfig, () => import('./garment/index.js')),
  entry('hr-strap', HrStrapConfig, () => import('./hr-strap/index.js')),
  entry('polar-h10', PolarH10Config, () => import('./polar-h10/index.js')),
  entry('muse', MuseConfig, () => import('./muse/index.js')),
  entry('garment-ble', GarmentBleConfig, () => import('./garment-ble/index.js')),
  entry('ads1299', Ads1299Config, () => import('./ads1299/index.js')),
  entry('cyton', CytonConfig, () => import('./cyton/index.js')),
  entry('replay', ReplayConfig, () => import('./replay/index.js')),
  entry('ad8232-firmata', Ad8232FirmataConfig, () => import('./ad8232-firmata/index.js')),
] as const;

type SchemasOf<T extends readonly unknown[]> = { -readonly [K in keyof T]: T[K] extends { schema: infer S extends TSchema } ? S : never };

/** The schemas of every kind, in registry order (the device config is their union, discriminated on `kind`). */
export const deviceSchemas = deviceKinds.map((k) => k.schema) as unknown as SchemasOf<typeof deviceKinds>;

export function findDeviceKind(kind: unknown): DeviceKindEntry | undefined {
  return deviceKinds.find((k) => k.kind === kind);
}
