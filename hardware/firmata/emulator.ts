// A simulated Arduino Nano running StandardFirmata with an AD8232 breakout (OUTPUT -> A0, LO+ -> D10,
// LO- -> D11, a push button D2 -> GND), on a pseudo-terminal: the gateway opens the slave side with
// the real serialport + firmata.js + johnny-five stack. Samples are taken at the sampling interval
// the host sets, in real time, from a seeded ECG source through the AD8232 model. Faults: lead-off,
// unplug (a pulled USB cable: the board loses power and resets), garbage bytes, stalls, button presses.
import { EventEmitter } from 'node:events';
import { PtyPair } from '../pty.js';
import type { SignalSource } from '../signals/source.js';
import { Ad8232Model, type Ad8232ModelOptions } from './ad8232.js';
import { NanoFirmataBoard } from './nano-board.js';
import { FirmataHostParser } from './protocol.js';

export interface FirmataAd8232Wiring {
  /** Analog channel of the AD8232 OUTPUT (A0 = 0). */
  ecgChannel: number;
  loPlusPin: number;
  loMinusPin: number;
  ledPin: number;
  buttonPin: number;
}

export const defaultWiring: FirmataAd8232Wiring = { ecgChannel: 0, loPlusPin: 10, loMinusPin: 11, ledPin: 13, buttonPin: 2 };

export interface SimulatedFirmataOptions {
  /** Symlink the gateway opens (stable across re-plugs, like /dev/serial/by-id/...). */
  linkPath: string;
  /** Electrode signal, microvolts, at the rate the host is expected to sample (250 Hz for 4 ms). */
  source: SignalSource;
  frontEnd?: Partial<Ad8232ModelOptions>;
  wiring?: Partial<FirmataAd8232Wiring>;
  /** Monotonic ms (default performance.now). */
  nowMs?: () => number;
}

export interface SimulatedFirmataEvents {
  plugged: [path: string];
  unplugged: [];
  /** The LED pin changed level. */
  led: [on: boolean];
}

// Sampling rounds sent per tick at most (a long event-loop stall must not flood the link at once).
const MAX_ROUNDS_PER_TICK = 500;
const TICK_MS = 2;

export class SimulatedFirmataAd8232 extends EventEmitter<SimulatedFirmataEvents> {
  readonly stats = { samplesTaken: 0, samplesSent: 0, samplesWhileStalled: 0, bytesReceived: 0, bytesWritten: 0 };
  readonly wiring: FirmataAd8232Wiring;
  readonly parser = new FirmataHostParser();
  readonly frontEnd: Ad8232Model;
  private readonly board: NanoFirmataBoard;
  private readonly nowMs: () => number;
  private pty: PtyPair | undefined;
  private timer: NodeJS.Timeout | undefined;
  private received: number[] = [];
  private streamStartMs: number | undefined;
  private streamIntervalMs = 0;
  private roundsDone = 0;
  private stalledUntilMs = -Infinity;
  private ledOn = false;
  private buttonRelease: NodeJS.Timeout | undefined;
  private buttonDown = false;
  /** Source sample index of each sample taken (the source advances only while the board samples). */
  private sourceIndex = 0;

  constructor(private readonly options: SimulatedFirmataOptions) {
    super();
    this.wiring = { ...defaultWiring, ...options.wiring };
    this.nowMs = options.nowMs ?? (() => performance.now());
    this.frontEnd = new Ad8232Model({ gainX: 100, supplyV: 3.3, adcVrefV: 5, adcBits: 10, ...options.frontEnd });
    this.board = new NanoFirmataBoard({ readAnalog: (ch) => this.readAnalog(ch) });
    this.applyInputs();
  }

  get linkPath(): string {
    return this.options.linkPath;
  }

  get isPlugged(): boolean {
    return this.pty !== undefined;
  }

  get samplingIntervalMs(): number {
    return this.board.samplingIntervalMs;
  }

  get ledIsOn(): boolean {
    return this.ledOn;
  }

  get boardStats() {
    return this.board.stats;
  }

  /** Device times (µs) of the true R peaks sampled so far, on the stream's own clock (sample index x interval). */
  truthBeatTimesUs(): number[] {
    const intervalUs = 1e6 / this.options.source.sampleRateHz;
    return (this.options.source.truthBeats ?? []).filter((i) => i < this.sourceIndex).map((i) => Math.round(i * intervalUs));
  }

  /** Bytes the host wrote so far (the contract test reads them back). */
  receivedBytes(): Uint8Array {
    return Uint8Array.from(this.received);
  }

  start(): void {
    if (this.timer) return;
    this.plug();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    clearTimeout(this.buttonRelease);
    this.unplug();
  }

  /** Plugs the USB cable in: the board powers up fresh (StandardFirmata boot state). */
  plug(): void {
    if (this.pty) return;
    this.board.reset();
    this.parser.reset();
    this.streamStartMs = undefined;
    this.setLed(false);
    const pty = new PtyPair(this.options.linkPath);
    pty.onData((bytes) => this.onHostBytes(bytes));
    this.pty = pty;
    this.emit('plugged', this.options.linkPath);
  }

  /** Pulls the cable: the gateway's port fails and the board loses power (its state is gone). */
  unplug(): void {
    if (!this.pty) return;
    this.pty.close();
    this.pty = undefined;
    this.streamStartMs = undefined;
    this.setLed(false);
    this.emit('unplugged');
  }

  /** Electrodes off (LO+ / LO- comparators high, the output flat at the rail) or back on. */
  setLeadOff(plus: boolean, minus = plus): void {
    this.frontEnd.leadOffPlus = plus;
    this.frontEnd.leadOffMinus = minus;
    this.applyInputs();
    this.sendDigitalChanges();
  }

  get buttonIsDown(): boolean {
    return this.buttonDown;
  }

  /** Presses the event-marker button for `holdMs` (D2 to ground, read through the pull-up). */
  pressButton(holdMs = 120): void {
    clearTimeout(this.buttonRelease);
    this.buttonDown = true;
    this.board.setExternal(this.wiring.buttonPin, 0);
    this.sendDigitalChanges();
    this.buttonRelease = setTimeout(() => {
      this.buttonDown = false;
      this.board.setExternal(this.wiring.buttonPin, undefined);
      this.sendDigitalChanges();
    }, holdMs);
  }

  /**
   * The firmware stops sending for `durationMs` while it keeps sampling (a blocked UART, an overrun
   * on the USB-serial bridge): those samples never reach the host, which sees a lasting shortfall.
   */
  stall(durationMs: number): void {
    this.stalledUntilMs = this.nowMs() + durationMs;
  }

  /** Writes raw bytes on the link (garbage in fault tests, or the contract test's payload). */
  injectBytes(bytes: Uint8Array): void {
    this.pty?.write(bytes);
  }

  /**
   * Sends the sampling rounds due by now. Like StandardFirmata's loop, the cadence runs from power-up
   * whether or not anything is reported (rounds with no reported channel send nothing), and rounds a
   * late tick missed are caught up at once.
   */
  tick(): void {
    this.sendDigitalChanges();
    if (!this.pty) return;
    const now = this.nowMs();
    if (this.streamStartMs === undefined || this.streamIntervalMs !== this.board.samplingIntervalMs) {
      this.streamStartMs = now;
      this.streamIntervalMs = this.board.samplingIntervalMs;
      this.roundsDone = 0;
    }
    const due = Math.floor((now - this.streamStartMs) / this.streamIntervalMs);
    if (!this.board.reportsAnalog) {
      this.roundsDone = due;
      return;
    }
    const out: Uint8Array[] = [];
    let budget = MAX_ROUNDS_PER_TICK;
    while (this.roundsDone < due && budget-- > 0) {
      this.roundsDone++;
      const round = this.board.sampleRound();
      if (now < this.stalledUntilMs) this.stats.samplesWhileStalled++;
      else {
        out.push(...round);
        this.stats.samplesSent++;
      }
    }
    if (this.roundsDone < due) this.roundsDone = due; // behind by more than the budget: those rounds were never taken
    this.write(out);
  }

  private onHostBytes(bytes: Uint8Array): void {
    this.stats.bytesReceived += bytes.length;
    if (this.received.length < 1 << 16) this.received.push(...bytes);
    const replies: Uint8Array[] = [];
    for (const command of this.parser.push(bytes)) replies.push(...this.board.handle(command));
    this.write(replies);
    this.applyLed();
    this.sendDigitalChanges();
  }

  private readAnalog(channel: number): number {
    if (channel !== this.wiring.ecgChannel) return 0; // unconnected inputs read low here
    this.stats.samplesTaken++;
    const microvolts = this.options.source.next(1)[0];
    this.sourceIndex++;
    return this.frontEnd.counts(microvolts);
  }

  private applyInputs(): void {
    this.board.setExternal(this.wiring.loPlusPin, this.frontEnd.leadOffPlus ? 1 : 0);
    this.board.setExternal(this.wiring.loMinusPin, this.frontEnd.leadOffMinus ? 1 : 0);
  }

  private sendDigitalChanges(): void {
    if (this.pty) this.write(this.board.digitalChanges());
  }

  private applyLed(): void {
    this.setLed(this.board.outputLevel(this.wiring.ledPin) === 1);
  }

  private setLed(on: boolean): void {
    if (on === this.ledOn) return;
    this.ledOn = on;
    this.emit('led', on);
  }

  private write(chunks: Uint8Array[]): void {
    if (!this.pty || chunks.length === 0) return;
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const c of chunks) {
      bytes.set(c, offset);
      offset += c.length;
    }
    this.stats.bytesWritten += total;
    this.pty.write(bytes);
  }
}
