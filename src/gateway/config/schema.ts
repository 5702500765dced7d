// The configuration schema: one source for validation, defaults, descriptions and the TS types
// (Static<> derives them, so code and schema cannot drift).
import { Type, type Static } from '@sinclair/typebox';

export const CONFIG_VERSION = 1;

const Id = (description: string) =>
  Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: `${description} (letters, digits, _ and -, MQTT-safe)` });

const SerialTransport = Type.Object(
  {
    type: Type.Literal('serial'),
    path: Type.String({ minLength: 1, description: 'Serial device path, e.g. /dev/ttyACM0 or a simulator symlink' }),
    baudRate: Type.Integer({ minimum: 300, maximum: 4_000_000, default: 115200, description: 'Baud rate' }),
  },
  { additionalProperties: false },
);

const Reconnect = Type.Object(
  {
    initialDelayMs: Type.Integer({ minimum: 10, default: 250, description: 'First retry delay after a disconnect' }),
    maxDelayMs: Type.Integer({ minimum: 100, default: 10_000, description: 'Upper bound of the exponential backoff' }),
  },
  { additionalProperties: false, default: {} },
);

const EcgProcessing = Type.Object(
  {
    detector: Type.Union(
      [
        Type.Literal('pan-tompkins'),
        Type.Literal('hamilton'),
        Type.Literal('christov'),
        Type.Literal('engzee'),
        Type.Literal('swt'),
        Type.Literal('two-average'),
        Type.Literal('matched-filter'),
      ],
      { default: 'pan-tompkins', description: 'Streaming R-peak detector' },
    ),
    channel: Type.Integer({ minimum: 0, default: 0, description: 'Which ECG channel feeds the detector' }),
    beatsPublishIntervalS: Type.Number({ minimum: 0.2, maximum: 60, default: 2, description: 'Batch beats for this long per message' }),
    hrPublishIntervalS: Type.Number({ minimum: 0.5, maximum: 600, default: 5, description: 'How often HR/HRV is published' }),
    hrvWindowS: Type.Number({ minimum: 10, maximum: 600, default: 60, description: 'Sliding window for SDNN/RMSSD/pNN50' }),
    maxGapFillS: Type.Number({ minimum: 0, maximum: 60, default: 2, description: 'Gaps up to this long are filled with missing samples; longer ones restart the detector' }),
  },
  { additionalProperties: false, default: {} },
);

export const DeviceConfig = Type.Object(
  {
    id: Id('Device id, used in MQTT topics'),
    kind: Type.Literal('garment', { description: 'Device family: garment (weargate garment protocol v1)' }),
    transport: SerialTransport,
    enabled: Type.Boolean({ default: true }),
    reconnect: Reconnect,
    silenceTimeoutS: Type.Number({ minimum: 0.5, maximum: 600, default: 5, description: 'Reopen the link when the device sends nothing for this long' }),
    ecg: EcgProcessing,
  },
  { additionalProperties: false },
);

export const MqttConfig = Type.Object(
  {
    url: Type.Optional(Type.String({ description: 'Broker URL (mqtt://, mqtts://, ws://). Absent: start the embedded broker' })),
    embeddedBroker: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 1883, description: '0 picks a free port' }),
      },
      { additionalProperties: false, default: {} },
    ),
    baseTopic: Type.String({ default: 'weargate', pattern: '^[^#+]+$', description: 'Topics are <baseTopic>/<gatewayId>/...' }),
    clientId: Type.Optional(Type.String()),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String()),
    tls: Type.Optional(
      Type.Object(
        {
          ca: Type.Optional(Type.String({ description: 'CA certificate file (PEM)' })),
          cert: Type.Optional(Type.String({ description: 'Client certificate file (PEM)' })),
          key: Type.Optional(Type.String({ description: 'Client key file (PEM)' })),
          rejectUnauthorized: Type.Boolean({ default: true }),
        },
        { additionalProperties: false },
      ),
    ),
    keepaliveS: Type.Integer({ minimum: 5, maximum: 3600, default: 30 }),
    reconnectPeriodMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 2000 }),
    outbox: Type.Object(
      {
        maxBytes: Type.Integer({ minimum: 65_536, default: 64 * 1024 * 1024, description: 'Evict oldest results beyond this size' }),
        maxAgeS: Type.Integer({ minimum: 60, default: 7 * 24 * 3600, description: 'Evict results older than this' }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export const GatewayConfig = Type.Object(
  {
    version: Type.Literal(CONFIG_VERSION, { description: 'Config file format version' }),
    gatewayId: Id('Gateway id, used in MQTT topics'),
    dataDir: Type.String({ default: './var', description: 'Directory for the durable outbox and state' }),
    logLevel: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')], {
      default: 'info',
    }),
    mqtt: MqttConfig,
    health: Type.Object(
      { intervalS: Type.Number({ minimum: 1, maximum: 3600, default: 10 }) },
      { additionalProperties: false, default: {} },
    ),
    statusLine: Type.Object(
      {
        enabled: Type.Boolean({ default: true, description: 'Print a live status line on stdout' }),
        intervalS: Type.Number({ minimum: 0.5, maximum: 60, default: 2 }),
      },
      { additionalProperties: false, default: {} },
    ),
    devices: Type.Array(DeviceConfig, { default: [] }),
  },
  { additionalProperties: false },
);

export type GatewayConfig = Static<typeof GatewayConfig>;
export type DeviceConfig = Static<typeof DeviceConfig>;
export type MqttConfig = Static<typeof MqttConfig>;
