// The ADS1299 over an SpiBus: commands, register reads and writes, one conversion frame, and the
// datasheet's power-up flow (RESET, SDATAC, ID check, CONFIG3 then wait for the reference, the
// rest, read back and compare). No state beyond the bus; the session owns timing and DRDY.
import { abortableDelay } from '../../../common/backoff.js';
import {
  ADS1299_FRAME_BYTES,
  ADS1299_ID_8CH,
  ADS1299_REFERENCE_SETTLE_MS,
  ADS1299_REG,
  ADS1299_RESET_WAIT_MS,
  decodeId,
  decodeReadRegisters,
  encodeCommand,
  encodeReadRegisters,
  encodeWriteRegisters,
  type Ads1299Command,
} from '../../protocols/ads1299/index.js';
import type { SpiBus } from '../../transports/spi.js';
import type { RegisterPlan } from './registers.js';

export type Ads1299ChipErrorCode = 'id' | 'readback';

/** The chip answered, but not as an ADS1299 configured as asked. */
export class Ads1299ChipError extends Error {
  override readonly name = 'Ads1299ChipError';
  constructor(
    readonly code: Ads1299ChipErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const zeroFrame = new Uint8Array(ADS1299_FRAME_BYTES);

export class Ads1299Chip {
  constructor(private readonly spi: SpiBus) {}

  async command(command: Ads1299Command): Promise<void> {
    await this.spi.transfer(encodeCommand(command));
  }

  async readRegisters(address: number, count: number): Promise<Uint8Array> {
    return decodeReadRegisters(await this.spi.transfer(encodeReadRegisters(address, count)), count);
  }

  async writeRegisters(address: number, values: ArrayLike<number>): Promise<void> {
    await this.spi.transfer(encodeWriteRegisters(address, values));
  }

  /** 27 bytes clocked out with DIN low (RDATAC mode, after DRDY fell). */
  readFrame(): Promise<Uint8Array> {
    return this.spi.transfer(zeroFrame);
  }

  /** RESET, SDATAC, and the ID check; resolves with the ID byte. */
  async resetAndIdentify(signal: AbortSignal): Promise<number> {
    await this.command('RESET');
    await abortableDelay(ADS1299_RESET_WAIT_MS, signal);
    // The chip comes out of reset in RDATAC mode, where it ignores RREG/WREG.
    await this.command('SDATAC');
    const [id] = await this.readRegisters(ADS1299_REG.ID, 1);
    const who = decodeId(id);
    if (!who.isAds1299) {
      const hint = id === 0x00 || id === 0xff ? ' (all bits equal: no chip answering; check SPI wiring, power and that SPI mode is 1)' : '';
      throw new Ads1299ChipError('id', `ID register reads 0x${hex(id)}, not an ADS1299 (expected 0x${hex(ADS1299_ID_8CH)})${hint}`);
    }
    if (who.channels !== 8) {
      throw new Ads1299ChipError('id', `ID register reads 0x${hex(id)}: an ADS1299 with ${who.channels ?? 'unknown'} channels; this kind drives the 8-channel ADS1299`);
    }
    return id;
  }

  /** Writes the plan in the datasheet's order, then reads every written register back; mismatches throw. */
  async configure(plan: RegisterPlan, signal: AbortSignal, referenceSettleMs = ADS1299_REFERENCE_SETTLE_MS): Promise<void> {
    await this.writeRegisters(ADS1299_REG.CONFIG3, [plan.config3]);
    await abortableDelay(referenceSettleMs, signal);
    for (const [address, value] of plan.rest) await this.writeRegisters(address, [value]);
    const wanted = new Map<number, number>([[ADS1299_REG.CONFIG3, plan.config3], ...plan.rest]);
    const read = await this.readRegisters(ADS1299_REG.CONFIG1, ADS1299_REG.CONFIG4 - ADS1299_REG.CONFIG1 + 1);
    const wrong: string[] = [];
    for (const [address, value] of wanted) {
      const got = read[address - ADS1299_REG.CONFIG1];
      // CONFIG3 bit 0 (BIAS_STAT) is read-only status.
      const mask = address === ADS1299_REG.CONFIG3 ? 0xfe : 0xff;
      if ((got & mask) !== (value & mask)) wrong.push(`0x${hex(address)}: wrote 0x${hex(value)}, read 0x${hex(got)}`);
    }
    if (wrong.length > 0) throw new Ads1299ChipError('readback', `register read-back differs (${wrong.join('; ')}): SPI too fast or noisy?`);
  }
}

function hex(v: number): string {
  return v.toString(16).padStart(2, '0');
}
