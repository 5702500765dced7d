// The pacing every simulated peripheral shares: a timer that calls `tick()` every `tickMs` and the
// simulated time since the clock was started, `speed` times real time, so each tick sends what is due.
export class SimTicker {
  private timer: NodeJS.Timeout | undefined;
  private originMs = 0;

  constructor(
    private readonly tickMs: number,
    private readonly speed: number,
    private readonly tick: () => void,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Simulated seconds since start (or since the last `restartClock`). */
  get elapsedS(): number {
    return ((performance.now() - this.originMs) / 1000) * this.speed;
  }

  start(): void {
    if (this.timer) return;
    this.originMs = performance.now();
    this.timer = setInterval(this.tick, this.tickMs);
    this.timer.unref();
  }

  /** Measure from now on (e.g. when a headset is told to start streaming). */
  restartClock(): void {
    this.originMs = performance.now();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
