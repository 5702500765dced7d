// Configuration of simulated devices (the `simulators:` section of a demo config file). Kept out of
// the daemon's schema: simulators are test equipment, and src/ never imports hardware/.
import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../src/common/errors.js';

const SignalSource = Type.Union([
  Type.Object(
    {
      type: Type.Literal('synthetic'),
      heartRateBpm: Type.Number({ minimum: 20, maximum: 240, default: 70 }),
      noiseMicrovolts: Type.Number({ minimum: 0, maximum: 5000, default: 15 }),
      seed: Type.Integer({ default: 1 }),
    },
    { additionalProperties: false, description: 'McSharry dynamical ECG model' },
  ),
  Type.Object(
    {
      type: Type.Literal('wfdb'),
      record: Type.String({ description: 'WFDB record path without extension, e.g. ../shared/data/mitdb-train/101' }),
      channel: Type.Integer({ minimum: 0, default: 0 }),
      loop: Type.Boolean({ default: true }),
    },
    { additionalProperties: false, description: 'Replay of a WFDB record, resampled to the garment rate' },
  ),
  Type.Object(
    {
      type: Type.Literal('gan'),
      rhythmClass: Type.Union([Type.Literal('N'), Type.Literal('V')], { default: 'N', description: 'N: normal beats; V: with ventricular ectopics' }),
      vFraction: Type.Optional(Type.Number({ minimum: 0, maximum: 0.5, description: 'class V: chance a beat is followed by a ventricular one' })),
      heartRateBpm: Type.Optional(Type.Number({ minimum: 30, maximum: 200 })),
      noiseMicrovolts: Type.Number({ minimum: 0, maximum: 1000, default: 10 }),
      seed: Type.Integer({ default: 1 }),
      model: Type.Optional(Type.String({ description: 'generator folder (default models/gan-ecg)' })),
      variant: Type.Optional(Type.String({ description: 'generator variant (default: the manifest default)' })),
    },
    { additionalProperties: false, description: 'Synthetic ECG from the GAN generator (models/gan-ecg), assembled into strips' },
  ),
]);

const PtyLink = Type.Object(
  {
    type: Type.Literal('pty'),
    path: Type.String({ description: 'Symlink created for the gateway side of the pseudo-terminal' }),
  },
  { additionalProperties: false },
);

export const GarmentSimulatorConfig = Type.Object(
  {
    kind: Type.Literal('garment'),
    deviceId: Type.Integer({ minimum: 0, maximum: 0xffffffff, default: 1, description: 'Device id on the wire (u32)' }),
    link: PtyLink,
    sampleRateHz: Type.Integer({ minimum: 100, maximum: 1000, default: 250 }),
    samplesPerFrame: Type.Integer({ minimum: 1, maximum: 500, default: 25 }),
    microvoltsPerCount: Type.Number({ exclusiveMinimum: 0, default: 0.5 }),
    source: SignalSource,
  },
  { additionalProperties: false },
);

const EegSourceConfig = Type.Union([
  Type.Object(
    {
      type: Type.Literal('synthetic'),
      seed: Type.Integer({ default: 1 }),
      alphaUv: Type.Number({ minimum: 0, maximum: 1000, default: 20 }),
      lineNoiseUv: Type.Number({ minimum: 0, maximum: 1000, default: 4 }),
    },
    { additionalProperties: false, description: 'Synthetic EEG (hardware/signals/eeg.ts): alpha, theta, blinks, 50 Hz' },
  ),
  Type.Object(
    {
      type: Type.Literal('edf'),
      file: Type.String({ description: 'EDF file, e.g. ../hardware/data/eegmat-excerpt/Subject00_1-8ch-60s.edf' }),
      labels: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: 16, description: 'Signals to replay (default: the first ones); fewer than the channels repeat' })),
    },
    { additionalProperties: false, description: 'Replay of EDF signals, resampled to the board rate, looped' },
  ),
]);

export const CytonSimulatorConfig = Type.Object(
  {
    kind: Type.Literal('cyton'),
    link: PtyLink,
    daisy: Type.Boolean({ default: false, description: 'A Daisy module on the board (16 channels at 125 Hz)' }),
    seed: Type.Integer({ default: 1 }),
    source: EegSourceConfig,
  },
  { additionalProperties: false },
);

/** A scripted fault or event of the Firmata simulator, at `atS` seconds after start (repeating every `repeatS`). */
const FirmataScriptEvent = Type.Object(
  {
    atS: Type.Number({ minimum: 0 }),
    action: Type.Union([Type.Literal('press-button'), Type.Literal('lead-off'), Type.Literal('lead-on'), Type.Literal('stall'), Type.Literal('unplug'), Type.Literal('plug'), Type.Literal('garbage')]),
    durationMs: Type.Integer({ minimum: 1, maximum: 60_000, default: 150, description: 'Button hold or stall length' }),
    repeatS: Type.Optional(Type.Number({ minimum: 1, description: 'Repeat the event with this period' })),
  },
  { additionalProperties: false },
);

export const FirmataAd8232SimulatorConfig = Type.Object(
  {
    kind: Type.Literal('ad8232-firmata'),
    link: PtyLink,
    sampleRateHz: Type.Integer({ minimum: 1, maximum: 1000, default: 250, description: 'Rate of the electrode signal (the gateway sets the sampling interval)' }),
    frontEnd: Type.Object(
      {
        gainX: Type.Number({ exclusiveMinimum: 0, default: 100 }),
        supplyV: Type.Number({ exclusiveMinimum: 0, default: 3.3, description: 'AD8232 supply; the output idles at half of it' }),
        adcVrefV: Type.Number({ exclusiveMinimum: 0, default: 5 }),
      },
      { additionalProperties: false, default: {} },
    ),
    source: SignalSource,
    script: Type.Array(FirmataScriptEvent, { default: [], maxItems: 100 }),
  },
  { additionalProperties: false, description: 'Arduino Nano with StandardFirmata and an AD8232 breakout' },
);

/** A simulated device: the union of the simulator kinds, discriminated on `kind` (add a member here, in `simulatorSchemas`, and a case in simulators.ts). */
export const SimulatorConfig = Type.Union([GarmentSimulatorConfig, CytonSimulatorConfig, FirmataAd8232SimulatorConfig]);

export type GarmentSimulatorConfig = Static<typeof GarmentSimulatorConfig>;
export type CytonSimulatorConfig = Static<typeof CytonSimulatorConfig>;
export type FirmataAd8232SimulatorConfig = Static<typeof FirmataAd8232SimulatorConfig>;
export type SimulatorConfig = Static<typeof SimulatorConfig>;

const simulatorSchemas: Record<SimulatorConfig['kind'], TObject> = {
  garment: GarmentSimulatorConfig,
  cyton: CytonSimulatorConfig,
  'ad8232-firmata': FirmataAd8232SimulatorConfig,
};

/**
 * One validation error as lines: a failed union of `{ type: ... }` objects (the signal sources) is
 * explained by the member its `type` names, so `rhythmClass: S` says what is wrong with it.
 */
function explain(prefix: string, path: string, schema: TSchema, value: unknown, message: string): string[] {
  const members = (schema as { anyOf?: TSchema[] }).anyOf;
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  const member = members?.find((m) => (m as { properties?: { type?: { const?: unknown } } }).properties?.type?.const === type);
  if (!member) return [`${prefix}${path.replaceAll('/', '.')}: ${message}${members && type !== undefined ? ` (unknown type '${String(type)}')` : ''}`];
  return [...Value.Errors(member, Value.Default(member, Value.Clone(value)))].map((e) => `${prefix}${(path + e.path).replaceAll('/', '.')}: ${e.message}`);
}

/** Validates the `simulators` list (with defaults), each entry against its kind; relative paths resolve against `baseDir`. */
export function validateSimulators(doc: unknown, baseDir: string): SimulatorConfig[] {
  const items = Value.Clone(doc ?? []) as unknown;
  if (!Array.isArray(items)) throw new ConfigError(['simulators: expected an array']);
  const problems: string[] = [];
  const list = items.map((item: unknown, i) => {
    const kind = typeof item === 'object' && item !== null ? (item as { kind?: unknown }).kind : undefined;
    const schema = typeof kind === 'string' && Object.hasOwn(simulatorSchemas, kind) ? simulatorSchemas[kind as SimulatorConfig['kind']] : undefined;
    if (!schema) {
      problems.push(`simulators.${i}.kind: expected one of ${Object.keys(simulatorSchemas).join(', ')}`);
      return item;
    }
    const value = Value.Default(schema, item) as unknown;
    for (const e of Value.Errors(schema, value)) problems.push(...explain(`simulators.${i}`, e.path, e.schema, e.value, e.message));
    return value;
  });
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return (list as SimulatorConfig[]).map((s): SimulatorConfig => {
    const link = { ...s.link, path: abs(s.link.path) };
    if (s.kind === 'cyton') return { ...s, link, source: s.source.type === 'edf' ? { ...s.source, file: abs(s.source.file) } : s.source };
    const src = s.source;
    const source = src.type === 'wfdb' ? { ...src, record: abs(src.record) } : src.type === 'gan' && src.model !== undefined ? { ...src, model: abs(src.model) } : src;
    return { ...s, link, source };
  });
}

export function isGarmentSimulator(config: SimulatorConfig): config is GarmentSimulatorConfig {
  return config.kind === 'garment';
}
