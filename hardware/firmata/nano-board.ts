// An Arduino Nano (ATmega328P) running StandardFirmata 2.5, as the host sees it: pin modes,
// reporting, the sampling interval, digital ports and analog channels. Pure state: it answers
// host commands with reply bytes and produces the messages a sampling round or an input change
// would send; the emulator (emulator.ts) owns the clock and the link.
import {
  NO_ANALOG_CHANNEL,
  PinMode,
  encodeAnalogMappingResponse,
  encodeAnalogMessage,
  encodeCapabilityResponse,
  encodeDigitalMessage,
  encodePinStateResponse,
  encodeReportFirmware,
  encodeReportVersion,
  type HostCommand,
} from './protocol.js';

/** D0..D13, then A0..A7 as pins 14..21 (A6 and A7 are analog only on the Nano). */
export const NANO_TOTAL_PINS = 22;
export const NANO_FIRST_ANALOG_PIN = 14;
export const NANO_ANALOG_CHANNELS = 8;
const PWM_PINS = new Set([3, 5, 6, 9, 10, 11]);
export const FIRMATA_PROTOCOL_VERSION = { major: 2, minor: 5 } as const;
export const FIRMWARE = { major: 2, minor: 5, name: 'StandardFirmata.ino' } as const;
/** StandardFirmata's default (ms), and its floor. */
export const DEFAULT_SAMPLING_INTERVAL_MS = 19;
const MIN_SAMPLING_INTERVAL_MS = 1;

interface PinState {
  mode: number;
  /** Output latch (OUTPUT) or pull-up enabled (INPUT/PULLUP). */
  latch: 0 | 1;
}

export interface NanoBoardOptions {
  /** ADC counts (0..1023) of an analog channel, read once per sampling round. */
  readAnalog(channel: number): number;
}

export interface NanoBoardStats {
  /** Commands for pins or modes this board does not have, ignored (as StandardFirmata does). */
  ignoredCommands: number;
  analogMessages: number;
  digitalMessages: number;
}

function isDigital(pin: number): boolean {
  return pin >= 2 && pin <= 19;
}
function isAnalog(pin: number): boolean {
  return pin >= NANO_FIRST_ANALOG_PIN && pin < NANO_FIRST_ANALOG_PIN + NANO_ANALOG_CHANNELS;
}

/** The modes each pin supports, with their resolution in bits (capability-query.md). */
export function nanoCapabilities(): Array<Array<readonly [number, number]>> {
  const pins: Array<Array<readonly [number, number]>> = [];
  for (let pin = 0; pin < NANO_TOTAL_PINS; pin++) {
    const modes: Array<readonly [number, number]> = [];
    if (isDigital(pin)) modes.push([PinMode.INPUT, 1], [PinMode.OUTPUT, 1], [PinMode.PULLUP, 1]);
    if (isAnalog(pin)) modes.push([PinMode.ANALOG, 10]);
    if (PWM_PINS.has(pin)) modes.push([PinMode.PWM, 8]);
    if (isDigital(pin)) modes.push([PinMode.SERVO, 14]);
    if (pin === 18 || pin === 19) modes.push([PinMode.I2C, 1]);
    pins.push(modes);
  }
  return pins;
}

export class NanoFirmataBoard {
  readonly stats: NanoBoardStats = { ignoredCommands: 0, analogMessages: 0, digitalMessages: 0 };
  private pins: PinState[] = [];
  private analogReporting = 0;
  private digitalReporting = 0;
  private lastPortValue: number[] = [];
  /** External drive per pin: 0/1, or undefined for an open input (pull-up or floating low). */
  private readonly external = new Map<number, 0 | 1>();
  samplingIntervalMs = DEFAULT_SAMPLING_INTERVAL_MS;

  constructor(private readonly options: NanoBoardOptions) {
    this.reset();
  }

  /** Power-on or SYSTEM_RESET: analog pins ANALOG, digital pins OUTPUT low, no reporting. */
  reset(): void {
    this.pins = Array.from({ length: NANO_TOTAL_PINS }, (_, pin) => ({ mode: isAnalog(pin) ? PinMode.ANALOG : PinMode.OUTPUT, latch: 0 as const }));
    this.analogReporting = 0;
    this.digitalReporting = 0;
    this.lastPortValue = [0, 0, 0];
    this.samplingIntervalMs = DEFAULT_SAMPLING_INTERVAL_MS;
  }

  get reportsAnalog(): boolean {
    return this.analogReporting !== 0;
  }

  isAnalogChannelReported(channel: number): boolean {
    return (this.analogReporting & (1 << channel)) !== 0;
  }

  pinMode(pin: number): number | undefined {
    return this.pins[pin]?.mode;
  }

  /** The level an OUTPUT pin drives (the LED on D13). */
  outputLevel(pin: number): 0 | 1 {
    const p = this.pins[pin];
    return p && p.mode === PinMode.OUTPUT ? p.latch : 0;
  }

  /** Drives a pin from outside (a comparator output, a button to ground); undefined releases it. */
  setExternal(pin: number, level: 0 | 1 | undefined): void {
    if (level === undefined) this.external.delete(pin);
    else this.external.set(pin, level);
  }

  /** The replies a host command gets (most get none). */
  handle(command: HostCommand): Uint8Array[] {
    switch (command.type) {
      case 'report-version':
        return [encodeReportVersion(FIRMATA_PROTOCOL_VERSION.major, FIRMATA_PROTOCOL_VERSION.minor)];
      case 'query-firmware':
        return [encodeReportFirmware(FIRMWARE.major, FIRMWARE.minor, FIRMWARE.name)];
      case 'capability-query':
        return [encodeCapabilityResponse(nanoCapabilities())];
      case 'analog-mapping-query':
        return [
          encodeAnalogMappingResponse(Array.from({ length: NANO_TOTAL_PINS }, (_, p) => (isAnalog(p) ? p - NANO_FIRST_ANALOG_PIN : NO_ANALOG_CHANNEL))),
        ];
      case 'pin-state-query': {
        const p = this.pins[command.pin];
        if (!p) return this.ignore();
        return [encodePinStateResponse(command.pin, p.mode, p.latch)];
      }
      case 'system-reset':
        this.reset();
        return [];
      case 'set-pin-mode':
        return this.setPinMode(command.pin, command.mode);
      case 'set-digital-pin-value':
        this.writePin(command.pin, command.value ? 1 : 0);
        return [];
      case 'digital-message':
        for (let bit = 0; bit < 8; bit++) this.writePin(command.port * 8 + bit, ((command.mask >> bit) & 1) as 0 | 1);
        return [];
      case 'report-analog': {
        if (command.channel >= NANO_ANALOG_CHANNELS) return this.ignore();
        if (!command.enable) {
          this.analogReporting &= ~(1 << command.channel);
          return [];
        }
        this.analogReporting |= 1 << command.channel;
        // StandardFirmata answers an enable with the channel's value at once.
        return [this.analogMessage(command.channel)];
      }
      case 'report-digital': {
        if (command.port > 2) return this.ignore();
        if (!command.enable) {
          this.digitalReporting &= ~(1 << command.port);
          return [];
        }
        this.digitalReporting |= 1 << command.port;
        this.lastPortValue[command.port] = this.readPort(command.port);
        this.stats.digitalMessages++;
        return [encodeDigitalMessage(command.port, this.lastPortValue[command.port])];
      }
      case 'sampling-interval':
        this.samplingIntervalMs = Math.max(MIN_SAMPLING_INTERVAL_MS, command.intervalMs);
        return [];
      case 'analog-message': // PWM write: no PWM consumer on this board
      case 'sysex':
        return this.ignore();
    }
  }

  /** One sampling round: an ANALOG_MESSAGE per reported channel. */
  sampleRound(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let ch = 0; ch < NANO_ANALOG_CHANNELS; ch++) if (this.isAnalogChannelReported(ch)) out.push(this.analogMessage(ch));
    return out;
  }

  /** DIGITAL_MESSAGEs for reported ports whose inputs changed since they were last sent. */
  digitalChanges(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let port = 0; port < 3; port++) {
      if ((this.digitalReporting & (1 << port)) === 0) continue;
      const value = this.readPort(port);
      if (value === this.lastPortValue[port]) continue;
      this.lastPortValue[port] = value;
      this.stats.digitalMessages++;
      out.push(encodeDigitalMessage(port, value));
    }
    return out;
  }

  private analogMessage(channel: number): Uint8Array {
    this.stats.analogMessages++;
    const counts = Math.max(0, Math.min(1023, Math.round(this.options.readAnalog(channel))));
    return encodeAnalogMessage(channel, counts);
  }

  private setPinMode(pin: number, mode: number): Uint8Array[] {
    const p = this.pins[pin];
    if (!p) return this.ignore();
    const supported = nanoCapabilities()[pin].some(([m]) => m === mode);
    if (!supported) return this.ignore();
    p.mode = mode;
    // INPUT turns the pull-up off, PULLUP on (Firmata 2.5); OUTPUT starts low.
    p.latch = mode === PinMode.PULLUP ? 1 : 0;
    return [];
  }

  private writePin(pin: number, level: 0 | 1): void {
    const p = this.pins[pin];
    if (!p) return;
    if (p.mode === PinMode.OUTPUT) p.latch = level;
    // Writing HIGH to an input enables its pull-up (StandardFirmata switches it to PULLUP).
    else if (p.mode === PinMode.INPUT || p.mode === PinMode.PULLUP) {
      p.mode = level ? PinMode.PULLUP : PinMode.INPUT;
      p.latch = level;
    }
  }

  /** The input pins of a port as a bit mask (outputs read 0, as StandardFirmata masks them). */
  private readPort(port: number): number {
    let mask = 0;
    for (let bit = 0; bit < 8; bit++) {
      const pin = port * 8 + bit;
      const p = this.pins[pin];
      if (!p || (p.mode !== PinMode.INPUT && p.mode !== PinMode.PULLUP)) continue;
      const level = this.external.get(pin) ?? (p.mode === PinMode.PULLUP ? 1 : 0);
      if (level) mask |= 1 << bit;
    }
    return mask;
  }

  private ignore(): Uint8Array[] {
    this.stats.ignoredCommands++;
    return [];
  }
}
