// Config of an OpenBCI Cyton (8 channels) or Cyton + Daisy (16) on its USB dongle (FTDI serial).
import { Type, type Static } from '@sinclair/typebox';
import { CYTON_GAINS_X, CYTON_INPUT_TYPES } from '../../protocols/openbci/constants.js';
import { deviceSchema, EegRawPublishing, SerialTransport, EegProcessing } from '../common-schema.js';

/** One channel's ADS1299 settings (the `x...X` command) and its electrode name. */
export const CytonChannel = Type.Object(
  {
    label: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,16}$', description: 'Electrode name, e.g. a 10-20 name (Fp1, O2); default EEG<n>' })),
    enabled: Type.Boolean({ default: true, description: 'false powers the channel down (it then reads 0)' }),
    gainX: Type.Union(
      CYTON_GAINS_X.map((g) => Type.Literal(g)),
      { default: 24, description: 'PGA gain (1, 2, 4, 6, 8, 12, 24); full scale is 4.5 V / gain' },
    ),
    inputType: Type.Union(
      CYTON_INPUT_TYPES.map((t) => Type.Literal(t)),
      { default: 'normal', description: 'ADS1299 input: normal electrode, shorted (noise check), testsig, ...' },
    ),
    bias: Type.Boolean({ default: true, description: 'Include the channel in the bias drive' }),
    srb2: Type.Boolean({ default: true, description: 'Connect the channel to SRB2 (the common reference)' }),
    srb1: Type.Boolean({ default: false, description: 'Connect all negative inputs to SRB1' }),
  },
  { additionalProperties: false, default: {} },
);

export const CytonConfig = deviceSchema('cyton', 'OpenBCI Cyton / Cyton + Daisy over its USB dongle (serial, 115200 baud)', {
  transport: SerialTransport,
  daisy: Type.Union([Type.Boolean(), Type.Literal('auto')], {
    default: 'auto',
    description: 'true: 16 channels at 125 Hz (fails when the banner names no Daisy); false: 8 channels at 250 Hz (a Daisy is switched off with `c`); auto: as the banner says',
  }),
  channels: Type.Array(CytonChannel, { maxItems: 16, default: [], description: 'Settings of channels 1..16 in order; channels not listed take the defaults' }),
  commandTimeoutMs: Type.Integer({ minimum: 100, maximum: 30_000, default: 3000, description: 'How long to wait for a `$$$` answer (banner, channel settings)' }),
  maxGapFillS: Type.Number({ minimum: 0, maximum: 60, default: 1, description: 'Lost samples up to this long are NaN-filled in blocks; longer gaps only advance the sample index' }),
  accelerometer: Type.Object(
    {
      enabled: Type.Boolean({ default: false, description: 'Also stream the board accelerometer (x, y, z in g, 25 Hz, footer 0xC0 packets) as an `acc` stream' }),
    },
    { additionalProperties: false, default: {} },
  ),
  eegRaw: EegRawPublishing,
  eeg: EegProcessing,
});

export type CytonConfig = Static<typeof CytonConfig>;
export type CytonChannelConfig = Static<typeof CytonChannel>;
