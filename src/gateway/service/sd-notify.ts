// systemd service notifications (sd_notify: READY=1, WATCHDOG=1, STOPPING=1, STATUS=...) sent with
// the `systemd-notify` binary, because Node cannot open the AF_UNIX datagram socket systemd listens
// on. systemd-notify (systemd >= 246) waits on a notification barrier before it exits, so the
// manager has attributed the message to our unit (NotifyAccess=all) before the sender is gone:
// the old race of short-lived senders does not apply. Without NOTIFY_SOCKET nothing is sent.
import { execFile } from 'node:child_process';
import type { Logger } from '../../common/logger.js';

export interface ServiceNotifier {
  /** Sends one notification; resolves when the manager has taken it (or the send failed, logged). */
  notify(fields: Readonly<Record<string, string>>): Promise<void>;
  /** True while a notification is on its way (a watchdog ping is skipped rather than queued). */
  readonly busy: boolean;
  /** How often to ping: a third of the WatchdogSec systemd gave us (one skipped ping is survivable); absent when the watchdog is off. */
  readonly watchdogIntervalMs: number | undefined;
}

export interface SystemdNotifierOptions {
  env?: NodeJS.ProcessEnv;
  pid?: number;
  log: Logger;
  /** The systemd-notify binary (default: from PATH). */
  command?: string;
  /** A send that takes longer is abandoned (the manager is stuck or gone). */
  sendTimeoutMs?: number;
}

/** Ping interval from WATCHDOG_USEC/WATCHDOG_PID (sd_watchdog_enabled's rules), or undefined: a third of the timeout. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID !== undefined && env.WATCHDOG_PID !== '' && Number(env.WATCHDOG_PID) !== pid) return undefined;
  return Math.max(1, Math.floor(usec / 1000 / 3));
}

/** The arguments systemd-notify gets for `fields` (one VARIABLE=VALUE each, newlines flattened). */
export function notifyArgs(fields: Readonly<Record<string, string>>): string[] {
  return Object.entries(fields).map(([key, value]) => {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(key)) throw new Error(`sd_notify: bad variable name '${key}'`);
    return `${key}=${value.replace(/[\r\n]+/g, ' ')}`;
  });
}

/** A notifier for the service manager that started us, or undefined outside systemd. */
export function systemdNotifier(options: SystemdNotifierOptions): ServiceNotifier | undefined {
  const env = options.env ?? process.env;
  const socket = env.NOTIFY_SOCKET;
  if (socket === undefined || socket === '') return undefined;
  const command = options.command ?? 'systemd-notify';
  const timeoutMs = options.sendTimeoutMs ?? 10_000;
  const log = options.log;
  let inFlight = 0;
  let chain: Promise<void> = Promise.resolve();
  let warned = false;
  const sendNow = (args: string[]): Promise<void> =>
    new Promise((resolve) => {
      execFile(command, args, { env: { ...env, NOTIFY_SOCKET: socket }, timeout: timeoutMs }, (err, _stdout, stderr) => {
        if (err) {
          const message = `${command} ${args.join(' ')} failed: ${stderr.trim() || err.message}`;
          if (!warned) log.warn(`${message} (further failures at debug level)`);
          else log.debug(message);
          warned = true;
        }
        resolve();
      });
    });
  return {
    get busy() {
      return inFlight > 0;
    },
    watchdogIntervalMs: watchdogIntervalMs(env, options.pid ?? process.pid),
    notify(fields) {
      const args = notifyArgs(fields);
      inFlight++;
      // One at a time and in order: READY=1 must not overtake STATUS, nor STOPPING=1 a ping.
      chain = chain.then(() => sendNow(args)).finally(() => inFlight--);
      return chain;
    },
  };
}
