// OpenBCI Cyton (and Cyton + Daisy) serial protocol constants, from the OpenBCI documentation
// ("Cyton Data Format", "Cyton SDK"): 115200 baud, text commands and `$$$`-terminated answers,
// then 33-byte binary packets while streaming.

export const CYTON_BAUD_RATE = 115200;

/** One streamed packet: header, sample number, 8 x 24-bit channels, 6 aux bytes, footer. */
export const CYTON_PACKET_BYTES = 33;
export const CYTON_HEADER_BYTE = 0xa0;
/** Footers are 0xC0..0xCF; the low nibble says what the aux bytes hold. */
export const CYTON_FOOTER_BASE = 0xc0;
export const CYTON_FOOTER_MASK = 0xf0;
/** Byte offsets inside a packet. */
export const CYTON_SAMPLE_NUMBER_AT = 1;
export const CYTON_CHANNELS_AT = 2;
export const CYTON_AUX_AT = 26;
export const CYTON_AUX_BYTES = 6;
export const CYTON_FOOTER_AT = 32;

/** Channels per ADS1299 (the Cyton board, and again the Daisy). */
export const CYTON_CHANNELS_PER_BOARD = 8;
/** Packets per second; 8-channel samples arrive at this rate. */
export const CYTON_SAMPLE_RATE_HZ = 250;
/** With a Daisy, board and Daisy packets alternate: 16-channel samples at half the packet rate. */
export const CYTON_DAISY_SAMPLE_RATE_HZ = 125;
/** The sample number is one byte and wraps 255 -> 0. */
export const CYTON_SAMPLE_NUMBER_PERIOD = 256;

/** ADS1299 reference, V, and the largest positive 24-bit count (full scale). */
export const ADS1299_VREF_V = 4.5;
export const ADS1299_FULL_SCALE_COUNTS = 2 ** 23 - 1;
/** Most negative 24-bit count. */
export const ADS1299_MIN_COUNTS = -(2 ** 23);

/** PGA gain codes 0..6 of the channel settings command. */
export const CYTON_GAINS_X = [1, 2, 4, 6, 8, 12, 24] as const;
export type CytonGainX = (typeof CYTON_GAINS_X)[number];

/** Input types (INPUT_TYPE_SET codes 0..7). */
export const CYTON_INPUT_TYPES = ['normal', 'shorted', 'bias-meas', 'mvdd', 'temp', 'testsig', 'bias-drp', 'bias-drn'] as const;
export type CytonInputType = (typeof CYTON_INPUT_TYPES)[number];

/** LIS3DH at +-4 g: 0.002 g per LSB of its 12-bit left-justified value, i.e. 0.002 / 16 g per int16 count. */
export const CYTON_ACCEL_G_PER_COUNT = 0.002 / 2 ** 4;

/** Channel characters of the settings command: 1-8 on the board, Q W E R T Y U I on the Daisy (9-16). */
export const CYTON_CHANNEL_CHARS = '12345678QWERTYUI';

export const CYTON_COMMANDS = {
  /** Soft reset: the board prints its banner, ending with `$$$`. */
  reset: 'v',
  startStreaming: 'b',
  stopStreaming: 's',
  /** With a Daisy: 16 channels (`C`) or the board's 8 only (`c`). */
  channels16: 'C',
  channels8: 'c',
} as const;

/** Every text answer of the board ends with this. */
export const CYTON_END_OF_TRANSMISSION = '$$$';

/** Footer meanings (low nibble), as the Cyton Data Format lists them. */
export const CYTON_FOOTER_KINDS = [
  'standard-accel', // 0xC0: aux = accelerometer X, Y, Z as int16 big-endian
  'standard-raw-aux', // 0xC1: aux = 6 raw bytes (analog / digital read modes)
  'user-defined', // 0xC2
  'timestamp-set-accel', // 0xC3: aux = 2 bytes accel axis + 4 bytes board time (ms), time set
  'timestamp-accel', // 0xC4
  'timestamp-set-raw-aux', // 0xC5
  'timestamp-raw-aux', // 0xC6
] as const;
export type CytonFooterKind = (typeof CYTON_FOOTER_KINDS)[number] | 'unknown';
