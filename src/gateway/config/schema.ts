// The configuration schema: one source for validation, defaults, descriptions and the TS types
// (Static<> derives them, so code and schema cannot drift).
import { Type, type Static } from '@sinclair/typebox';
import { FilePath, Id } from '../../device/kinds/common-schema.js';
import { deviceSchemas } from '../../device/kinds/registry.js';

export const CONFIG_VERSION = 1;
/** More devices than a Pi's radios and USB ports can serve; also keeps a hostile file small. */
export const MAX_DEVICES = 256;
export const MAX_BROKER_USERS = 64;
// Lengths of free-text fields: generous for real values, small enough to bound memory.
const NAME_MAX_CHARS = 256;
const SECRET_MAX_CHARS = 1024;

export const DeviceConfig = Type.Union(deviceSchemas, { description: 'A device: the fields of its kind (src/device/kinds/<kind>/schema.ts)' });

const BrokerUser = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 128 }),
    password: Type.String({ minLength: 8, maxLength: 256 }),
    fleet: Type.Optional(Type.Boolean({ description: 'May publish retained fleet announcements and bundle chunks under <baseTopic>/fleet/ (signatures are still verified)' })),
  },
  { additionalProperties: false },
);

const EmbeddedBrokerConfig = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', minLength: 1, maxLength: 253, description: 'Listen address; beyond loopback, users are required' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 1883, description: '0 picks a free port' }),
    users: Type.Array(BrokerUser, { maxItems: MAX_BROKER_USERS, default: [], description: 'Clients allowed to connect (username/password)' }),
    allowAnonymous: Type.Optional(Type.Boolean({ description: 'Accept clients without credentials (loopback only)' })),
    maxPacketBytes: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024, default: 262_144, description: 'Largest MQTT packet a client may send' }),
  },
  { additionalProperties: false, default: {} },
);

export const MqttConfig = Type.Object(
  {
    url: Type.Optional(
      Type.String({ maxLength: 2048, description: 'Broker URL (mqtt://, mqtts://, ws://, wss:// with a host). Absent: start the embedded broker' }),
    ),
    embeddedBroker: EmbeddedBrokerConfig,
    baseTopic: Type.String({ default: 'weargate', pattern: '^[^#+]+$', maxLength: NAME_MAX_CHARS, description: 'Topics are <baseTopic>/<gatewayId>/...' }),
    clientId: Type.Optional(Type.String({ maxLength: NAME_MAX_CHARS })),
    username: Type.Optional(Type.String({ maxLength: NAME_MAX_CHARS })),
    password: Type.Optional(Type.String({ maxLength: SECRET_MAX_CHARS })),
    tls: Type.Optional(
      Type.Object(
        {
          ca: Type.Optional(FilePath('CA certificate file (PEM)')),
          cert: Type.Optional(FilePath('Client certificate file (PEM)')),
          key: Type.Optional(FilePath('Client key file (PEM)')),
          rejectUnauthorized: Type.Boolean({ default: true }),
        },
        { additionalProperties: false },
      ),
    ),
    keepaliveS: Type.Integer({ minimum: 5, maximum: 3600, default: 30 }),
    protocolVersion: Type.Union([Type.Literal('auto'), Type.Literal(4), Type.Literal(5)], {
      default: 'auto',
      description: "MQTT 5 where the broker offers it ('auto': 3.1.1 after a broker refuses 5), or 4 (3.1.1) / 5 only",
    }),
    reconnectPeriodMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 2000 }),
    maxPacketBytes: Type.Integer({
      minimum: 1024,
      maximum: 256 * 1024 * 1024,
      default: 262_144,
      description: "Largest PUBLISH the external broker takes (e.g. mosquitto's message_size_limit); larger results are refused and counted as lost instead of blocking the outbox",
    }),
    outbox: Type.Object(
      {
        maxBytes: Type.Integer({ minimum: 65_536, default: 64 * 1024 * 1024, description: 'Evict oldest results beyond this size' }),
        maxAgeS: Type.Integer({ minimum: 60, default: 7 * 24 * 3600, description: 'Evict results older than this' }),
        memoryFallbackBytes: Type.Integer({
          minimum: 65_536,
          maximum: 256 * 1024 * 1024,
          default: 8 * 1024 * 1024,
          description:
            'When the disk cannot take results, up to this many bytes wait in memory (lost on a crash); beyond it the newest are dropped and counted',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

const GpioLine = {
  chip: Type.String({ pattern: '^gpiochip[0-9]{1,3}$', default: 'gpiochip0', description: 'GPIO chip (a Pi header: gpiochip0)' }),
  line: Type.Integer({ minimum: 0, maximum: 511, description: 'Line offset (BCM GPIO number on a Pi)' }),
};

/** The gateway's own status LED and button on GPIO (src/gateway/extensions/gpio.ts); absent = off. */
export const GpioConfig = Type.Object(
  {
    led: Type.Optional(
      Type.Object(
        {
          ...GpioLine,
          activeLow: Type.Boolean({ default: false, description: 'LED lights when the line is low (wired to 3.3 V)' }),
          blinkIntervalMs: Type.Integer({ minimum: 50, maximum: 5000, default: 250, description: 'Half period of the blink while devices connect' }),
        },
        { additionalProperties: false, description: 'Off: no device enabled; blinking: a device is connecting; on: every enabled device streams' },
      ),
    ),
    button: Type.Optional(
      Type.Object(
        {
          ...GpioLine,
          activeLow: Type.Boolean({ default: true, description: 'Pressed = low (button to GND with a pull-up)' }),
          longPressS: Type.Number({ minimum: 0.5, maximum: 30, default: 3, description: 'Held this long: shutdown_requested on bridge/event' }),
          debounceMs: Type.Integer({ minimum: 0, maximum: 500, default: 30, description: 'A level counts once stable this long' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Recording device streams to EDF+/BDF+ files (docs/recording.md); off by default. */
export const RecordingConfig = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: 'Record device streams to EDF+/BDF+ files' }),
    dir: Type.Optional(FilePath('Folder for the recordings (default: <dataDir>/recordings); one sub-folder per device')),
    format: Type.Union([Type.Literal('auto'), Type.Literal('edf'), Type.Literal('bdf')], {
      default: 'auto',
      description: 'edf: 16-bit EDF+; bdf: 24-bit BDF+; auto: BDF for EEG (24-bit front ends), EDF for ECG',
    }),
    recordDurationS: Type.Number({ minimum: 0.1, maximum: 60, default: 1, description: 'Seconds per data record (rate x duration must be whole)' }),
    rotate: Type.Object(
      {
        maxMinutes: Type.Number({ minimum: 1, maximum: 24 * 60, default: 60, description: 'Start a new file after this long' }),
        maxMegabytes: Type.Number({ minimum: 1, maximum: 4096, default: 512, description: 'Start a new file before it passes this size' }),
      },
      { additionalProperties: false, default: {} },
    ),
    devices: Type.Union([Type.Literal('all'), Type.Array(Id('Device id'), { maxItems: MAX_DEVICES })], {
      default: 'all',
      description: "'all', or the ids of the devices to record",
    }),
    streams: Type.Array(Type.Union([Type.Literal('ecg'), Type.Literal('eeg')]), {
      default: ['ecg', 'eeg'],
      maxItems: 2,
      description: 'Stream types to record',
    }),
    rangeUv: Type.Object(
      {
        ecg: Type.Number({ exclusiveMinimum: 0, maximum: 1e7, default: 10_000, description: 'ECG physical range is +-this many uV' }),
        eeg: Type.Number({ exclusiveMinimum: 0, maximum: 1e7, default: 3_200, description: 'EEG physical range is +-this many uV' }),
      },
      { additionalProperties: false, default: {} },
    ),
    maxGapFillS: Type.Number({ minimum: 0, maximum: 600, default: 10, description: 'Gaps up to this long are written as missing samples; longer ones start a new file' }),
    syncIntervalS: Type.Number({ minimum: 0.5, maximum: 600, default: 10, description: 'Flush to disk (fdatasync) at most this often' }),
    retryIntervalS: Type.Number({ minimum: 0.1, maximum: 3600, default: 10, description: 'After a storage fault, try a new file after this long' }),
  },
  { additionalProperties: false, default: {} },
);

/** Where the on-device models come from (docs/models.md). */
export const ModelsConfig = Type.Object(
  {
    dir: Type.Optional(FilePath("Folder of models, one sub-folder with a manifest.json each (default: the repository's models/)")),
    variants: Type.Record(Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }), Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }), {
      default: {},
      description: "Variant to run per model, e.g. { rpeak-cnn: float32 } (default: each manifest's defaultVariant, int8)",
    }),
  },
  { additionalProperties: false, default: {} },
);

/** ECG similarity to an enrolled athlete (docs/models/similarity.md); research output. */
export const SimilarityConfig = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: 'Score ECG devices bound to an enrolled athlete on <device>/ecg/similarity' }),
    beatsPerScore: Type.Integer({ minimum: 1, maximum: 120, default: 8, description: 'Clean beats per score (N)' }),
    dropWindows: Type.Integer({ minimum: 1, maximum: 100, default: 3, description: 'Down scores in a row before signal_change (M)' }),
    dropDelta: Type.Number({ minimum: 0, maximum: 2, default: 0.15, description: "A score this far under the wearer's running level counts as down" }),
    threshold: Type.Optional(Type.Number({ minimum: -1, maximum: 1, description: "same_wearer threshold (default: the model's cross-validated EER threshold)" })),
    enrollBufferS: Type.Number({ minimum: 30, maximum: 900, default: 300, description: 'Seconds of ECG kept per device for the enroll request' }),
  },
  { additionalProperties: false, default: {} },
);

/** Fleet model updates over MQTT (docs/fleet.md); off by default. */
export const FleetConfig = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: 'Take signed model updates announced to the group' }),
    group: Type.String({ default: 'default', pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Announcements under <baseTopic>/fleet/<group>/' }),
    trustedKeys: Type.Array(Type.String({ pattern: '^[A-Za-z0-9+/]{43}=$' }), { default: [], maxItems: 32, description: 'base64 ed25519 public keys (weargate fleet keygen)' }),
    revokedKeyIds: Type.Array(Type.String({ pattern: '^[0-9a-f]{16}$' }), { default: [], maxItems: 256, description: 'Key ids never to trust again' }),
    watchS: Type.Number({ minimum: 1, maximum: 24 * 3600, default: 120, description: 'A new model is watched this long before it is committed' }),
    maxSlowdown: Type.Number({ minimum: 1.1, maximum: 1000, default: 5, description: "Roll back a watched model whose inferences take longer than this multiple of the previous one's: during the watch on the median of its last slowdownMinSamples runs, at its end on the mean" }),
    slowdownMinSamples: Type.Integer({ minimum: 5, maximum: 64, default: 20, description: "Inferences each model needs (the new one's rolling window, the previous one's baseline) before the watch judges speed on every run" }),
    maxQualityDrop: Type.Number({ minimum: 0, maximum: 1, default: 0.3, description: "Roll back a watched model whose mean quality score (the task's own plausibility of each output, 0..1; R-peak and similarity models have one) over its last qualityMinSamples runs is lower than the previous model's over its last qualityMinSamples runs by more than this" }),
    qualityMinSamples: Type.Integer({ minimum: 5, maximum: 64, default: 20, description: "Scored inferences each model needs (the new one's rolling window, the previous one's baseline) before the watch judges quality; with a thinner baseline quality is not judged (logged)" }),
    /** Signed MQTT commands (enroll, unenroll, rollback, shutdown) are checked against trustedKeys/revokedKeyIds, fleet enabled or not. */
    commands: Type.Object(
      {
        maxLifetimeS: Type.Number({ minimum: 10, maximum: 3600, default: 600, description: 'Longest accepted expiresAt - issuedAt of a signed command' }),
        clockSkewS: Type.Number({ minimum: 0, maximum: 600, default: 60, description: 'A command issued up to this far in the future (by the gateway clock) is accepted' }),
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
    dataDir: FilePath('Directory for the durable outbox and state', './var'),
    logLevel: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')], {
      default: 'info',
    }),
    log: Type.Object(
      {
        journal: Type.Union([Type.Literal('auto'), Type.Literal('on'), Type.Literal('off')], {
          default: 'auto',
          description: 'Syslog priority prefixes (<3> error, <4> warn, <6> info, <7> debug) before each JSON log line, for the systemd journal; auto: when JOURNAL_STREAM names stderr',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
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
    devices: Type.Array(DeviceConfig, { default: [], maxItems: MAX_DEVICES }),
    gpio: Type.Optional(GpioConfig),
    recording: RecordingConfig,
    models: ModelsConfig,
    similarity: SimilarityConfig,
    fleet: FleetConfig,
  },
  { additionalProperties: false },
);

export type GatewayConfig = Static<typeof GatewayConfig>;
export type DeviceConfig = Static<typeof DeviceConfig>;
export type MqttConfig = Static<typeof MqttConfig>;
export type GpioConfig = Static<typeof GpioConfig>;
export type RecordingConfig = Static<typeof RecordingConfig>;
export type ModelsConfig = Static<typeof ModelsConfig>;
export type SimilarityConfig = Static<typeof SimilarityConfig>;
export type FleetConfig = Static<typeof FleetConfig>;
export type EmbeddedBrokerConfig = Static<typeof EmbeddedBrokerConfig>;
export type BrokerUser = Static<typeof BrokerUser>;
