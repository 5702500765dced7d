// A simulated OpenBCI Cyton (optionally with a Daisy) behind its USB dongle: it speaks the real
// byte protocol on a pseudo-terminal. It answers `v` (banner ending `$$$`), `x...X` (channel
// settings), `b` / `s` (start / stop), `C` / `c` (16 / 8 channels with a Daisy); while streaming it
// sends 33-byte packets at 250 Hz (times `speed`): 8 channels per packet, or with 16 channels the
// board's (odd sample numbers) and the Daisy's (even) alternately, one 16-channel sample per pair
// (125 Hz). Signals come from an EegSource, quantised at each channel's gain. Faults: unplug,
// garbage bytes, stalls, dropped packets, and overrun bursts (packets sent at once with bytes lost).
import { EventEmitter } from 'node:events';
import { SeededRandom } from '../../src/common/random.js';
import {
  CYTON_ACCEL_G_PER_COUNT,
  CYTON_CHANNELS_PER_BOARD,
  CYTON_DEFAULT_CHANNEL,
  CYTON_SAMPLE_RATE_HZ,
  clampCount,
  encodeAccelAux,
  encodeCytonPacket,
  microvoltsPerCount,
  parseChannelSettingsCommand,
  type CytonChannelSettings,
} from '../../src/device/protocols/openbci/index.js';
import { realClock, type SimClock } from '../garment-sim.js';
import { PtyPair } from '../pty.js';
import type { EegSource } from '../signals/eeg.js';

export interface SimulatedCytonOptions {
  /** Symlink the gateway opens (stable across re-plugs, like /dev/serial/by-id/usb-FTDI_...). */
  linkPath: string;
  daisy: boolean;
  /** A source at the given rate with at least `channelCount` channels (called again when the layout changes). */
  makeSource(sampleRateHz: number, channelCount: number): EegSource | Promise<EegSource>;
  clock?: SimClock;
  /** Simulated seconds per real second. */
  speed?: number;
  /**
   * How often due packets are written, ms (default 4: each packet on its own). An FTDI dongle hands
   * bytes over when its latency timer expires: 16 ms by default (about 4 packets per read), 1 ms
   * when set low as OpenBCI suggests.
   */
  usbLatencyMs?: number;
  firmware?: string;
  seed?: number;
  /** Samples of truth kept for tests (per output sample index since `b`), bounded. */
  maxTruthSamples?: number;
}

export interface SimulatedCytonStats {
  packetsGenerated: number;
  packetsWritten: number;
  packetsWhileUnplugged: number;
  packetsWhileStalled: number;
  packetsDropped: number;
  bytesLostInOverruns: number;
  commands: string[];
}

const TICK_MS = 4;
/** Bound on packets per tick, so a stalled event loop does not burst forever. */
const MAX_PACKETS_PER_TICK = 250;
/** The LIS3DH's rate in the Cyton firmware: a reading every 10th packet, zeros between. */
const ACCEL_EVERY_PACKETS = 10;
const MAX_RECEIVED_BYTES = 1 << 16;

export class SimulatedCyton extends EventEmitter<{ plugged: [string]; unplugged: [] }> {
  readonly stats: SimulatedCytonStats = {
    packetsGenerated: 0,
    packetsWritten: 0,
    packetsWhileUnplugged: 0,
    packetsWhileStalled: 0,
    packetsDropped: 0,
    bytesLostInOverruns: 0,
    commands: [],
  };
  /** µV of each channel per output sample since the last `b` (the values sent, before quantisation). */
  readonly truth: Float32Array[] = [];
  /** Bytes the gateway wrote, in order (bounded). */
  readonly received: number[] = [];
  streaming = false;
  sixteen: boolean;
  readonly settings: CytonChannelSettings[] = Array.from({ length: 16 }, () => ({ ...CYTON_DEFAULT_CHANNEL }));
  private pty: PtyPair | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly clock: SimClock;
  private readonly speed: number;
  private readonly random: SeededRandom;
  private source: EegSource | undefined;
  private sourceKey = '';
  private streamStartMs = 0;
  private packetNumber = 0;
  private current: Float32Array | undefined;
  private stalledUntilMs = -Infinity;
  private dropNext = 0;
  private overrunNext = 0;
  private overrunBuffer: Uint8Array[] = [];
  private commandText = '';

  constructor(private readonly options: SimulatedCytonOptions) {
    super();
    this.clock = options.clock ?? realClock;
    this.speed = options.speed ?? 1;
    this.random = new SeededRandom(options.seed ?? 1);
    this.sixteen = options.daisy;
  }

  get channelCount(): number {
    return this.sixteen ? 16 : 8;
  }

  get sampleRateHz(): number {
    return this.sixteen ? CYTON_SAMPLE_RATE_HZ / 2 : CYTON_SAMPLE_RATE_HZ;
  }

  get isPlugged(): boolean {
    return this.pty !== undefined;
  }

  /** Powers the board and plugs the dongle in; it streams once told to (`b`). */
  async start(): Promise<void> {
    await this.ensureSource();
    this.plug();
    this.timer ??= setInterval(() => this.tick(), this.options.usbLatencyMs ?? TICK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.streaming = false;
    this.unplug();
  }

  plug(): void {
    if (this.pty) return;
    const pty = new PtyPair(this.options.linkPath);
    pty.onData((bytes) => this.onBytes(bytes));
    this.pty = pty;
    this.emit('plugged', this.options.linkPath);
  }

  /** Pulls the dongle: the gateway's port fails; the board keeps streaming into the void. */
  unplug(): void {
    if (!this.pty) return;
    this.pty.close();
    this.pty = undefined;
    this.emit('unplugged');
  }

  /** Sends nothing for `durationMs` (real time); packets sampled meanwhile are lost. */
  stall(durationMs: number): void {
    this.stalledUntilMs = this.clock.nowMs() + durationMs;
  }

  /** The next `count` packets are lost on the radio (sample numbers skip). */
  dropPackets(count: number): void {
    this.dropNext += count;
  }

  /** The next `count` packets arrive in one burst with `lostBytes` bytes cut from its middle (a dongle buffer overrun). */
  overrunBurst(count: number, lostBytes = 20): void {
    this.overrunNext = count;
    this.overrunLostBytes = lostBytes;
  }
  private overrunLostBytes = 20;

  injectBytes(bytes: Uint8Array): void {
    this.pty?.write(bytes);
  }

  private async ensureSource(): Promise<void> {
    const key = `${this.sampleRateHz}/${this.channelCount}`;
    if (key === this.sourceKey && this.source) return;
    const source = await this.options.makeSource(this.sampleRateHz, this.channelCount);
    if (source.sampleRateHz !== this.sampleRateHz || source.channels.length < this.channelCount) {
      throw new Error(`source ${source.description} is ${source.channels.length} channels at ${source.sampleRateHz} Hz, need ${this.channelCount} at ${this.sampleRateHz} Hz`);
    }
    this.source = source;
    this.sourceKey = key;
  }

  private respond(text: string): void {
    this.pty?.write(Uint8Array.from(`${text}$$$`, (c) => c.charCodeAt(0)));
  }

  private onBytes(bytes: Uint8Array): void {
    for (const byte of bytes) if (this.received.length < MAX_RECEIVED_BYTES) this.received.push(byte);
    for (const byte of bytes) {
      const ch = String.fromCharCode(byte);
      if (this.commandText.length > 0) {
        this.commandText += ch;
        if (ch === 'X' || this.commandText.length >= 9) {
          this.onChannelCommand(this.commandText);
          this.commandText = '';
        }
        continue;
      }
      if (ch === 'x') {
        this.commandText = 'x';
        continue;
      }
      this.onCommand(ch);
    }
  }

  private onChannelCommand(command: string): void {
    this.stats.commands.push(command);
    const parsed = parseChannelSettingsCommand(command);
    if (!parsed) return this.respond('Failure: too few chars');
    if (parsed.channel > (this.options.daisy ? 16 : 8)) return this.respond(`Failure: Channel number ${parsed.channel} is not valid`);
    this.settings[parsed.channel - 1] = parsed.settings;
    this.respond(`Success: Channel set for ${parsed.channel}`);
  }

  private onCommand(ch: string): void {
    this.stats.commands.push(ch);
    switch (ch) {
      case 'v':
        this.streaming = false;
        this.sixteen = this.options.daisy;
        for (const s of this.settings) Object.assign(s, CYTON_DEFAULT_CHANNEL);
        this.respond(
          `OpenBCI V3 8-16 channel\nOn Board ADS1299 Device ID: 0x3E\n${this.options.daisy ? 'On Daisy ADS1299 Device ID: 0x3E\n' : ''}LIS3DH Device ID: 0x33\nFirmware: ${this.options.firmware ?? 'v3.1.2'}\n`,
        );
        break;
      case 'b':
        void this.ensureSource().then(() => {
          this.streaming = true;
          this.streamStartMs = this.clock.nowMs();
          this.packetNumber = 0;
          this.current = undefined;
          this.truth.length = 0;
        });
        break;
      case 's':
        this.streaming = false;
        break;
      case 'C':
        if (!this.options.daisy) this.respond('no daisy to attach!');
        else {
          this.sixteen = true;
          this.respond('16');
        }
        break;
      case 'c':
        this.sixteen = false;
        this.respond('8');
        break;
      default:
        break; // other SDK commands are not simulated
    }
  }

  /** Sends every packet due by now. */
  tick(): void {
    if (!this.streaming) return;
    const elapsedS = ((this.clock.nowMs() - this.streamStartMs) / 1000) * this.speed;
    const due = Math.floor(elapsedS * CYTON_SAMPLE_RATE_HZ);
    let budget = MAX_PACKETS_PER_TICK;
    while (this.packetNumber < due && budget-- > 0) this.sendPacket();
  }

  private nextSample(): Float32Array {
    const cols = this.source!.next(1);
    const row = new Float32Array(this.channelCount);
    for (let c = 0; c < row.length; c++) row[c] = cols[c][0];
    if (this.truth.length < (this.options.maxTruthSamples ?? 60_000)) this.truth.push(row);
    return row;
  }

  private sendPacket(): void {
    const n = this.packetNumber++;
    let channelsUv: Float32Array;
    let offset = 0;
    if (!this.sixteen) channelsUv = this.nextSample();
    else if (n % 2 === 1) channelsUv = this.current = this.nextSample();
    else {
      // Even: the Daisy half of the current sample (packet 0 has none yet: zeros, dropped by the gateway).
      channelsUv = this.current ?? new Float32Array(16);
      offset = CYTON_CHANNELS_PER_BOARD;
    }
    const counts = Array.from({ length: CYTON_CHANNELS_PER_BOARD }, (_, c) => {
      const s = this.settings[offset + c];
      if (s.powerDown || s.inputType === 'shorted') return 0;
      return clampCount(channelsUv[offset + c] / microvoltsPerCount(s.gainX));
    });
    const t = n / CYTON_SAMPLE_RATE_HZ;
    const aux = n % ACCEL_EVERY_PACKETS === 0 ? encodeAccelAux([0.02 * Math.sin(t), 0.01, 1 + 0.005 * this.random.gaussian()], CYTON_ACCEL_G_PER_COUNT) : undefined;
    const bytes = encodeCytonPacket(n & 0xff, counts, 0xc0, aux);
    this.stats.packetsGenerated++;
    if (!this.pty) {
      this.stats.packetsWhileUnplugged++;
      return;
    }
    if (this.clock.nowMs() < this.stalledUntilMs) {
      this.stats.packetsWhileStalled++;
      return;
    }
    if (this.dropNext > 0) {
      this.dropNext--;
      this.stats.packetsDropped++;
      return;
    }
    if (this.overrunNext > 0) {
      this.overrunBuffer.push(bytes);
      if (--this.overrunNext > 0) return;
      const burst = Buffer.concat(this.overrunBuffer);
      this.overrunBuffer = [];
      const cutAt = Math.floor(burst.length / 2);
      const lost = Math.min(this.overrunLostBytes, burst.length - cutAt);
      this.stats.bytesLostInOverruns += lost;
      this.pty.write(new Uint8Array(Buffer.concat([burst.subarray(0, cutAt), burst.subarray(cutAt + lost)])));
      return;
    }
    this.pty.write(bytes);
    this.stats.packetsWritten++;
  }
}
