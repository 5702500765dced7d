// The one link loop every device kind and transport shares: open, consume until the link ends,
// reopen with backoff, a silence watchdog, and a clean stop. "Connected" means the device's data
// arrives (`alive()`), not that a port or a radio link opened: a silent device is reported lost
// once and stays lost while the reopens go on, ever more slowly (the backoff is reset only by data).
import { Backoff, abortableDelay } from '../common/backoff.js';
import type { Logger } from '../common/logger.js';

/** What the supervisor drives: one connection at a time. */
export interface SupervisedLink {
  readonly address: string;
  /** Opens the link; rejects with a clear message when the device is absent. */
  open(signal: AbortSignal): Promise<void>;
  /** Consumes the open link until it ends; resolves with the reason (or rejects with the error). */
  pump(signal: AbortSignal): Promise<string>;
  /** Closes the link (idempotent); ends a running `pump`. */
  close(): Promise<void>;
  /** Per-connection state to drop after a link ends (partial frames, learned ids). */
  onLinkEnd?(): void;
}

export interface LinkSupervisorOptions {
  link: SupervisedLink;
  reconnect: { initialDelayMs: number; maxDelayMs: number };
  /** No data for this long: the device is reported lost and the link reopened. */
  silenceTimeoutMs: number;
  log: Logger;
  onStatus(status: { connected: boolean; reason?: string }): void;
  nowMs?: () => number;
}

export class LinkSupervisor {
  private readonly backoff: Backoff;
  private readonly abort = new AbortController();
  private readonly nowMs: () => number;
  private loop: Promise<void> | undefined;
  private connectedNow = false;
  private reconnectCount = 0;
  private lastDataMs = 0;
  private lastReported: string | undefined;

  constructor(private readonly options: LinkSupervisorOptions) {
    this.backoff = new Backoff(options.reconnect.initialDelayMs, options.reconnect.maxDelayMs);
    this.nowMs = options.nowMs ?? (() => performance.now());
  }

  get connected(): boolean {
    return this.connectedNow;
  }

  /** Link opens after the first one. */
  get reconnects(): number {
    return this.reconnectCount;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.options.link.close();
    await this.loop;
  }

  /** The device's own data arrived (a valid frame, a notification): the link is alive. */
  alive(): void {
    this.lastDataMs = this.nowMs();
    if (this.connectedNow) return;
    this.connectedNow = true;
    this.backoff.reset();
    this.options.log.info(`receiving data on ${this.options.link.address}`);
    this.report({ connected: true });
  }

  private async run(): Promise<void> {
    const { link, log } = this.options;
    const signal = this.abort.signal;
    const silenceMs = this.options.silenceTimeoutMs;
    let everOpened = false;
    while (!signal.aborted) {
      try {
        await link.open(signal);
      } catch (err) {
        const delayMs = this.backoff.nextDelayMs();
        log.debug(() => `${(err as Error).message}; retry in ${delayMs} ms`);
        this.report({ connected: false, reason: (err as Error).message });
        await abortableDelay(delayMs, signal);
        continue;
      }
      if (signal.aborted) break;
      if (everOpened) this.reconnectCount++;
      everOpened = true;
      log.debug(`opened ${link.address}`);
      let reason = 'closed';
      this.lastDataMs = this.nowMs();
      const watchdog = setInterval(() => {
        if (this.nowMs() - this.lastDataMs < silenceMs) return;
        reason = `no data for ${formatSeconds(silenceMs)} s`;
        void link.close();
      }, Math.min(1000, silenceMs / 5));
      try {
        const ended = await link.pump(signal);
        if (reason === 'closed') reason = ended;
      } catch (err) {
        reason = (err as Error).message;
      } finally {
        clearInterval(watchdog);
      }
      this.connectedNow = false;
      link.onLinkEnd?.();
      if (signal.aborted) break;
      // Said once: a device that stays silent across reopens repeats the same status, which is not news.
      if (this.report({ connected: false, reason })) log.warn(`link lost on ${link.address}: ${reason}`);
      else log.debug(() => `still no data on ${link.address}: ${reason}`);
      await link.close();
      await abortableDelay(this.backoff.nextDelayMs(), signal);
    }
    this.connectedNow = false;
    this.report({ connected: false, reason: 'gateway stopping' });
  }

  /** Reports link status when it changes; true when reported. */
  private report(status: { connected: boolean; reason?: string }): boolean {
    const key = JSON.stringify(status);
    if (key === this.lastReported) return false;
    this.lastReported = key;
    this.options.onStatus(status);
    return true;
  }
}

/** 5000 -> "5", 1500 -> "1.5": the silence timeout as configured, in seconds. */
function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
