// A fake Pi board behind the gateway's BoardIo (src/device/transports/gpio.ts): GPIO lines a test
// (or an emulated chip) drives and reads, and SPI devices by bus and chip select. Each instance owns
// its state; nothing is global.
import type { BoardIo, GpioEdge, GpioEdgeEvent, GpioInput, GpioLineSpec, GpioOutput } from '../src/device/transports/gpio.js';
import type { SpiBus, SpiSpec } from '../src/device/transports/spi.js';

/** One GPIO line: the far side (a button, a chip's DRDY) sets its level; the gateway watches or writes it. */
export class FakeGpioLine {
  level: 0 | 1;
  /** Levels the gateway wrote, in order (outputs). */
  readonly writes: Array<{ value: 0 | 1; atMs: number }> = [];
  private readonly watchers = new Set<{ edge: GpioEdge; cb: (e: GpioEdgeEvent) => void }>();
  opened = 0;
  closed = 0;

  constructor(
    readonly name: string,
    initial: 0 | 1 = 1,
  ) {
    this.level = initial;
  }

  /** Drives the line from outside; watchers see the edge (with `tUs` when given, as a kernel timestamp). */
  set(value: 0 | 1, tUs?: number): void {
    if (value === this.level) return;
    this.level = value;
    const event: GpioEdgeEvent = tUs === undefined ? { value } : { value, tUs };
    for (const w of [...this.watchers]) {
      if (w.edge === 'both' || (w.edge === 'rising') === (value === 1)) w.cb(event);
    }
  }

  get watching(): number {
    return this.watchers.size;
  }

  asInput(): GpioInput {
    this.opened++;
    return {
      watch: (edge, cb) => {
        const w = { edge, cb };
        this.watchers.add(w);
        return () => this.watchers.delete(w);
      },
      read: async () => this.level,
      close: async () => {
        this.closed++;
        this.watchers.clear();
      },
    };
  }

  asOutput(initial: 0 | 1 | undefined, nowMs: () => number): GpioOutput {
    this.opened++;
    if (initial !== undefined) this.level = initial;
    return {
      write: async (value) => {
        this.level = value;
        this.writes.push({ value, atMs: nowMs() });
      },
      close: async () => {
        this.closed++;
      },
    };
  }
}

export type SpiDeviceFactory = (spec: SpiSpec) => SpiBus;

export class FakeBoard implements BoardIo {
  private readonly lines = new Map<string, FakeGpioLine>();
  private readonly spiDevices = new Map<string, SpiDeviceFactory>();

  constructor(private readonly nowMs: () => number = () => performance.now()) {}

  line(chip: string, line: number, initial: 0 | 1 = 1): FakeGpioLine {
    const key = `${chip}:${line}`;
    let l = this.lines.get(key);
    if (!l) this.lines.set(key, (l = new FakeGpioLine(key, initial)));
    return l;
  }

  attachSpi(bus: number, device: number, factory: SpiDeviceFactory): void {
    this.spiDevices.set(`${bus}.${device}`, factory);
  }

  async openSpi(spec: SpiSpec): Promise<SpiBus> {
    const factory = this.spiDevices.get(`${spec.bus}.${spec.device}`);
    if (!factory) throw new Error(`cannot open /dev/spidev${spec.bus}.${spec.device}: ENOENT (nothing attached on the fake board)`);
    return factory(spec);
  }

  async openGpioInput(spec: GpioLineSpec): Promise<GpioInput> {
    return this.line(spec.chip, spec.line).asInput();
  }

  async openGpioOutput(spec: GpioLineSpec & { initial?: 0 | 1 }): Promise<GpioOutput> {
    return this.line(spec.chip, spec.line, 0).asOutput(spec.initial, this.nowMs);
  }
}
