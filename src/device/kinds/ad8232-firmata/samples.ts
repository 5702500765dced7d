// Pure pieces of the AD8232/Firmata stream: ADC counts to electrode microvolts, and the device clock
// that Firmata does not have. Firmata analog samples carry no timestamp or sequence number, so sample
// i is at i x interval on the device clock, and losses can only be inferred from arrival times: a
// lasting shortfall of arrivals against that clock (serial overrun, a blocked UART) is counted as
// lost samples and advances the sample index; jitter and bursts (USB latency) are not.

export interface ScaleOptions {
  adcBits: number;
  adcVrefV: number;
  gainX: number;
  offsetV: number;
}

/**
 * Electrode microvolts from ADC counts: uV = (counts x Vref / 2^bits - offsetV) / gainX x 1e6.
 * (ATmega328P: counts = Vin x 1024 / Vref.) At 10 bits, 5 V and gain 100 one count is 48.8 uV.
 */
export function countsToMicrovolts(counts: number, o: ScaleOptions): number {
  return (((counts * o.adcVrefV) / 2 ** o.adcBits - o.offsetV) / o.gainX) * 1e6;
}

export function microvoltsPerCount(o: ScaleOptions): number {
  return (o.adcVrefV / 2 ** o.adcBits / o.gainX) * 1e6;
}

export interface ArrivalClockOptions {
  intervalMs: number;
  /** Arrivals are compared per window: the smallest lag in a window is its floor. */
  windowMs?: number;
  /** A floor rise of at least this many intervals from one window to the next is a loss. */
  minLostSamples?: number;
}

/**
 * Device time for a stream without timestamps. Each arrival's lag = (arrival - first arrival) -
 * index x interval. Within a window, the minimum lag is the transport's latency floor; bursts and
 * stalls without loss raise single lags, not the floor. When the floor of a window is at least
 * `minLostSamples` intervals above the previous window's, that many samples (rounded) never arrived:
 * they are counted and the index jumps, so later samples sit at their true device time. Slow drift
 * (a ceramic resonator's 0.5 %: 5 ms/s) stays under the step and is absorbed window by window; losses
 * smaller than `minLostSamples` are not detectable this way.
 */
export class ArrivalClock {
  private readonly windowMs: number;
  private readonly minLostSamples: number;
  private startMs: number | undefined;
  private nextIndex = 0;
  private windowStartMs = 0;
  private windowFloorMs = Number.POSITIVE_INFINITY;
  private floorMs: number | undefined;
  private warmedUp = false;
  samplesLost = 0;
  /** Loss events (each a lasting step), for `framesLost`. */
  gaps = 0;

  constructor(private readonly options: ArrivalClockOptions) {
    this.windowMs = options.windowMs ?? 1000;
    this.minLostSamples = options.minLostSamples ?? 3;
  }

  get started(): boolean {
    return this.startMs !== undefined;
  }

  /** Index the next sample will get. */
  get index(): number {
    return this.nextIndex;
  }

  /** A new link: the next arrival restarts the latency estimate; the index continues from `resumeIndex`. */
  restart(resumeIndex = this.nextIndex): void {
    this.startMs = undefined;
    this.floorMs = undefined;
    this.warmedUp = false;
    this.windowFloorMs = Number.POSITIVE_INFINITY;
    this.nextIndex = resumeIndex;
  }

  /**
   * One sample arrived at `nowMs`; returns its index and how many samples were found lost just before
   * it (0 mostly). The index of the first sample after a restart is where the clock resumes.
   */
  arrive(nowMs: number): { index: number; lostBefore: number } {
    const interval = this.options.intervalMs;
    if (this.startMs === undefined) {
      this.startMs = nowMs - this.nextIndex * interval;
      this.windowStartMs = nowMs;
    }
    let lostBefore = 0;
    if (nowMs - this.windowStartMs >= this.windowMs) {
      const floor = this.windowFloorMs;
      // The first window is warm-up: StandardFirmata answers REPORT_ANALOG with one sample at once, off
      // the sampling cadence, and the link's first chunks are irregular; the floor comes from the second.
      if (!this.warmedUp) this.warmedUp = true;
      else if (Number.isFinite(floor)) {
        const stepMs = this.floorMs === undefined ? 0 : floor - this.floorMs;
        const lost = Math.round(stepMs / interval);
        if (this.floorMs !== undefined && lost >= this.minLostSamples) {
          lostBefore = lost;
          this.samplesLost += lost;
          this.gaps++;
          this.nextIndex += lost;
          // The floor stays: with the index moved, later lags come back to it.
        } else this.floorMs = floor;
      }
      this.windowStartMs = nowMs;
      this.windowFloorMs = Number.POSITIVE_INFINITY;
    }
    const index = this.nextIndex++;
    const lagMs = nowMs - this.startMs - index * interval;
    if (lagMs < this.windowFloorMs) this.windowFloorMs = lagMs;
    return { index, lostBefore };
  }
}

/** Arrival rate over a sliding window of about `windowMs`, samples per second (null before one window). */
export class RateMeter {
  /** One mark per 100 ms at most (small at any rate): total count at that instant. */
  private readonly marks: Array<{ tMs: number; count: number }> = [];
  private latest: { tMs: number; count: number } | undefined;
  private total = 0;

  constructor(private readonly windowMs = 10_000) {}

  add(nowMs: number, count = 1): void {
    this.total += count;
    this.latest = { tMs: nowMs, count: this.total };
    const last = this.marks.at(-1);
    if (!last || nowMs - last.tMs >= 100) this.marks.push({ tMs: nowMs, count: this.total });
    while (this.marks.length > 2 && nowMs - this.marks[1].tMs >= this.windowMs) this.marks.shift();
  }

  reset(): void {
    this.marks.length = 0;
    this.latest = undefined;
    this.total = 0;
  }

  rateHz(): number | null {
    const first = this.marks[0];
    const last = this.latest;
    if (!first || !last || last.tMs - first.tMs < Math.min(1000, this.windowMs / 2)) return null;
    return ((last.count - first.count) * 1000) / (last.tMs - first.tMs);
  }
}
