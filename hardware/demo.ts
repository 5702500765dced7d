// `npm start`: the gateway with its simulated devices and the embedded MQTT broker, from one
// config file whose `simulators:` section describes the simulated hardware.
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../src/common/errors.js';
import { readConfigDocument, resolvePaths, validateConfig } from '../src/gateway/config/load.js';
import { runGateway } from '../src/gateway/run-gateway.js';
import { createLogger } from '../src/common/logger.js';
import { ads1299DemoDevice, startAds1299Demo } from './ads1299/demo.js';
import { ensureDemoAthlete } from './demo-athlete.js';
import { bleDemoDevices, canRunBleDemo, startBleDemo } from './ble-demo.js';
import { validateSimulators } from './sim-config.js';
import { startSimulators } from './simulators.js';

const { values } = parseArgs({ options: { config: { type: 'string', short: 'c', default: 'config/demo.yaml' } } });
const configPath = resolve(values.config!);
try {
  const doc = readConfigDocument(configPath);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ConfigError(['(root): expected an object']);
  const { simulators, ...gatewayDoc } = doc as Record<string, unknown>;
  const baseDir = dirname(configPath);
  const sims = validateSimulators(simulators, baseDir);
  const ble = canRunBleDemo();
  if (ble) gatewayDoc.devices = [...((gatewayDoc.devices as unknown[] | undefined) ?? []), ...bleDemoDevices];
  else process.stderr.write('weargate demo: no dbus-daemon, so no simulated Polar H10 and Muse (apt-get install dbus to add them)\n');
  gatewayDoc.devices = [...((gatewayDoc.devices as unknown[] | undefined) ?? []), ads1299DemoDevice];
  const config = resolvePaths(validateConfig(gatewayDoc), baseDir);
  // The emulated ADS1299 board is the controller's io; it converts only once the gateway starts it.
  const ads1299 = startAds1299Demo(createLogger('wg:sim', { level: config.logLevel }));
  // runGateway runs the preflight (TLS files, dataDir) on this config before the simulators start.
  process.exitCode = await runGateway({
    config,
    io: ads1299.board,
    beforeStart: async (log) => {
      if (config.similarity.enabled) await ensureDemoAthlete(config.dataDir, 'garment-mitbih', log.child('demo'));
      const stopGarments = await startSimulators(sims, log.child('sim'));
      const stopBle = ble ? await startBleDemo(log.child('sim')) : undefined;
      return async () => {
        ads1299.stop();
        await stopBle?.();
        await stopGarments();
      };
    },
  });
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`weargate demo: refusing to start, ${err.message}\n`);
  process.exitCode = 2;
}
