// Commands to the Cyton and, for the emulator and tests, packets from it.
import {
  ADS1299_FULL_SCALE_COUNTS,
  ADS1299_MIN_COUNTS,
  CYTON_AUX_AT,
  CYTON_CHANNEL_CHARS,
  CYTON_CHANNELS_AT,
  CYTON_CHANNELS_PER_BOARD,
  CYTON_FOOTER_AT,
  CYTON_GAINS_X,
  CYTON_HEADER_BYTE,
  CYTON_INPUT_TYPES,
  CYTON_PACKET_BYTES,
  type CytonGainX,
  type CytonInputType,
} from './constants.js';

export interface CytonChannelSettings {
  powerDown: boolean;
  gainX: CytonGainX;
  inputType: CytonInputType;
  bias: boolean;
  srb2: boolean;
  srb1: boolean;
}

/** The OpenBCI defaults: powered, gain 24, normal input, in the bias, SRB2 on, SRB1 off. */
export const CYTON_DEFAULT_CHANNEL: CytonChannelSettings = { powerDown: false, gainX: 24, inputType: 'normal', bias: true, srb2: true, srb1: false };

export function encodeCommand(command: string): Uint8Array {
  return Uint8Array.from(command, (c) => c.charCodeAt(0));
}

/** `x (CHANNEL, POWER_DOWN, GAIN_SET, INPUT_TYPE_SET, BIAS_SET, SRB2_SET, SRB1_SET) X`, channel 1..16. */
export function channelSettingsCommand(channel: number, s: CytonChannelSettings): string {
  const ch = CYTON_CHANNEL_CHARS[channel - 1];
  if (!Number.isInteger(channel) || ch === undefined) throw new RangeError(`Cyton channel ${channel} is not 1..16`);
  const gainCode = CYTON_GAINS_X.indexOf(s.gainX);
  const inputCode = CYTON_INPUT_TYPES.indexOf(s.inputType);
  if (gainCode < 0) throw new RangeError(`gain ${s.gainX} is not one of ${CYTON_GAINS_X.join(', ')}`);
  if (inputCode < 0) throw new RangeError(`input type ${s.inputType}`);
  const bit = (b: boolean): string => (b ? '1' : '0');
  return `x${ch}${bit(s.powerDown)}${gainCode}${inputCode}${bit(s.bias)}${bit(s.srb2)}${bit(s.srb1)}X`;
}

/** Parses a settings command (the emulator's side); null when malformed. */
export function parseChannelSettingsCommand(command: string): { channel: number; settings: CytonChannelSettings } | null {
  const m = /^x([1-8QWERTYUI])([01])([0-6])([0-7])([01])([01])([01])X$/.exec(command);
  if (!m) return null;
  return {
    channel: CYTON_CHANNEL_CHARS.indexOf(m[1]) + 1,
    settings: {
      powerDown: m[2] === '1',
      gainX: CYTON_GAINS_X[Number(m[3])],
      inputType: CYTON_INPUT_TYPES[Number(m[4])],
      bias: m[5] === '1',
      srb2: m[6] === '1',
      srb1: m[7] === '1',
    },
  };
}

/** Clamps a count into the 24-bit range. */
export function clampCount(count: number): number {
  return Math.max(ADS1299_MIN_COUNTS, Math.min(ADS1299_FULL_SCALE_COUNTS, Math.round(count)));
}

/** One 33-byte packet from eight counts and six aux bytes. */
export function encodeCytonPacket(sampleNumber: number, counts: ArrayLike<number>, footer = 0xc0, aux: ArrayLike<number> = [0, 0, 0, 0, 0, 0]): Uint8Array {
  const p = new Uint8Array(CYTON_PACKET_BYTES);
  p[0] = CYTON_HEADER_BYTE;
  p[1] = sampleNumber & 0xff;
  for (let c = 0; c < CYTON_CHANNELS_PER_BOARD; c++) {
    const v = clampCount(counts[c] ?? 0) & 0xffffff;
    const at = CYTON_CHANNELS_AT + 3 * c;
    p[at] = (v >> 16) & 0xff;
    p[at + 1] = (v >> 8) & 0xff;
    p[at + 2] = v & 0xff;
  }
  for (let i = 0; i < 6; i++) p[CYTON_AUX_AT + i] = (aux[i] ?? 0) & 0xff;
  p[CYTON_FOOTER_AT] = footer;
  return p;
}

/** Accelerometer g -> the six aux bytes of a 0xC0 packet (int16 big-endian X, Y, Z). */
export function encodeAccelAux(accelG: [number, number, number], gPerCount: number): number[] {
  const out: number[] = [];
  for (const g of accelG) {
    const v = Math.max(-32768, Math.min(32767, Math.round(g / gPerCount))) & 0xffff;
    out.push(v >> 8, v & 0xff);
  }
  return out;
}
