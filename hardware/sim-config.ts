// Configuration of simulated devices (the `simulators:` section of a demo config file). Kept out of
// the daemon's schema: simulators are test equipment, and src/ never imports hardware/.
import { Type, type Static } from '@sinclair/typebox';
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

/** A simulated device: the union of the simulator kinds, discriminated on `kind`. */
export const SimulatorConfig = Type.Union([GarmentSimulatorConfig, CytonSimulatorConfig]);

export type GarmentSimulatorConfig = Static<typeof GarmentSimulatorConfig>;
export type CytonSimulatorConfig = Static<typeof CytonSimulatorConfig>;
export type SimulatorConfig = Static<typeof SimulatorConfig>;

/** Validates the `simulators` list (with defaults); relative paths resolve against `baseDir`. */
export function validateSimulators(doc: unknown, baseDir: string): SimulatorConfig[] {
  const list = Value.Default(Type.Array(SimulatorConfig), Value.Clone(doc ?? [])) as unknown;
  const problems = [...Value.Errors(Type.Array(SimulatorConfig), list)].map(
    (e) => `simulators${e.path.replaceAll('/', '.')}: ${e.message}`,
  );
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return (list as SimulatorConfig[]).map((s): SimulatorConfig => {
    const link = { ...s.link, path: abs(s.link.path) };
    if (s.kind === 'garment') return { ...s, link, source: s.source.type === 'wfdb' ? { ...s.source, record: abs(s.source.record) } : s.source };
    return { ...s, link, source: s.source.type === 'edf' ? { ...s.source, file: abs(s.source.file) } : s.source };
  });
}
