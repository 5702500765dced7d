// Runs only the `simulators:` section of a demo config, in a process of its own, so the gateway
// can run apart (`weargate run`) and each process's memory is measured without the other's.
// Usage: tsx hardware/run-simulators.ts --config config/demo.yaml [--speed 10] [--memory-log-s 30]
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/common/logger.js';
import { readConfigDocument } from '../src/gateway/config/load.js';
import { validateSimulators } from './sim-config.js';
import { startSimulators } from './simulators.js';

const { values } = parseArgs({
  options: {
    config: { type: 'string', short: 'c', default: 'config/demo.yaml' },
    speed: { type: 'string', default: '1' },
    'memory-log-s': { type: 'string', default: '0' },
  },
});
const configPath = resolve(values.config!);
const speed = Number(values.speed);
if (!(speed > 0)) throw new Error(`--speed must be a positive number (got ${values.speed})`);
const doc = readConfigDocument(configPath) as { simulators?: unknown };
const sims = validateSimulators(doc.simulators, dirname(configPath));
const log = createLogger('sim');
const stop = await startSimulators(sims, log, { speed });
const memoryLogS = Number(values['memory-log-s']);
if (memoryLogS > 0) {
  // RSS and heap of the simulators alone, to tell their memory from the gateway's.
  setInterval(() => {
    const m = process.memoryUsage();
    log.info('memory', { rssBytes: m.rss, heapUsedBytes: m.heapUsed, externalBytes: m.external, arrayBuffersBytes: m.arrayBuffers });
  }, memoryLogS * 1000).unref();
}
const shutdown = (): void => void stop().then(() => process.exit(0));
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
