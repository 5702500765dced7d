// Loads the config, starts the controller, and stops it cleanly on SIGINT/SIGTERM.
import { ConfigError } from '../common/errors.js';
import { createLogger, journalWanted, type Logger } from '../common/logger.js';
import { loadConfigFile } from './config/load.js';
import { preflightConfig } from './config/preflight.js';
import type { GatewayConfig } from './config/schema.js';
import { Controller, type ControllerOptions } from './controller.js';
import { withReplaySpeed } from './config/replay-speed.js';
import { startServiceLifecycle, type ServiceLifecycle } from './service/lifecycle.js';

export interface RunGatewayOptions {
  configPath?: string;
  config?: GatewayConfig;
  /** Started before the controller, stopped after it (the demo's simulators). */
  beforeStart?: (log: Logger) => Promise<() => Promise<void>>;
  extensions?: ControllerOptions['extensions'];
  /** SPI and GPIO (default Linux); the demo passes an emulated board. */
  io?: ControllerOptions['io'];
  /** Overrides the speed of every replay device (`weargate run --speed`). */
  replaySpeed?: number;
}

/** Runs until a signal arrives; returns the process exit code. */
export async function runGateway(options: RunGatewayOptions): Promise<number> {
  let config: GatewayConfig;
  try {
    config = withReplaySpeed(options.config ?? loadConfigFile(options.configPath!), options.replaySpeed);
    // Before anything starts (simulators included): a bad TLS file or dataDir is a config problem.
    preflightConfig(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`weargate: refusing to start, ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  // Under systemd (stderr is the journal) each line carries its priority: journalctl -p warning works.
  const log = createLogger('wg', { level: config.logLevel, journal: journalWanted(config.log.journal) });
  const stopBefore = options.beforeStart ? await options.beforeStart(log) : undefined;
  const controller = new Controller({ config, log, extensions: options.extensions, io: options.io, onShutdown: (reason) => stop(reason) });
  const abort = new AbortController();
  let stopping: Promise<void> | undefined;
  let service: ServiceLifecycle | undefined;
  // A signal, or a signed `shutdown` command (exit 0; the service manager decides about a restart).
  const stop = (signal: string): void => {
    if (stopping) {
      log.warn(`second ${signal}: exiting now`);
      process.exit(1);
    }
    log.info(`${signal} received, stopping`);
    abort.abort();
    // STOPPING=1 first: systemd then waits for the exit instead of counting a missed ping.
    const told = service?.stopping() ?? Promise.resolve();
    stopping = told.then(() => controller.stop()).then(() => stopBefore?.());
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  try {
    await controller.start(abort.signal);
    // Under systemd (Type=notify): READY=1 once the broker and devices are up, then the watchdog.
    if (!abort.signal.aborted) service = startServiceLifecycle({ controller, log });
  } catch (err) {
    log.error(`start failed: ${(err as Error).message}`);
    await controller.stop();
    await stopBefore?.();
    return 1;
  }
  await new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve(), { once: true }));
  await stopping;
  log.info('stopped');
  return 0;
}
