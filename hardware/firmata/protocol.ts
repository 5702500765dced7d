// Firmata 2.x wire protocol (firmata/protocol: protocol.md, pin-state-query.md, capability-query.md),
// the device side: a pure, bounded parser for what the host sends, and encoders for what the board
// answers. MIDI-style framing: a status byte (>= 0x80) starts each message, data bytes are 7-bit.
// The parser never throws: stray data bytes, truncated and oversized messages are counted and skipped.

export const REPORT_VERSION = 0xf9;
export const SYSTEM_RESET = 0xff;
export const SET_PIN_MODE = 0xf4;
export const SET_DIGITAL_PIN_VALUE = 0xf5;
export const START_SYSEX = 0xf0;
export const END_SYSEX = 0xf7;
export const ANALOG_MESSAGE = 0xe0;
export const DIGITAL_MESSAGE = 0x90;
export const REPORT_ANALOG = 0xc0;
export const REPORT_DIGITAL = 0xd0;

export const SYSEX_REPORT_FIRMWARE = 0x79;
export const SYSEX_CAPABILITY_QUERY = 0x6b;
export const SYSEX_CAPABILITY_RESPONSE = 0x6c;
export const SYSEX_ANALOG_MAPPING_QUERY = 0x69;
export const SYSEX_ANALOG_MAPPING_RESPONSE = 0x6a;
export const SYSEX_PIN_STATE_QUERY = 0x6d;
export const SYSEX_PIN_STATE_RESPONSE = 0x6e;
export const SYSEX_SAMPLING_INTERVAL = 0x7a;

/** Pin modes (protocol.md "pin modes"). */
export const PinMode = { INPUT: 0x00, OUTPUT: 0x01, ANALOG: 0x02, PWM: 0x03, SERVO: 0x04, I2C: 0x06, PULLUP: 0x0b } as const;

/** The analog-mapping value of a pin that has no analog channel. */
export const NO_ANALOG_CHANNEL = 0x7f;

/** A complete message from the host. */
export type HostCommand =
  | { type: 'report-version' }
  | { type: 'system-reset' }
  | { type: 'set-pin-mode'; pin: number; mode: number }
  | { type: 'set-digital-pin-value'; pin: number; value: number }
  | { type: 'report-analog'; channel: number; enable: boolean }
  | { type: 'report-digital'; port: number; enable: boolean }
  | { type: 'digital-message'; port: number; mask: number }
  | { type: 'analog-message'; pin: number; value: number }
  | { type: 'query-firmware' }
  | { type: 'capability-query' }
  | { type: 'analog-mapping-query' }
  | { type: 'pin-state-query'; pin: number }
  | { type: 'sampling-interval'; intervalMs: number }
  | { type: 'sysex'; command: number; data: number[] };

export interface HostParserStats {
  commands: number;
  /** Data bytes outside any message, and bytes of messages cut short by a new status byte. */
  bytesSkipped: number;
  /** Sysex messages longer than the bound, dropped. */
  oversized: number;
  /** Status bytes that start no message the board knows (0xF1..0xF3, 0xF6, 0xF8, 0xFA..0xFE, 0x80..0x8F ...). */
  unknownStatus: number;
}

/** Data bytes after the status byte, per channel-message type. */
function dataLength(status: number): number | undefined {
  if (status === SET_PIN_MODE || status === SET_DIGITAL_PIN_VALUE) return 2;
  if (status === REPORT_VERSION || status === SYSTEM_RESET) return 0;
  const high = status & 0xf0;
  if (high === DIGITAL_MESSAGE || high === ANALOG_MESSAGE) return 2;
  if (high === REPORT_ANALOG || high === REPORT_DIGITAL) return 1;
  return undefined;
}

function decodeChannel(status: number, data: number[]): HostCommand {
  if (status === REPORT_VERSION) return { type: 'report-version' };
  if (status === SYSTEM_RESET) return { type: 'system-reset' };
  if (status === SET_PIN_MODE) return { type: 'set-pin-mode', pin: data[0], mode: data[1] };
  if (status === SET_DIGITAL_PIN_VALUE) return { type: 'set-digital-pin-value', pin: data[0], value: data[1] & 1 };
  const low = status & 0x0f;
  switch (status & 0xf0) {
    case DIGITAL_MESSAGE:
      return { type: 'digital-message', port: low, mask: data[0] | (data[1] << 7) };
    case ANALOG_MESSAGE:
      return { type: 'analog-message', pin: low, value: data[0] | (data[1] << 7) };
    case REPORT_ANALOG:
      return { type: 'report-analog', channel: low, enable: (data[0] & 1) === 1 };
    default:
      return { type: 'report-digital', port: low, enable: (data[0] & 1) === 1 };
  }
}

function decodeSysex(command: number, data: number[]): HostCommand {
  switch (command) {
    case SYSEX_REPORT_FIRMWARE:
      return { type: 'query-firmware' };
    case SYSEX_CAPABILITY_QUERY:
      return { type: 'capability-query' };
    case SYSEX_ANALOG_MAPPING_QUERY:
      return { type: 'analog-mapping-query' };
    case SYSEX_PIN_STATE_QUERY:
      if (data.length >= 1) return { type: 'pin-state-query', pin: data[0] };
      break;
    case SYSEX_SAMPLING_INTERVAL:
      if (data.length >= 2) return { type: 'sampling-interval', intervalMs: data[0] | (data[1] << 7) };
      break;
  }
  return { type: 'sysex', command, data };
}

/** Splits the host's byte stream into commands, across any chunking. */
export class FirmataHostParser {
  readonly stats: HostParserStats = { commands: 0, bytesSkipped: 0, oversized: 0, unknownStatus: 0 };
  private status: number | undefined;
  private data: number[] = [];
  private inSysex = false;
  private sysexOverflow = false;

  constructor(private readonly maxSysexBytes = 64) {}

  reset(): void {
    this.status = undefined;
    this.data = [];
    this.inSysex = false;
    this.sysexOverflow = false;
  }

  push(bytes: Uint8Array): HostCommand[] {
    const out: HostCommand[] = [];
    for (const byte of bytes) {
      if (byte >= 0x80) this.onStatus(byte, out);
      else this.onData(byte, out);
    }
    return out;
  }

  private onStatus(byte: number, out: HostCommand[]): void {
    if (this.inSysex && byte === END_SYSEX) {
      if (this.sysexOverflow) this.stats.oversized++;
      else if (this.data.length === 0) this.stats.bytesSkipped += 2;
      else this.emit(decodeSysex(this.data[0], this.data.slice(1)), out);
      this.reset();
      return;
    }
    // A new status byte cuts short whatever was pending.
    if (this.inSysex) this.stats.bytesSkipped += 1 + Math.min(this.data.length, this.maxSysexBytes);
    else if (this.status !== undefined) this.stats.bytesSkipped += 1 + this.data.length;
    this.reset();
    if (byte === START_SYSEX) {
      this.inSysex = true;
      return;
    }
    const n = dataLength(byte);
    if (n === undefined) {
      this.stats.unknownStatus++;
      this.stats.bytesSkipped++;
      return;
    }
    if (n === 0) this.emit(decodeChannel(byte, []), out);
    else this.status = byte;
  }

  private onData(byte: number, out: HostCommand[]): void {
    if (this.inSysex) {
      if (this.data.length >= this.maxSysexBytes) this.sysexOverflow = true;
      else this.data.push(byte);
      return;
    }
    if (this.status === undefined) {
      this.stats.bytesSkipped++;
      return;
    }
    this.data.push(byte);
    if (this.data.length === dataLength(this.status)) {
      const command = decodeChannel(this.status, this.data);
      // Running status (MIDI) is not used by Firmata: each message carries its status byte.
      this.status = undefined;
      this.data = [];
      this.emit(command, out);
    }
  }

  private emit(command: HostCommand, out: HostCommand[]): void {
    this.stats.commands++;
    out.push(command);
  }
}

// ---- device -> host ----

const lsb = (v: number) => v & 0x7f;
const msb = (v: number) => (v >> 7) & 0x7f;

export function encodeReportVersion(major: number, minor: number): Uint8Array {
  return Uint8Array.of(REPORT_VERSION, major & 0x7f, minor & 0x7f);
}

/** REPORT_FIRMWARE: major, minor, then the name's characters as 7-bit LSB/MSB pairs. */
export function encodeReportFirmware(major: number, minor: number, name: string): Uint8Array {
  const out = [START_SYSEX, SYSEX_REPORT_FIRMWARE, major & 0x7f, minor & 0x7f];
  for (const ch of name) {
    const code = ch.charCodeAt(0) & 0x3fff;
    out.push(lsb(code), msb(code));
  }
  out.push(END_SYSEX);
  return Uint8Array.from(out);
}

/** CAPABILITY_RESPONSE: for each pin, (mode, resolution) pairs then 0x7F. */
export function encodeCapabilityResponse(pins: ReadonlyArray<ReadonlyArray<readonly [mode: number, resolutionBits: number]>>): Uint8Array {
  const out = [START_SYSEX, SYSEX_CAPABILITY_RESPONSE];
  for (const modes of pins) {
    for (const [mode, bits] of modes) out.push(mode & 0x7f, bits & 0x7f);
    out.push(NO_ANALOG_CHANNEL);
  }
  out.push(END_SYSEX);
  return Uint8Array.from(out);
}

/** ANALOG_MAPPING_RESPONSE: per pin, its analog channel or 0x7F. */
export function encodeAnalogMappingResponse(channels: readonly number[]): Uint8Array {
  return Uint8Array.from([START_SYSEX, SYSEX_ANALOG_MAPPING_RESPONSE, ...channels.map((c) => c & 0x7f), END_SYSEX]);
}

/** PIN_STATE_RESPONSE: pin, mode, state as 7-bit bytes, least significant first (at least one). */
export function encodePinStateResponse(pin: number, mode: number, state: number): Uint8Array {
  const out = [START_SYSEX, SYSEX_PIN_STATE_RESPONSE, pin & 0x7f, mode & 0x7f];
  let rest = Math.max(0, Math.floor(state));
  do {
    out.push(rest & 0x7f);
    rest = Math.floor(rest / 128);
  } while (rest > 0);
  out.push(END_SYSEX);
  return Uint8Array.from(out);
}

/** ANALOG_MESSAGE for channels 0..15; 14-bit value. */
export function encodeAnalogMessage(channel: number, value: number): Uint8Array {
  return Uint8Array.of(ANALOG_MESSAGE | (channel & 0x0f), lsb(value), msb(value));
}

/** DIGITAL_MESSAGE: the 8 pins of one port as a bit mask. */
export function encodeDigitalMessage(port: number, mask: number): Uint8Array {
  return Uint8Array.of(DIGITAL_MESSAGE | (port & 0x0f), lsb(mask), msb(mask));
}
