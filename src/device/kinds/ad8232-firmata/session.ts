// One AD8232 front end on a StandardFirmata board: the shared link supervisor keeps the serial link
// up; per connection, firmata.js does the handshake and johnny-five drives the LED and the button.
// Samples (raw `analogRead`, one per ANALOG_MESSAGE) get device time from the sampling interval
// (samples.ts), become blocks carrying their lead-off status, and the arrival rate is checked
// against the configured one. Every fault is counted; none stops the loop.
import type { Logger } from '../../../common/logger.js';
import { RateLimitedLog } from '../../../common/rate-limited-log.js';
import type { SampleBlock } from '../../../streaming/types.js';
import { LinkSupervisor } from '../../link-supervisor.js';
import type { Transport } from '../../transports/transport.js';
import { errorCounts, zeroCounters, type DeviceCounters, type DeviceStatusReport, type MarkerReport } from '../kind.js';
import { FirmataBridge, loadFirmataStack, type FirmataIo, type FiveBoard, type FiveButton, type FiveLed } from './firmata-stack.js';
import { ArrivalClock, RateMeter, countsToMicrovolts, type ScaleOptions } from './samples.js';
import type { Ad8232FirmataConfig } from './schema.js';

export interface Ad8232FirmataSink {
  block(block: SampleBlock): void;
  status(status: DeviceStatusReport): void;
  marker(marker: MarkerReport): void;
}

export interface Ad8232FirmataSessionOptions {
  deviceId: string;
  config: Ad8232FirmataConfig;
  transport: Transport;
  log: Logger;
  sink: Ad8232FirmataSink;
  nowMs?: () => number;
}

const SYSEX_SAMPLING_INTERVAL = 0x7a;
const LED_BLINK_PERIOD_MS = 250;
/** A measured rate this far from the configured one is logged. */
const RATE_TOLERANCE = 0.02;

/** What one connection holds; dropped whole when the link ends. */
interface Connection {
  bridge: FirmataBridge;
  io: FirmataIo;
  board: FiveBoard;
  led?: FiveLed;
  button?: FiveButton;
  ready: boolean;
  streaming: boolean;
  /** Bytes fed after the handshake, and the Firmata messages decoded from them. */
  bytesAfterReady: number;
  countBytes: boolean;
  messages: number;
  handshakeTimedOut: boolean;
  buttonSeenUp: boolean;
}

/** Counts of this session, mapped to `DeviceCounters` in one place (`counters()`). */
interface SessionStats {
  analogMessages: number;
  digitalMessages: number;
  bytesSkipped: number;
  handshakeFailures: number;
  writeErrors: number;
}

/** The Firmata sampling interval for a rate: whole milliseconds, 1 .. 16383 (two 7-bit bytes). */
export function firmataIntervalMs(sampleRateHz: number): number {
  return Math.min(0x3fff, Math.max(1, Math.round(1000 / sampleRateHz)));
}

export class Ad8232FirmataSession {
  private readonly supervisor: LinkSupervisor;
  private readonly nowMs: () => number;
  /** Firmata's sampling interval is whole milliseconds: the rate is 1000 / interval, close to the configured one. */
  private readonly intervalMs: number;
  readonly sampleRateHz: number;
  private readonly scale: ScaleOptions;
  private readonly blockSamples: number;
  private readonly fullScaleCounts: number;
  private readonly clock: ArrivalClock;
  private readonly rate = new RateMeter(10_000);
  private readonly warnings: RateLimitedLog;
  private readonly stats: SessionStats = { analogMessages: 0, digitalMessages: 0, bytesSkipped: 0, handshakeFailures: 0, writeErrors: 0 };
  private connection: Connection | undefined;
  private pending: number[] = [];
  private pendingFirstIndex = 0;
  private pendingSaturated = false;
  private loPlus = false;
  private loMinus = false;
  private lastArrival: { nowMs: number; index: number } | undefined;
  private lastStatusKey = '';
  private lastRateCheckMs = 0;
  markers = 0;

  constructor(private readonly options: Ad8232FirmataSessionOptions) {
    const { config } = options;
    this.nowMs = options.nowMs ?? (() => performance.now());
    this.intervalMs = firmataIntervalMs(config.sampleRateHz);
    this.sampleRateHz = 1000 / this.intervalMs;
    if (this.sampleRateHz !== config.sampleRateHz) {
      options.log.warn(`sampleRateHz ${config.sampleRateHz} is not 1000 / whole ms: sampling every ${this.intervalMs} ms (${this.sampleRateHz.toFixed(2)} Hz)`);
    }
    this.scale = { adcBits: config.adc.bits, adcVrefV: config.adc.vref, gainX: config.frontEnd.gainX, offsetV: config.frontEnd.offsetV };
    this.fullScaleCounts = 2 ** config.adc.bits - 1;
    this.blockSamples = Math.max(1, Math.round(config.sampleRateHz / 10));
    this.clock = new ArrivalClock({ intervalMs: this.intervalMs });
    this.warnings = new RateLimitedLog(options.log);
    const transport = options.transport;
    this.supervisor = new LinkSupervisor({
      link: {
        address: transport.address,
        open: () => transport.open(),
        pump: () => this.pump(),
        close: () => this.closeLink(),
        onLinkEnd: () => this.linkEnded(),
      },
      reconnect: config.reconnect,
      silenceTimeoutMs: Math.max(config.silenceTimeoutS, config.handshakeTimeoutS + 1) * 1000,
      log: options.log,
      nowMs: options.nowMs,
      onStatus: (status) => this.reportStatus(status),
    });
  }

  start(): void {
    this.supervisor.start();
  }

  stop(): Promise<void> {
    return this.supervisor.stop();
  }

  /** Samples per second arriving over the last ~10 s (null before a second of data). */
  measuredRateHz(): number | null {
    return this.rate.rateHz();
  }

  counters(): DeviceCounters {
    const c = zeroCounters();
    c.connected = this.supervisor.connected;
    c.reconnects = this.supervisor.reconnects;
    c.framesOk = this.stats.analogMessages + this.stats.digitalMessages;
    c.framesLost = this.clock.gaps;
    c.samplesLost = this.clock.samplesLost;
    c.errors = errorCounts({
      'bytes-skipped': this.stats.bytesSkipped + this.currentSkipped(),
      'bytes-dropped': this.options.transport.droppedBytes ?? 0,
      // A board that never answers the Firmata handshake runs something else (wrong sketch or baud
      // rate); writes that fail are commands that never reached it.
      command: this.stats.handshakeFailures + this.stats.writeErrors + (this.connection?.bridge.writeErrors ?? 0),
    });
    return c;
  }

  private async pump(): Promise<string> {
    const { transport, config, log } = this.options;
    const { Firmata, five } = loadFirmataStack();
    const handshakeMs = config.handshakeTimeoutS * 1000;
    const bridge = new FirmataBridge(transport);
    const io = new Firmata(bridge, { reportVersionTimeout: Math.max(250, handshakeMs / 2) });
    io.on('error', (err) => this.warnings.warn('io', `firmata: ${(err as Error).message}`));
    const board = new five.Board({ io, repl: false, debug: false, sigint: false, timeout: handshakeMs });
    // johnny-five emits its log lines as events ('error' among them): an unheard 'error' would throw.
    board.on('error', (event) => log.debug(() => `johnny-five: ${JSON.stringify(event)}`));
    const conn: Connection = { bridge, io, board, ready: false, streaming: false, bytesAfterReady: 0, countBytes: false, messages: 0, handshakeTimedOut: false, buttonSeenUp: false };
    this.connection = conn;
    board.once('ready', () => this.onReady(conn));
    // firmata.js emits 'digital-read' per input pin of a DIGITAL_MESSAGE: count the port's lowest one.
    const firstInputOfPort = this.firstInputPinPerPort();
    io.on('digital-read', (event) => {
      const pin = (event as { pin?: number }).pin;
      if (pin === undefined || firstInputOfPort.get(pin >> 3) !== pin) return;
      this.stats.digitalMessages++;
      conn.messages++;
    });
    const handshake = setTimeout(() => {
      if (conn.ready) return;
      conn.handshakeTimedOut = true;
      void transport.close();
    }, handshakeMs);
    // johnny-five waits for the transport's "open" (io "connect") before "ready".
    process.nextTick(() => bridge.emit('open'));
    // Ask at once: a board already running (no auto-reset on open) does not announce itself.
    io.reportVersion(() => undefined);
    io.queryFirmware(() => undefined);
    try {
      for await (const chunk of transport) {
        if (conn.countBytes) conn.bytesAfterReady += chunk.length;
        bridge.feed(chunk);
        if (conn.ready) conn.countBytes = true;
        this.flushIfFull();
      }
      return conn.handshakeTimedOut ? this.handshakeFailed() : 'closed';
    } finally {
      clearTimeout(handshake);
    }
  }

  private firstInputPinPerPort(): Map<number, number> {
    const { pins } = this.options.config;
    const first = new Map<number, number>();
    for (const pin of [pins.loPlus, pins.loMinus, pins.button]) {
      if (pin === null) continue;
      const current = first.get(pin >> 3);
      if (current === undefined || pin < current) first.set(pin >> 3, pin);
    }
    return first;
  }

  private handshakeFailed(): string {
    this.stats.handshakeFailures++;
    return `no Firmata handshake within ${this.options.config.handshakeTimeoutS} s (StandardFirmata flashed? ${this.options.config.transport.baudRate} baud?)`;
  }

  private onReady(conn: Connection): void {
    if (this.connection !== conn) return;
    const { config, log } = this.options;
    const { five } = loadFirmataStack();
    const { io, board } = conn;
    conn.ready = true;
    const firmware = io.firmware;
    log.info(`Firmata ready: ${firmware.name ?? '?'} ${firmware.version?.major ?? '?'}.${firmware.version?.minor ?? '?'}, protocol ${io.version.major ?? '?'}.${io.version.minor ?? '?'}`);
    if (config.pins.led !== null) conn.led = new five.Led({ pin: config.pins.led, board }).blink(LED_BLINK_PERIOD_MS);
    // firmata.js's setSamplingInterval clamps to >= 10 ms; 4 ms (250 Hz) needs the raw sysex.
    const ms = this.intervalMs;
    io.sysexCommand([SYSEX_SAMPLING_INTERVAL, ms & 0x7f, (ms >> 7) & 0x7f]);
    const lead = (which: 'plus' | 'minus') => (value: number) => this.onLeadPin(which, value === 1);
    io.pinMode(config.pins.loPlus, io.MODES.INPUT);
    io.digitalRead(config.pins.loPlus, lead('plus'));
    io.pinMode(config.pins.loMinus, io.MODES.INPUT);
    io.digitalRead(config.pins.loMinus, lead('minus'));
    if (config.pins.button !== null) {
      // A button already down when the link comes up (held across a re-plug) is not a new press: only
      // presses after the button was seen up on this connection are markers.
      io.on(`digital-read-${config.pins.button}`, (value) => {
        if (value === 1) conn.buttonSeenUp = true;
      });
      conn.button = new five.Button({ pin: config.pins.button, board, isPullup: true });
      conn.button.on('press', () => {
        if (conn.buttonSeenUp) this.onButton();
        else log.debug('button down at connect: not counted as a marker');
      });
    }
    const channel = Number(config.pins.ecg.slice(1));
    io.analogRead(channel, (value) => this.onSample(conn, value));
  }

  private onSample(conn: Connection, counts: number): void {
    if (this.connection !== conn) return;
    this.stats.analogMessages++;
    conn.messages++;
    const now = this.nowMs();
    if (!conn.streaming) {
      conn.streaming = true;
      conn.led?.stop().on();
      // Across an outage the index moves on by the time away, so device time keeps pace with the gateway's.
      const last = this.lastArrival;
      this.clock.restart(last ? last.index + Math.max(1, Math.round((now - last.nowMs) / this.intervalMs)) : 0);
      this.rate.reset();
    }
    const { index, lostBefore } = this.clock.arrive(now);
    this.lastArrival = { nowMs: now, index };
    this.rate.add(now);
    this.supervisor.alive();
    if (lostBefore > 0) {
      this.flush();
      this.warnings.warn('lost', `${lostBefore} samples never arrived (arrivals fell behind the ${this.intervalMs} ms interval for good; ${this.clock.samplesLost} so far)`);
    }
    if (this.pending.length > 0 && this.pendingFirstIndex + this.pending.length !== index) this.flush();
    if (this.pending.length === 0) this.pendingFirstIndex = index;
    this.pending.push(countsToMicrovolts(counts, this.scale));
    if (counts <= 0 || counts >= this.fullScaleCounts) this.pendingSaturated = true;
    this.reportStatus({ connected: true, leadOff: this.loPlus || this.loMinus });
    this.checkRate(now);
  }

  private onLeadPin(which: 'plus' | 'minus', high: boolean): void {
    const before = this.loPlus || this.loMinus;
    const after = which === 'plus' ? high || this.loMinus : this.loPlus || high;
    // The samples so far carry the old status; the next block the new one.
    if (before !== after) this.flush();
    if (which === 'plus') this.loPlus = high;
    else this.loMinus = high;
    if (before === after) return;
    if (this.supervisor.connected) this.reportStatus({ connected: true, leadOff: after });
  }

  private onButton(): void {
    this.markers++;
    const index = this.lastArrival?.index ?? 0;
    const tUs = Math.round(index * this.intervalMs * 1000);
    this.options.log.info(`event marker ${this.markers} (button) at device ${tUs} us`);
    this.options.sink.marker({ tUs, source: 'button', tMs: Date.now() });
  }

  private checkRate(now: number): void {
    if (now - this.lastRateCheckMs < 10_000) return;
    this.lastRateCheckMs = now;
    const measured = this.rate.rateHz();
    const nominal = this.sampleRateHz;
    if (measured !== null && Math.abs(measured - nominal) > nominal * RATE_TOLERANCE) {
      this.warnings.warn('rate', `samples arrive at ${measured.toFixed(1)} Hz, configured ${nominal} Hz (board busy, baud rate, or another sampling interval?)`);
    }
  }

  private flushIfFull(): void {
    if (this.pending.length >= this.blockSamples) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const values = Float32Array.from(this.pending);
    const first = this.pendingFirstIndex;
    const block: SampleBlock = {
      deviceId: this.options.deviceId,
      stream: 'ecg',
      sampleRateHz: this.sampleRateHz,
      channels: ['ECG'],
      t0Us: Math.round(first * this.intervalMs * 1000),
      firstSampleIndex: first,
      values: [values],
      status: { leadOff: this.loPlus || this.loMinus, saturated: this.pendingSaturated },
    };
    this.pending = [];
    this.pendingSaturated = false;
    this.options.sink.block(block);
  }

  /** Bytes after the handshake that no analog or digital message used (garbage, cut messages). */
  private currentSkipped(): number {
    const conn = this.connection;
    if (!conn) return 0;
    return Math.max(0, conn.bytesAfterReady - 3 * conn.messages - conn.io.buffer.length);
  }

  private async closeLink(): Promise<void> {
    const conn = this.connection;
    if (conn?.ready && this.options.transport.isOpen) {
      // Leave the LED off (best effort: the cable may already be gone).
      try {
        conn.led?.stop().off();
      } catch {
        /* the board object is half torn down */
      }
      await conn.bridge.drain(200);
    }
    await this.options.transport.close();
  }

  private linkEnded(): void {
    this.flush();
    const conn = this.connection;
    this.connection = undefined;
    if (!conn) return;
    this.stats.bytesSkipped += Math.max(0, conn.bytesAfterReady - 3 * conn.messages - conn.io.buffer.length);
    this.stats.writeErrors += conn.bridge.writeErrors;
    // Timers johnny-five and firmata.js leave behind would keep the process alive.
    if (conn.board.timer) clearTimeout(conn.board.timer);
    clearTimeout(conn.io.reportVersionTimeoutId);
    conn.led?.stop();
    // A button held while the cable goes keeps johnny-five's hold interval running: release it.
    const buttonPin = this.options.config.pins.button;
    if (conn.button && buttonPin !== null) conn.io.emit(`digital-read-${buttonPin}`, 1);
    conn.button?.removeAllListeners();
    conn.io.removeAllListeners();
    conn.bridge.removeAllListeners();
    conn.board.removeAllListeners();
    // johnny-five keeps every Board in a module-level list it never prunes (Board.purge exists only in
    // its test mode): drop what the shell holds, so a reconnect leaves a few hundred bytes, not a board.
    conn.board.register.length = 0;
    conn.board.io = null;
  }

  private reportStatus(status: DeviceStatusReport): void {
    const key = JSON.stringify(status);
    if (key === this.lastStatusKey) return;
    this.lastStatusKey = key;
    this.options.sink.status(status);
  }
}
