// An emulated TI ADS1299 behind the gateway's SpiBus and a DRDY GpioInput (on a FakeBoard): the
// register file with its reset values and read-only registers, the opcode state machine (RESET,
// START/STOP, STANDBY/WAKEUP, RDATAC/SDATAC, RDATA, RREG/WREG, which RDATAC mode ignores), data-rate
// timing from CONFIG1 driving DRDY low per conversion, gain-aware 24-bit samples from a seeded EEG
// source, the status word with lead-off bits, and faults: injected lead-off, a wrong ID, missed DRDY
// edges (a conversion overwritten before it is read) and a hung chip. It records what the datasheet
// forbids (`violations`) so tests can assert the driver never does it.
import {
  ADS1299_CODE_MAX,
  ADS1299_CODE_MIN,
  ADS1299_DATA_RATES_HZ,
  ADS1299_FRAME_BYTES,
  ADS1299_OPCODE,
  ADS1299_READ_ONLY,
  ADS1299_REG,
  ADS1299_REGISTER_COUNT,
  ADS1299_RESET_VALUES,
  CONFIG3_PD_REFBUF,
  CONFIG4_LOFF_COMP,
  decodeChannelSetting,
  encodeFrame,
  microvoltsPerCount,
} from '../../src/device/protocols/ads1299/index.js';
import type { SpiBus, SpiSpec } from '../../src/device/transports/spi.js';
import type { FakeBoard, FakeGpioLine } from '../fake-board.js';
import { syntheticEeg, type EegSource } from './eeg.js';

export interface Ads1299EmulatorOptions {
  board: FakeBoard;
  spi?: { bus: number; device: number };
  drdy?: { chip: string; line: number };
  seed?: number;
  /** Emulated seconds per real second (default 1). */
  speed?: number;
  /** ID register value (default 0x3E, ADS1299 8 channels). */
  id?: number;
  /** µV per channel and sample index (default a seeded synthetic EEG at the configured rate). */
  source?: EegSource;
}

/** Reference needs this long after CONFIG3 turns it on before converting (emulated ms). */
const REFERENCE_MIN_SETTLE_MS = 10;
/** Test signal: ±(VREFP - VREFN) / 2.4 mV at fCLK / 2^21 (datasheet CONFIG2). */
const TEST_AMPLITUDE_UV = (4.5 / 2.4) * 1000;
const TEST_FREQUENCY_HZ = 2_048_000 / 2 ** 21;
/** Temperature sensor: 145.3 mV at 25 °C (datasheet §9.3.1.3.3). */
const TEMPERATURE_UV = 145_300;

export class Ads1299Emulator {
  readonly registers = Uint8Array.from(ADS1299_RESET_VALUES);
  readonly drdy: FakeGpioLine;
  /** Opcode names received, in order (RREG/WREG with their address). */
  readonly commands: string[] = [];
  /** Things the datasheet forbids that the host did. */
  readonly violations: string[] = [];
  mode: 'rdatac' | 'sdatac' = 'rdatac';
  converting = false;
  /** Conversions made since creation (the source's sample index; not reset by RESET). */
  conversions = 0;
  /** Conversions overwritten before the host read them. */
  overwritten = 0;
  /** Index of the conversion in the output register. */
  latchedIndex = -1;
  openBuses = 0;
  private readonly speed: number;
  private readonly sourceFor: (rateHz: number) => EegSource;
  private source: EegSource | undefined;
  private sourceRateHz = 0;
  private latched: Uint8Array = new Uint8Array(ADS1299_FRAME_BYTES);
  private unread = false;
  private timer: { kind: 'timeout'; handle: NodeJS.Timeout } | { kind: 'immediate'; handle: NodeJS.Immediate } | undefined;
  private startWallMs = 0;
  private sinceStart = 0;
  private referenceOnWallMs: number | undefined;
  private missEdges = 0;
  private hung = false;
  private leadOffP = 0;
  private leadOffN = 0;
  // SPI byte parser.
  private parse: { state: 'idle' } | { state: 'reg1'; write: boolean; address: number } | { state: 'regData'; write: boolean; address: number; left: number } = { state: 'idle' };
  private out: number[] = [];

  constructor(private readonly options: Ads1299EmulatorOptions) {
    this.speed = options.speed ?? 1;
    const spi = options.spi ?? { bus: 0, device: 0 };
    const drdy = options.drdy ?? { chip: 'gpiochip0', line: 26 };
    this.drdy = options.board.line(drdy.chip, drdy.line, 1);
    this.registers[ADS1299_REG.ID] = options.id ?? ADS1299_RESET_VALUES[0];
    this.sourceFor = (rateHz) => options.source ?? syntheticEeg({ seed: options.seed ?? 1, sampleRateHz: rateHz });
    options.board.attachSpi(spi.bus, spi.device, (spec) => this.openBus(spec));
  }

  get sampleRateHz(): number {
    return ADS1299_DATA_RATES_HZ[this.registers[ADS1299_REG.CONFIG1] & 0x07] ?? 250;
  }

  /** The µV a channel's sample at `index` reads as, after the chip's quantisation (what the host should get). */
  quantisedUv(channel: number, index: number): number {
    return this.codeFor(channel, index) * microvoltsPerCount(decodeChannelSetting(this.registers[ADS1299_REG.CH1SET + channel]).gain);
  }

  /** The source's µV before quantisation. */
  sourceUv(channel: number, index: number): number {
    return this.currentSource()(channel, index);
  }

  /** Electrode off (positive and/or negative input of a 0-based channel). */
  setLeadOff(channel: number, off: { p?: boolean; n?: boolean }): void {
    const bit = 1 << channel;
    if (off.p !== undefined) this.leadOffP = off.p ? this.leadOffP | bit : this.leadOffP & ~bit;
    if (off.n !== undefined) this.leadOffN = off.n ? this.leadOffN | bit : this.leadOffN & ~bit;
  }

  /** The host misses the next `n` DRDY edges (its interrupt came too late): those conversions are overwritten. */
  missDrdyEdges(n: number): void {
    this.missEdges += n;
  }

  /** The chip stops converting (DRDY silent) until the host resets it. */
  hang(): void {
    this.hung = true;
  }

  stop(): void {
    this.converting = false;
    this.clearTimer();
  }

  private openBus(spec: SpiSpec): SpiBus {
    if (spec.mode !== 1) this.violations.push(`SPI mode ${spec.mode} (the ADS1299 needs mode 1)`);
    if (spec.speedHz > 20_000_000) this.violations.push(`SCLK ${spec.speedHz} Hz above 20 MHz`);
    this.openBuses++;
    let open = true;
    return {
      transfer: async (tx) => {
        if (!open) throw new Error('SPI bus closed');
        return this.transfer(tx);
      },
      close: async () => {
        if (open) this.openBuses--;
        open = false;
      },
    };
  }

  private transfer(tx: Uint8Array): Uint8Array {
    const rx = new Uint8Array(tx.length);
    // CS low: in RDATAC the output shift register holds the latest conversion; reading it raises DRDY.
    this.out = this.mode === 'rdatac' && this.latchedIndex >= 0 ? [...this.latched] : [];
    if (this.mode === 'rdatac' && this.unread) {
      this.unread = false;
      this.drdy.set(1);
    }
    this.parse = { state: 'idle' };
    for (let i = 0; i < tx.length; i++) {
      rx[i] = this.out.length > 0 ? this.out.shift()! : 0;
      this.onByte(tx[i]);
    }
    return rx;
  }

  private onByte(byte: number): void {
    const p = this.parse;
    if (p.state === 'reg1') {
      this.parse = { state: 'regData', write: p.write, address: p.address, left: (byte & 0x1f) + 1 };
      if (!p.write) {
        for (let i = 0; i < (byte & 0x1f) + 1; i++) this.out.push(this.registers[(p.address + i) % ADS1299_REGISTER_COUNT]);
      }
      return;
    }
    if (p.state === 'regData') {
      if (p.write) this.writeRegister(p.address, byte);
      p.address++;
      if (--p.left === 0) this.parse = { state: 'idle' };
      return;
    }
    if (byte === 0x00) return;
    if ((byte & 0xe0) === ADS1299_OPCODE.RREG || (byte & 0xe0) === ADS1299_OPCODE.WREG) {
      const write = (byte & 0xe0) === ADS1299_OPCODE.WREG;
      const address = byte & 0x1f;
      this.commands.push(`${write ? 'WREG' : 'RREG'} 0x${address.toString(16)}`);
      if (this.mode === 'rdatac') {
        this.violations.push(`${write ? 'WREG' : 'RREG'} in RDATAC mode (ignored by the chip)`);
        return;
      }
      this.parse = { state: 'reg1', write, address };
      return;
    }
    this.command(byte);
  }

  private command(opcode: number): void {
    const name = Object.entries(ADS1299_OPCODE).find(([, v]) => v === opcode)?.[0] ?? `0x${opcode.toString(16)}`;
    this.commands.push(name);
    switch (opcode) {
      case ADS1299_OPCODE.RESET: {
        const id = this.registers[ADS1299_REG.ID];
        this.registers.set(ADS1299_RESET_VALUES);
        this.registers[ADS1299_REG.ID] = id;
        this.mode = 'rdatac';
        this.converting = false;
        this.hung = false;
        this.unread = false;
        this.latchedIndex = -1;
        this.referenceOnWallMs = undefined;
        this.clearTimer();
        this.drdy.set(1);
        break;
      }
      case ADS1299_OPCODE.SDATAC:
        this.mode = 'sdatac';
        break;
      case ADS1299_OPCODE.RDATAC:
        this.mode = 'rdatac';
        break;
      case ADS1299_OPCODE.START:
        if (this.referenceOnWallMs === undefined) this.violations.push('START with the internal reference off (CONFIG3 PD_REFBUF = 0)');
        else if ((performance.now() - this.referenceOnWallMs) * this.speed < REFERENCE_MIN_SETTLE_MS) this.violations.push('START before the reference settled');
        this.converting = true;
        this.startWallMs = performance.now();
        this.sinceStart = 0;
        this.schedule();
        break;
      case ADS1299_OPCODE.STOP:
      case ADS1299_OPCODE.STANDBY:
        this.converting = false;
        this.clearTimer();
        break;
      case ADS1299_OPCODE.WAKEUP:
        break;
      case ADS1299_OPCODE.RDATA:
        if (this.mode === 'rdatac') this.violations.push('RDATA in RDATAC mode');
        else this.out.push(...this.latched);
        break;
      default:
        this.violations.push(`unknown opcode 0x${opcode.toString(16)}`);
    }
  }

  private writeRegister(address: number, value: number): void {
    if (address >= ADS1299_REGISTER_COUNT || ADS1299_READ_ONLY.has(address)) {
      this.violations.push(`WREG to read-only register 0x${address.toString(16)}`);
      return;
    }
    if (address === ADS1299_REG.CONFIG1 && (value & 0x98) !== 0x90) this.violations.push(`CONFIG1 0x${value.toString(16)}: reserved bits not 1xx10xxx`);
    if (address === ADS1299_REG.CONFIG1 && (value & 0x07) === 0x07) this.violations.push('CONFIG1 DR=111 is reserved');
    if (address === ADS1299_REG.CONFIG2 && (value & 0xe0) !== 0xc0) this.violations.push(`CONFIG2 0x${value.toString(16)}: bits 7:5 must be 110`);
    if (address === ADS1299_REG.CONFIG3) {
      if ((value & 0x60) !== 0x60) this.violations.push(`CONFIG3 0x${value.toString(16)}: bits 6:5 must be 11`);
      if (value & CONFIG3_PD_REFBUF) this.referenceOnWallMs ??= performance.now();
      else this.referenceOnWallMs = undefined;
      value = (value & 0xfe) | (this.registers[address] & 0x01);
    }
    this.registers[address] = value;
  }

  private currentSource(): EegSource {
    if (!this.source || this.sourceRateHz !== this.sampleRateHz) {
      this.sourceRateHz = this.sampleRateHz;
      this.source = this.sourceFor(this.sourceRateHz);
    }
    return this.source;
  }

  private codeFor(channel: number, index: number): number {
    const setting = decodeChannelSetting(this.registers[ADS1299_REG.CH1SET + channel]);
    if (setting.powerDown) return 0;
    const lsbUv = microvoltsPerCount(setting.gain);
    let uv = 0;
    switch (setting.input) {
      case 'normal':
        // The DC lead-off current (LOFF_SENSP/N) pulls an open input to the rail.
        if (((this.leadOffP & this.registers[ADS1299_REG.LOFF_SENSP]) | (this.leadOffN & this.registers[ADS1299_REG.LOFF_SENSN])) & (1 << channel)) {
          return ADS1299_CODE_MAX;
        }
        uv = this.currentSource()(channel, index);
        break;
      case 'test':
        uv = Math.sin(2 * Math.PI * TEST_FREQUENCY_HZ * (index / this.sampleRateHz)) >= 0 ? TEST_AMPLITUDE_UV : -TEST_AMPLITUDE_UV;
        break;
      case 'temperature':
        uv = TEMPERATURE_UV;
        break;
      default:
        uv = 0;
    }
    return Math.max(ADS1299_CODE_MIN, Math.min(ADS1299_CODE_MAX, Math.round(uv / lsbUv)));
  }

  private convert(): void {
    this.timer = undefined;
    if (!this.converting) return;
    if (!this.hung) {
      const index = this.conversions++;
      const loffEnabled = (this.registers[ADS1299_REG.CONFIG4] & CONFIG4_LOFF_COMP) !== 0;
      const loffP = loffEnabled ? this.leadOffP & this.registers[ADS1299_REG.LOFF_SENSP] : 0;
      const loffN = loffEnabled ? this.leadOffN & this.registers[ADS1299_REG.LOFF_SENSN] : 0;
      this.registers[ADS1299_REG.LOFF_STATP] = loffP;
      this.registers[ADS1299_REG.LOFF_STATN] = loffN;
      const codes = new Int32Array(8);
      for (let c = 0; c < 8; c++) codes[c] = this.codeFor(c, index);
      if (this.unread) this.overwritten++;
      this.latched = encodeFrame({ status: { loffStatP: loffP, loffStatN: loffN, gpio: this.registers[ADS1299_REG.GPIO] >> 4 }, codes });
      this.latchedIndex = index;
      this.unread = true;
      // DRDY returns high before the next conversion when nobody read it, then falls.
      const tUs = (index * 1e6) / this.sampleRateHz;
      if (this.missEdges > 0) {
        this.missEdges--;
        this.drdy.level = 0;
      } else {
        this.drdy.set(1);
        this.drdy.set(0, tUs);
      }
    }
    this.sinceStart++;
    this.schedule();
  }

  /** The next conversion at its own time; overdue ones one per macrotask, so the host can read in between. */
  private schedule(): void {
    if (!this.converting || this.timer) return;
    const dueMs = this.startWallMs + ((this.sinceStart + 1) * 1000) / this.sampleRateHz / this.speed;
    const delayMs = dueMs - performance.now();
    this.timer =
      delayMs <= 0
        ? { kind: 'immediate', handle: setImmediate(() => this.convert()) }
        : { kind: 'timeout', handle: setTimeout(() => this.convert(), delayMs) };
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    if (this.timer.kind === 'timeout') clearTimeout(this.timer.handle);
    else clearImmediate(this.timer.handle);
    this.timer = undefined;
  }
}
