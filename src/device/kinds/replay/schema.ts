// Config of a `replay` device: an EDF/EDF+/BDF file or a WFDB record played back as a live device.
import { Type, type Static } from '@sinclair/typebox';
import { deviceSchema, EcgProcessing, FilePath, EegProcessing } from '../common-schema.js';
import { EegRawPublishing } from '../muse/schema.js';

export const ReplayTransport = Type.Object(
  {
    type: Type.Literal('replay'),
    path: FilePath('An .edf/.bdf/.rec file, or a WFDB record (its .hea, or the path without extension)'),
  },
  { additionalProperties: false },
);

export const ReplayConfig = deviceSchema('replay', 'Plays an EDF/EDF+/BDF file or a WFDB record back as a live device', {
  transport: ReplayTransport,
  speed: Type.Number({ exclusiveMinimum: 0, maximum: 1000, default: 1, description: 'Playback speed: 1 is real time, 10 ten times faster' }),
  channels: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 80 }), {
      minItems: 1,
      maxItems: 512,
      description: 'Signal labels to play, in this order (default: every signal of the stream type, at one rate)',
    }),
  ),
  stream: Type.Optional(Type.Union([Type.Literal('ecg'), Type.Literal('eeg')], { description: 'Stream type (default: from the labels)' })),
  blockSamples: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_536, description: 'Samples per block (default: 0.1 s of signal)' })),
  loop: Type.Boolean({ default: false, description: "Start again at the end (the device clock keeps running); false: stop, status 'ended'" }),
  startS: Type.Number({ minimum: 0, default: 0, description: 'Start this far into the record' }),
  durationS: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Play this much of the record (default: to the end)' })),
  ecg: EcgProcessing,
  eegRaw: EegRawPublishing,
  eeg: EegProcessing,
});

export type ReplayConfig = Static<typeof ReplayConfig>;
