// The daemon's life as a systemd service (deploy/weargate.service, Type=notify): READY=1 once the
// broker connection and the devices are up (or after readyTimeoutMs, with a STATUS saying what is
// missing: a strap that is not worn must not keep the unit "activating" until systemd kills it),
// WATCHDOG=1 while the pipeline checks pass, STOPPING=1 when a stop begins. Outside systemd (no
// NOTIFY_SOCKET) it does nothing.
import type { Logger } from '../../common/logger.js';
import type { Controller } from '../controller.js';
import { drainCheck, eventLoopCheck, eventLoopDelaySource } from './health-checks.js';
import { systemdNotifier, type ServiceNotifier } from './sd-notify.js';
import { ServiceWatchdog } from './watchdog.js';

export interface ServiceLifecycleOptions {
  controller: Controller;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** READY=1 at the latest this long after start, whatever is still missing. */
  readyTimeoutMs?: number;
  /** An outbox that does not drain while connected for this long fails the watchdog. */
  drainStallMs?: number;
  notifier?: ServiceNotifier;
}

export interface ServiceLifecycle {
  /** Resolves when READY=1 has been sent (at once outside systemd). */
  readonly ready: Promise<void>;
  /** STOPPING=1 and no more pings; call before the controller stops. */
  stopping(): Promise<void>;
}

/** What is still missing before READY=1, or an empty list. */
export function readinessGaps(controller: Controller): string[] {
  const gaps: string[] = [];
  if (!controller.mqtt?.isConnected) gaps.push('broker not connected (results wait in the outbox)');
  const down = [...controller.devices].filter(([, d]) => !d.stats().connected).map(([id]) => id);
  if (down.length > 0) gaps.push(`${down.length} device(s) not up: ${down.slice(0, 8).join(', ')}${down.length > 8 ? ', ...' : ''}`);
  return gaps;
}

export function startServiceLifecycle(options: ServiceLifecycleOptions): ServiceLifecycle {
  const { controller, log } = options;
  const notifier = options.notifier ?? systemdNotifier({ env: options.env, log: log.child('systemd') });
  if (notifier === undefined) return { ready: Promise.resolve(), stopping: () => Promise.resolve() };

  const intervalMs = notifier.watchdogIntervalMs;
  const loop = eventLoopDelaySource();
  const watchdog = new ServiceWatchdog({
    notifier,
    log,
    checks: [
      // Blocked for longer than a ping interval: the next ping would already be late.
      eventLoopCheck(loop.read, intervalMs ?? 10_000),
      drainCheck(() => {
        const mqtt = controller.mqtt;
        if (mqtt === undefined) return undefined;
        const s = mqtt.stats();
        return { connected: mqtt.isConnected, depth: s.depth, settled: s.published + s.evicted + s.lost + s.refused };
      }, options.drainStallMs ?? 120_000),
    ],
  });
  let stopped = false;
  let poll: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve) => {
    const deadlineMs = Date.now() + (options.readyTimeoutMs ?? 30_000);
    const check = (): void => {
      if (stopped) return resolve();
      const gaps = readinessGaps(controller);
      if (gaps.length > 0 && Date.now() < deadlineMs) return;
      clearInterval(poll);
      const status = gaps.length === 0 ? 'running: broker connected, all devices up' : `running; ${gaps.join('; ')}`;
      if (gaps.length > 0) log.warn(`ready with gaps: ${gaps.join('; ')}`);
      void notifier.notify({ READY: '1', STATUS: status }).then(() => {
        if (!stopped) watchdog.start();
        resolve();
      });
    };
    poll = setInterval(check, 200);
    check();
  });
  return {
    ready,
    async stopping() {
      if (stopped) return;
      stopped = true;
      clearInterval(poll);
      watchdog.stop();
      loop.stop();
      await notifier.notify({ STOPPING: '1', STATUS: 'stopping' });
    },
  };
}
