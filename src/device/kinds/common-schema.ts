// Config schema pieces every device kind shares (TypeBox): the device id, reconnect policy, the
// silence watchdog, transports, and the per-device processing settings of the streams a kind
// produces. A kind's own schema is `deviceSchema(kind, description, fields)`.
import { Type, type TLiteral, type TProperties } from '@sinclair/typebox';

// Lengths of free-text fields: generous for real values, small enough to bound memory.
export const PATH_MAX_CHARS = 4096;

export const FilePath = (description: string, defaultPath?: string) =>
  Type.String({ minLength: 1, maxLength: PATH_MAX_CHARS, description, ...(defaultPath === undefined ? {} : { default: defaultPath }) });

export const Id = (description: string) =>
  Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: `${description} (letters, digits, _ and -, MQTT-safe)` });

export const SerialTransport = Type.Object(
  {
    type: Type.Literal('serial'),
    path: FilePath('Serial device path, e.g. /dev/ttyACM0 or a simulator symlink'),
    baudRate: Type.Integer({ minimum: 300, maximum: 4_000_000, default: 115200, description: 'Baud rate' }),
  },
  { additionalProperties: false },
);

export const Reconnect = Type.Object(
  {
    initialDelayMs: Type.Integer({ minimum: 10, default: 250, description: 'First retry delay after a disconnect' }),
    maxDelayMs: Type.Integer({ minimum: 100, default: 10_000, description: 'Upper bound of the exponential backoff' }),
  },
  { additionalProperties: false, default: {} },
);

/** The classic R-peak detectors (src/streaming/ecg/registry.ts), as schema literals. */
const classicDetectors = (): [
  TLiteral<'pan-tompkins'>,
  TLiteral<'hamilton'>,
  TLiteral<'christov'>,
  TLiteral<'engzee'>,
  TLiteral<'swt'>,
  TLiteral<'two-average'>,
  TLiteral<'matched-filter'>,
] => [
    Type.Literal('pan-tompkins'),
    Type.Literal('hamilton'),
    Type.Literal('christov'),
    Type.Literal('engzee'),
    Type.Literal('swt'),
    Type.Literal('two-average'),
    Type.Literal('matched-filter'),
  ];

/** Settings of the ECG pipeline for a device whose kind produces an `ecg` stream. */
export const EcgProcessing = Type.Object(
  {
    detector: Type.Union(
      [...classicDetectors(), Type.Literal('cnn')],
      { default: 'pan-tompkins', description: "Streaming R-peak detector ('cnn': the int8 R-peak model of models/rpeak-cnn)" },
    ),
    fallbackDetector: Type.Union(
      classicDetectors(),
      { default: 'pan-tompkins', description: "Classic detector used when a model-backed detector's model cannot load (logged; beats name the detector that made them)" },
    ),
    channel: Type.Integer({ minimum: 0, default: 0, description: 'Which ECG channel feeds the detector' }),
    beatsPublishIntervalS: Type.Number({ minimum: 0.2, maximum: 60, default: 2, description: 'Batch beats for this long per message' }),
    hrPublishIntervalS: Type.Number({ minimum: 0.5, maximum: 600, default: 5, description: 'How often HR/HRV is published' }),
    hrvWindowS: Type.Number({ minimum: 10, maximum: 600, default: 60, description: 'Sliding window for SDNN/RMSSD/pNN50' }),
    maxGapFillS: Type.Number({ minimum: 0, maximum: 60, default: 2, description: 'Gaps up to this long are filled with missing samples; longer ones restart the detector' }),
  },
  { additionalProperties: false, default: {} },
);

/**
 * Publishing of raw EEG batches on `<device>/eeg/raw` (src/gateway/extensions/raw-stream.ts). The
 * extension attaches to any device with these settings and takes its `eeg` blocks, whatever the kind.
 */
export const EegRawPublishing = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: 'Publish raw EEG batches on <device>/eeg/raw' }),
    publishIntervalS: Type.Number({ minimum: 0.2, maximum: 10, default: 1, description: 'Seconds of EEG per batch (one message per interval)' }),
  },
  { additionalProperties: false, default: {} },
);

/**
 * Settings of the EEG band pipeline (src/streaming/eeg/pipeline.ts, docs/eeg.md) for a device whose
 * kind produces an `eeg` stream: `<device>/eeg/bands` is published for every such device unless
 * `enabled` is false. The extension attaches by stream, not by kind.
 */
export const EegProcessing = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'Compute band power and publish it on <device>/eeg/bands' }),
    reference: Type.Union([Type.Literal('auto'), Type.Literal('average'), Type.Literal('linked-ears'), Type.Literal('as-recorded')], {
      default: 'auto',
      description: "auto: linked ears when A1 and A2 are in the stream or the labels say -LE, else average over >= 8 electrodes, else as recorded",
    }),
    notchHz: Type.Union([Type.Literal(50), Type.Literal(60), Type.Null()], { default: 50, description: 'Mains notch (Q 30); null: none' }),
    bandpassHz: Type.Tuple([Type.Number({ minimum: 0.1, maximum: 10 }), Type.Number({ minimum: 20, maximum: 200 })], {
      default: [1, 45],
      description: 'Butterworth band-pass edges, Hz (order 4 prototype; the upper edge must stay under Nyquist)',
    }),
    epochS: Type.Number({ minimum: 2, maximum: 8, default: 4, description: 'Epoch length, s' }),
    overlap: Type.Number({ minimum: 0, maximum: 0.9, default: 0.5, description: 'Fraction of an epoch shared with the next' }),
    welchSegmentS: Type.Number({ minimum: 0.5, maximum: 8, default: 2, description: 'Welch segment length, s (Hann, at most the epoch)' }),
    welchOverlap: Type.Number({ minimum: 0, maximum: 0.9, default: 0.5, description: 'Welch segment overlap' }),
    publishIntervalS: Type.Number({ minimum: 1, maximum: 600, default: 10, description: 'One <device>/eeg/bands message per interval (the epochs completed in it)' }),
    mdd: Type.Object(
      {
        enabled: Type.Boolean({ default: false, description: 'Publish the MDD screening score (research signal, not a diagnosis) on <device>/eeg/mdd; needs the model electrodes by name' }),
        model: Type.String({ default: 'mdd-cnn', description: "Model name: 'mdd-cnn' (19 10-20 electrodes) or 'mdd-cnn-cyton8' (Fp1 Fp2 C3 C4 P7 P8 O1 O2)" }),
        publishIntervalS: Type.Number({ minimum: 5, maximum: 3600, default: 30, description: 'One <device>/eeg/mdd message per interval (once the session has enough clean epochs)' }),
      },
      { additionalProperties: false, default: {} },
    ),
    artefacts: Type.Object(
      {
        amplitudeUv: Type.Number({ minimum: 10, maximum: 10_000, default: 150, description: 'Reject an epoch when a channel exceeds this peak-to-peak, µV' }),
        flatUv: Type.Number({ minimum: 0, maximum: 50, default: 0.5, description: 'Reject an epoch when a channel has less standard deviation, µV' }),
        blinkUv: Type.Number({ minimum: 10, maximum: 10_000, default: 50, description: 'Frontal slow deflection that counts as a blink, µV' }),
        blinkFrontalRatio: Type.Number({ minimum: 1, maximum: 100, default: 2, description: '... and how many times larger than elsewhere on the head' }),
        muscleRatio: Type.Number({ minimum: 0.05, maximum: 1, default: 0.35, description: 'Reject when a channel has more than this share of its 1-45 Hz power in 20-45 Hz' }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

/** The fields of every device plus a kind's own. */
export function deviceSchema<Kind extends string, Fields extends TProperties>(kind: Kind, description: string, fields: Fields) {
  return Type.Object(
    {
      id: Id('Device id, used in MQTT topics'),
      kind: Type.Literal(kind, { description }),
      enabled: Type.Boolean({ default: true }),
      reconnect: Reconnect,
      silenceTimeoutS: Type.Number({ minimum: 0.5, maximum: 600, default: 5, description: 'Reopen the link when the device sends nothing for this long' }),
      ...fields,
    },
    { additionalProperties: false },
  );
}

/** A BLE peripheral, by address or advertised name, through BlueZ. */
export const BleTransport = Type.Object(
  {
    type: Type.Literal('ble'),
    address: Type.Optional(Type.String({ pattern: '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$', description: 'Bluetooth address, e.g. A0:9E:1A:12:34:56' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 248, description: 'Advertised name (exact), when the address is not known' })),
    adapter: Type.Optional(Type.String({ pattern: '^hci[0-9]{1,2}$', description: 'BlueZ adapter, e.g. hci0 (default: the first)' })),
  },
  { additionalProperties: false },
);
