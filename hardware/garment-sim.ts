// A simulated smart garment: produces garment-protocol v1 ECG frames from a signal source at the
// device's own pace and writes them to a pseudo-terminal, like the garment's USB CDC dongle.
// It can be unplugged and plugged back, stall, report lead-off, and inject raw bytes (fault tests).
import { EventEmitter } from 'node:events';
import { GarmentFrameSource } from './garment-frames.js';
import { PtyPair } from './pty.js';
import type { SignalSource } from './signals/source.js';

export interface SimClock {
  nowMs(): number;
}
export const realClock: SimClock = { nowMs: () => performance.now() };

export interface SimulatedGarmentOptions {
  deviceId: number;
  sampleRateHz: number;
  samplesPerFrame: number;
  microvoltsPerCount: number;
  source: SignalSource;
  /** Symlink the gateway opens (stable across re-plugs, like /dev/serial/by-id/...). */
  linkPath: string;
  clock?: SimClock;
  /** Simulated seconds per real second (tests run faster than real time). */
  speed?: number;
}

export interface SimulatedGarmentEvents {
  plugged: [path: string];
  unplugged: [];
}

const MAX_FRAMES_PER_TICK = 200;

export class SimulatedGarment extends EventEmitter<SimulatedGarmentEvents> {
  readonly stats = { framesGenerated: 0, framesWritten: 0, bytesWritten: 0, framesWhileUnplugged: 0, framesWhileStalled: 0 };
  private pty: PtyPair | undefined;
  private timer: NodeJS.Timeout | undefined;
  private startedMs = 0;
  private readonly frames: GarmentFrameSource;
  private readonly clock: SimClock;
  private readonly speed: number;
  private stalledUntilMs = -Infinity;

  constructor(private readonly options: SimulatedGarmentOptions) {
    super();
    if (options.source.sampleRateHz !== options.sampleRateHz) {
      throw new Error(`source rate ${options.source.sampleRateHz} Hz differs from garment rate ${options.sampleRateHz} Hz`);
    }
    this.clock = options.clock ?? realClock;
    this.speed = options.speed ?? 1;
    this.frames = new GarmentFrameSource(options);
  }

  get isPlugged(): boolean {
    return this.pty !== undefined;
  }

  /** Device times (µs) of the true R peaks sent so far, when the source knows them. */
  truthBeatTimesUs(): number[] {
    return (this.options.source.truthBeats ?? []).map((i) => Math.round((i * 1e6) / this.options.sampleRateHz));
  }

  get linkPath(): string {
    return this.options.linkPath;
  }

  /** Plugs in and starts streaming in real time (scaled by `speed`). */
  start(): void {
    if (this.timer) return;
    this.plug();
    this.startedMs = this.clock.nowMs();
    const framePeriodMs = (1000 * this.options.samplesPerFrame) / this.options.sampleRateHz / this.speed;
    this.timer = setInterval(() => this.tick(), Math.max(2, Math.min(50, framePeriodMs)));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unplug();
  }

  plug(): void {
    if (this.pty) return;
    this.pty = new PtyPair(this.options.linkPath);
    this.emit('plugged', this.options.linkPath);
  }

  /** Pulls the cable: the gateway's port fails; the garment keeps sampling (frames are lost). */
  unplug(): void {
    if (!this.pty) return;
    this.pty.close();
    this.pty = undefined;
    this.emit('unplugged');
  }

  setLeadOff(mask: number): void {
    this.frames.leadOffMask = mask;
  }

  setBatteryPercent(percent: number): void {
    this.frames.batteryPercent = percent;
  }

  /**
   * Firmware hiccup: nothing is sent for `durationMs` (real time) while the link stays open; frames
   * sampled meanwhile are lost (the garment's FIFO overflows), so the gateway sees a sequence gap,
   * and a stall longer than its silence timeout makes it reopen the link.
   */
  stall(durationMs: number): void {
    this.stalledUntilMs = this.clock.nowMs() + durationMs;
  }

  /** Writes raw bytes on the link (garbage, truncated or corrupted frames in fault tests). */
  injectBytes(bytes: Uint8Array): void {
    this.pty?.write(bytes);
  }

  /** Generates and sends all frames that are due by now. */
  tick(): void {
    const elapsedS = ((this.clock.nowMs() - this.startedMs) / 1000) * this.speed;
    const dueFrames = Math.floor((elapsedS * this.options.sampleRateHz) / this.options.samplesPerFrame);
    let budget = MAX_FRAMES_PER_TICK;
    while (this.stats.framesGenerated < dueFrames && budget-- > 0) this.emitFrame();
  }

  /** The next frame's bytes (exposed for tests that need exact frames). */
  nextFrameBytes(): Uint8Array {
    this.stats.framesGenerated++;
    return this.frames.next();
  }

  private emitFrame(): void {
    const bytes = this.nextFrameBytes();
    if (!this.pty) {
      this.stats.framesWhileUnplugged++;
      return;
    }
    if (this.clock.nowMs() < this.stalledUntilMs) {
      this.stats.framesWhileStalled++;
      return;
    }
    this.pty.write(bytes);
    this.stats.framesWritten++;
    this.stats.bytesWritten += bytes.length;
  }
}
