// The real Firmata stack, typed: firmata.js (the `firmata` package's transport-free core,
// `firmata-io`, so it runs on our serialport instead of the serialport 8 it bundles) and johnny-five
// for the LED and the button. Both are CommonJS without types; only what this kind uses is declared.
// `FirmataBridge` hands firmata.js our Transport as the serialport-like object it expects.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Transport } from '../../transports/transport.js';

export interface FirmataIo {
  readonly isReady: boolean;
  readonly MODES: { INPUT: number; OUTPUT: number; ANALOG: number; PULLUP: number };
  readonly analogPins: number[];
  readonly firmware: { name?: string; version?: { major: number; minor: number } };
  readonly version: { major?: number; minor?: number };
  /** Bytes of a message not yet complete (firmata.js's parser state). */
  readonly buffer: number[];
  reportVersionTimeoutId?: NodeJS.Timeout;
  reportVersion(callback: () => void): void;
  queryFirmware(callback: () => void): void;
  sysexCommand(message: number[]): this;
  pinMode(pin: number, mode: number): void;
  analogRead(channel: number, callback: (value: number) => void): void;
  digitalRead(pin: number, callback: (value: number) => void): void;
  on(event: string, listener: (...args: unknown[]) => void): this;
  emit(event: string, ...args: unknown[]): boolean;
  removeAllListeners(): this;
}

export interface FiveBoard {
  readonly isReady: boolean;
  timer: NodeJS.Timeout | null;
  io: FirmataIo | null;
  /** Components registered on this board (johnny-five's own list). */
  register: unknown[];
  on(event: string, listener: (...args: unknown[]) => void): this;
  once(event: string, listener: (...args: unknown[]) => void): this;
  removeAllListeners(): this;
}

export interface FiveLed {
  on(): this;
  off(): this;
  blink(periodMs: number): this;
  stop(): this;
}

export interface FiveButton {
  on(event: 'press' | 'release', listener: () => void): this;
  removeAllListeners(): this;
}

interface FirmataIoModule {
  Firmata: new (transport: object, options: { reportVersionTimeout: number }) => FirmataIo;
}

interface JohnnyFive {
  Board: new (options: { io: FirmataIo; repl: false; debug: false; sigint: false; timeout: number }) => FiveBoard;
  Led: new (options: { pin: number; board: FiveBoard }) => FiveLed;
  Button: new (options: { pin: number; board: FiveBoard; isPullup: boolean }) => FiveButton;
}

export interface FirmataStack {
  Firmata: FirmataIoModule['Firmata'];
  five: JohnnyFive;
}

let stack: FirmataStack | undefined;

/** Loaded on first use (only a configured Firmata device needs it). */
export function loadFirmataStack(): FirmataStack {
  if (stack) return stack;
  const require = createRequire(import.meta.url);
  const io = require('firmata-io') as FirmataIoModule;
  const five = require('johnny-five') as JohnnyFive;
  if (typeof io.Firmata !== 'function' || typeof five.Board !== 'function') throw new Error('firmata-io / johnny-five are not the expected versions');
  stack = { Firmata: io.Firmata, five };
  return stack;
}

/**
 * The serialport-shaped object firmata.js reads from and writes to: `data` events carry what the
 * session feeds from the transport, `write(buffer, callback)` goes to the transport. Writes after the
 * link ended fail into `writeErrors` (firmata.js ignores write errors itself).
 */
export class FirmataBridge extends EventEmitter {
  readonly isOpen = true;
  writeErrors = 0;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly transport: Transport) {
    super();
  }

  /** Bytes from the board, into firmata.js's parser. */
  feed(bytes: Uint8Array): void {
    this.emit('data', Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  }

  write(data: Buffer, callback?: (err?: Error) => void): boolean {
    const p = this.transport.write(new Uint8Array(data)).then(
      () => callback?.(),
      (err: Error) => {
        this.writeErrors++;
        callback?.(err);
      },
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return true;
  }

  /** Waits (at most `timeoutMs`) for writes in flight, e.g. the LED off before closing. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.pending]), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }
}
