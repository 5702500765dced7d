// Carries out a soak's fault plan against the rig: restarts the broker, unplugs, stalls and
// corrupts simulated garments, fills the data disk. Each event is logged as it happens.
import { SeededRandom } from '../../src/common/random.js';
import type { SimulatedGarment } from '../garment-sim.js';
import type { SmallDisk } from './disk.js';
import type { FaultEvent } from './plan.js';

export interface RestartableBroker {
  readonly running: boolean;
  start(): Promise<void>;
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

export interface FaultTargets {
  broker: RestartableBroker;
  garments: readonly SimulatedGarment[];
  garmentNames: readonly string[];
  disk: SmallDisk | undefined;
  /** Free bytes left on the disk while it is under pressure. */
  diskLeaveFreeBytes: number;
  log: (line: string) => void;
  seed: number;
}

export class FaultRunner {
  readonly done: Record<string, number> = {};
  readonly skipped: Record<string, number> = {};
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pending = new Set<Promise<void>>();
  private readonly rng: SeededRandom;
  private brokerBusy = false;

  constructor(private readonly t: FaultTargets) {
    this.rng = new SeededRandom(t.seed ^ 0x5eed);
  }

  /** Schedules every event relative to now. */
  schedule(events: readonly FaultEvent[]): void {
    for (const e of events) this.later(e.atS * 1000, () => this.run(e));
  }

  /** Cancels what has not started, waits for what has, and leaves everything healthy. */
  async finish(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...this.pending]);
    if (!this.t.broker.running) await this.t.broker.start();
    for (const g of this.t.garments) g.plug();
    this.t.disk?.removeBallast();
  }

  private later(ms: number, fn: () => void | Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const p = Promise.resolve(fn()).catch((err: Error) => this.t.log(`fault failed: ${err.message}`));
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    }, ms);
    this.timers.add(timer);
  }

  private count(kind: string, ok = true): void {
    const into = ok ? this.done : this.skipped;
    into[kind] = (into[kind] ?? 0) + 1;
  }

  private async run(e: FaultEvent): Promise<void> {
    const { log } = this.t;
    switch (e.kind) {
      case 'broker-restart': {
        if (this.brokerBusy) return this.count(e.kind, false);
        this.brokerBusy = true;
        log(`broker stop (down ${e.downS} s)`);
        await this.t.broker.stop('SIGTERM');
        await new Promise((r) => setTimeout(r, e.downS * 1000));
        await this.t.broker.start();
        this.brokerBusy = false;
        log('broker up again');
        return this.count(e.kind);
      }
      case 'unplug': {
        const g = this.t.garments[e.device];
        if (!g.isPlugged) return this.count(e.kind, false);
        log(`unplug ${this.t.garmentNames[e.device]} for ${e.downS} s`);
        g.unplug();
        this.later(e.downS * 1000, () => g.plug());
        return this.count(e.kind);
      }
      case 'garbage': {
        const bytes = new Uint8Array(e.bytes);
        for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(this.rng.next() * 256);
        log(`garbage ${e.bytes} bytes to ${this.t.garmentNames[e.device]}`);
        this.t.garments[e.device].injectBytes(bytes);
        return this.count(e.kind);
      }
      case 'stall':
        log(`stall ${this.t.garmentNames[e.device]} for ${e.durationS} s`);
        this.t.garments[e.device].stall(e.durationS * 1000);
        return this.count(e.kind);
      case 'disk-pressure': {
        const disk = this.t.disk;
        if (!disk) return this.count(e.kind, false);
        const ballast = disk.fill(this.t.diskLeaveFreeBytes);
        log(`disk pressure: ${(ballast / 2 ** 20).toFixed(1)} MiB ballast, ${(disk.freeBytes() / 1024).toFixed(0)} KiB free, for ${e.durationS} s`);
        this.later(e.durationS * 1000, () => {
          disk.removeBallast();
          log(`disk pressure over: ${(disk.freeBytes() / 2 ** 20).toFixed(1)} MiB free`);
        });
        return this.count(e.kind);
      }
    }
  }
}
