// ADS1299 command and register-value encoders (pure): opcodes, RREG/WREG frames, and the CONFIG1 /
// CHnSET bytes for a rate, gain and input.
import { FrameError } from '../../../common/errors.js';
import {
  ADS1299_CONFIG1_BASE,
  ADS1299_DATA_RATES_HZ,
  ADS1299_GAINS,
  ADS1299_INPUTS,
  ADS1299_OPCODE,
  ADS1299_REGISTER_COUNT,
  CHNSET_PD,
  CHNSET_SRB2,
  type Ads1299Gain,
  type Ads1299Input,
} from './constants.js';

export type Ads1299Command = Exclude<keyof typeof ADS1299_OPCODE, 'RREG' | 'WREG'>;

/** One single-byte command. */
export function encodeCommand(command: Ads1299Command): Uint8Array {
  return Uint8Array.of(ADS1299_OPCODE[command]);
}

function checkRange(address: number, count: number): void {
  if (!Number.isInteger(address) || address < 0 || address >= ADS1299_REGISTER_COUNT) throw new FrameError('field', `register address ${address} out of range`);
  if (!Number.isInteger(count) || count < 1 || address + count > ADS1299_REGISTER_COUNT) {
    throw new FrameError('length', `${count} registers from 0x${address.toString(16)} run past the register map`);
  }
}

/** RREG: `001a aaaa`, `000n nnnn` (n = count - 1), then `count` dummy bytes that clock the values out. */
export function encodeReadRegisters(address: number, count: number): Uint8Array {
  checkRange(address, count);
  const tx = new Uint8Array(2 + count);
  tx[0] = ADS1299_OPCODE.RREG | address;
  tx[1] = count - 1;
  return tx;
}

/** WREG: `010a aaaa`, `000n nnnn`, then the values. */
export function encodeWriteRegisters(address: number, values: ArrayLike<number>): Uint8Array {
  checkRange(address, values.length);
  const tx = new Uint8Array(2 + values.length);
  tx[0] = ADS1299_OPCODE.WREG | address;
  tx[1] = values.length - 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new FrameError('field', `register value ${v} is not a byte`);
    tx[2 + i] = v;
  }
  return tx;
}

/** The register values a RREG frame returned (the bytes after the two opcode bytes). */
export function decodeReadRegisters(rx: Uint8Array, count: number): Uint8Array {
  if (rx.length !== 2 + count) throw new FrameError('length', `RREG of ${count} returned ${rx.length} bytes, expected ${2 + count}`);
  return rx.slice(2);
}

/** CONFIG1 for a data rate (daisy-chain mode, no clock out), e.g. 250 SPS -> 0x96. */
export function config1ForRate(sampleRateHz: number): number {
  const dr = ADS1299_DATA_RATES_HZ.indexOf(sampleRateHz as (typeof ADS1299_DATA_RATES_HZ)[number]);
  if (dr < 0) throw new FrameError('field', `ADS1299 has no data rate ${sampleRateHz} Hz (one of ${ADS1299_DATA_RATES_HZ.join(', ')})`);
  return ADS1299_CONFIG1_BASE | dr;
}

/** The data rate CONFIG1 selects. */
export function rateFromConfig1(config1: number): number {
  const dr = config1 & 0x07;
  if (dr >= ADS1299_DATA_RATES_HZ.length) throw new FrameError('field', `CONFIG1 DR=${dr} is reserved`);
  return ADS1299_DATA_RATES_HZ[dr];
}

export interface ChannelSetting {
  powerDown: boolean;
  gain: Ads1299Gain;
  srb2: boolean;
  input: Ads1299Input;
}

/** CHnSET: PD (bit 7), GAIN[2:0] (6:4), SRB2 (3), MUX[2:0] (2:0). Gain 24, normal input -> 0x60. */
export function encodeChannelSetting(s: ChannelSetting): number {
  const gainCode = ADS1299_GAINS.indexOf(s.gain);
  if (gainCode < 0) throw new FrameError('field', `ADS1299 has no gain ${s.gain} (one of ${ADS1299_GAINS.join(', ')})`);
  const mux = ADS1299_INPUTS.indexOf(s.input);
  if (mux < 0) throw new FrameError('field', `unknown channel input '${s.input}'`);
  return (s.powerDown ? CHNSET_PD : 0) | (gainCode << 4) | (s.srb2 ? CHNSET_SRB2 : 0) | mux;
}

export function decodeChannelSetting(value: number): ChannelSetting {
  const gainCode = (value >> 4) & 0x07;
  // Code 7 is reserved; the datasheet does not say what the chip does with it.
  if (gainCode >= ADS1299_GAINS.length) throw new FrameError('field', `CHnSET 0x${value.toString(16)}: gain code 7 is reserved`);
  return {
    powerDown: (value & CHNSET_PD) !== 0,
    gain: ADS1299_GAINS[gainCode],
    srb2: (value & CHNSET_SRB2) !== 0,
    input: ADS1299_INPUTS[value & 0x07],
  };
}
