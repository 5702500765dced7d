// The service watchdog: WATCHDOG=1 from a timer on the event loop, sent only while every pipeline
// check passes. A blocked event loop sends nothing (the timer cannot fire), a pipeline that is
// wedged while the loop runs fails a check: either way systemd's WatchdogSec runs out and it kills
// and restarts the daemon (Restart=on-failure). A check that fails is logged once per episode and
// shown in `systemctl status` (STATUS=...).
import type { Logger } from '../../common/logger.js';
import type { ServiceNotifier } from './sd-notify.js';

/** One pipeline check: undefined when healthy, otherwise why not. */
export type HealthCheck = (nowMs: number) => string | undefined;

export interface ServiceWatchdogOptions {
  notifier: ServiceNotifier;
  checks: readonly HealthCheck[];
  log: Logger;
  now?: () => number;
}

export class ServiceWatchdog {
  private timer: NodeJS.Timeout | undefined;
  private failing: string | undefined;

  constructor(private readonly options: ServiceWatchdogOptions) {}

  /** Pings every `notifier.watchdogIntervalMs` (nothing when systemd set no watchdog). */
  start(): void {
    const intervalMs = this.options.notifier.watchdogIntervalMs;
    if (intervalMs === undefined || this.timer) return;
    this.timer = setInterval(() => void this.tick(), intervalMs);
    void this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Runs the checks once and pings when all pass; returns the failure, if any. */
  async tick(): Promise<string | undefined> {
    const { notifier, checks, log } = this.options;
    const nowMs = (this.options.now ?? Date.now)();
    let failure: string | undefined;
    for (const check of checks) {
      failure = check(nowMs);
      if (failure !== undefined) break;
    }
    if (failure !== undefined) {
      if (this.failing !== failure) {
        log.error(`watchdog: pipeline unhealthy, not pinging systemd: ${failure}`);
        this.failing = failure;
        await notifier.notify({ STATUS: `unhealthy: ${failure}` });
      }
      return failure;
    }
    if (this.failing !== undefined) {
      log.info('watchdog: pipeline healthy again');
      this.failing = undefined;
      await notifier.notify({ STATUS: 'running', WATCHDOG: '1' });
      return undefined;
    }
    // A ping still on its way (systemd-notify is slow on a loaded Pi): skip rather than pile up.
    if (!notifier.busy) await notifier.notify({ WATCHDOG: '1' });
    return undefined;
  }
}
