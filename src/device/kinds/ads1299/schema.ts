// Config of an ADS1299 board (PiEEG, OpenBCI-class 8-channel EEG front end) on the Pi's own SPI bus,
// with its DRDY line on a GPIO. Defaults follow the PiEEG wiring: SPI0 CE0, DRDY on GPIO26 (header pin 37).
import { Type, type Static } from '@sinclair/typebox';
import { deviceSchema, EegProcessing } from '../common-schema.js';
import { EegRawPublishing } from '../muse/schema.js';

const gainLiterals = () =>
  [Type.Literal(1), Type.Literal(2), Type.Literal(4), Type.Literal(6), Type.Literal(8), Type.Literal(12), Type.Literal(24)] as const;
const inputLiterals = () =>
  [
    Type.Literal('normal'),
    Type.Literal('shorted'),
    Type.Literal('bias-meas'),
    Type.Literal('mvdd'),
    Type.Literal('temperature'),
    Type.Literal('test'),
    Type.Literal('bias-drp'),
    Type.Literal('bias-drn'),
  ] as const;
const gainText = 'PGA gain (CHnSET GAIN)';
const inputText = 'What the channel measures (CHnSET MUX): normal = its electrodes; shorted = noise floor; test = internal square wave';
const Gain = Type.Union([...gainLiterals()], { description: gainText });
const Input = Type.Union([...inputLiterals()], { description: inputText });

export const Ads1299Channel = Type.Object(
  {
    label: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,16}$', description: 'Channel name in blocks and on MQTT (default CH<n>)' })),
    enabled: Type.Boolean({ default: true, description: 'false: channel powered down and left out of the stream' }),
    gain: Type.Optional(Gain),
    input: Type.Optional(Input),
    srb2: Type.Boolean({ default: false, description: "Connect this channel's negative input to SRB2" }),
  },
  { additionalProperties: false },
);

export const Ads1299Config = deviceSchema('ads1299', 'TI ADS1299 8-channel EEG front end on SPI (PiEEG / OpenBCI-class)', {
  spi: Type.Object(
    {
      bus: Type.Integer({ minimum: 0, maximum: 15, default: 0, description: '/dev/spidev<bus>.<device>' }),
      device: Type.Integer({ minimum: 0, maximum: 15, default: 0, description: 'Chip select (0 = CE0, GPIO8)' }),
      speedHz: Type.Integer({ minimum: 100_000, maximum: 20_000_000, default: 2_000_000, description: 'SCLK; the ADS1299 allows up to 20 MHz' }),
    },
    { additionalProperties: false, default: {} },
  ),
  drdy: Type.Object(
    {
      chip: Type.String({ pattern: '^gpiochip[0-9]{1,3}$', default: 'gpiochip0', description: 'GPIO chip of the DRDY line' }),
      line: Type.Integer({ minimum: 0, maximum: 511, default: 26, description: 'DRDY line offset (BCM GPIO number on a Pi; PiEEG: GPIO26, header pin 37)' }),
    },
    { additionalProperties: false, default: {} },
  ),
  sampleRateHz: Type.Union(
    [Type.Literal(250), Type.Literal(500), Type.Literal(1000), Type.Literal(2000), Type.Literal(4000), Type.Literal(8000), Type.Literal(16000)],
    { default: 250, description: 'Output data rate (CONFIG1 DR)' },
  ),
  gain: Type.Union([...gainLiterals()], { default: 24, description: `${gainText}, for channels that do not set their own` }),
  input: Type.Union([...inputLiterals()], { default: 'normal', description: `${inputText}; for channels that do not set their own` }),
  channels: Type.Array(Ads1299Channel, { maxItems: 8, default: [], description: 'Per channel 1..8 (missing entries: enabled, the default gain and input)' }),
  srb1: Type.Boolean({ default: true, description: 'MISC1 SRB1: the reference electrode on SRB1 goes to every negative input (PiEEG montage)' }),
  bias: Type.Boolean({ default: true, description: 'Drive the bias electrode from the enabled channels (internal bias reference)' }),
  leadOff: Type.Boolean({ default: true, description: 'DC lead-off detection (6 nA, 95 % threshold) on the enabled channels; status bits go to blocks and status' }),
  eegRaw: EegRawPublishing,
  eeg: EegProcessing,
});

export type Ads1299Config = Static<typeof Ads1299Config>;
