// Builds and runs the simulated devices described by a demo config.
import type { Logger } from '../src/common/logger.js';
import { SimulatedGarment } from './garment-sim.js';
import type { SimulatorConfig } from './sim-config.js';
import { RecordSource, syntheticSource, type SignalSource } from './signals/source.js';

export async function createSimulatedGarment(config: SimulatorConfig, speed = 1): Promise<SimulatedGarment> {
  const src = config.source;
  const source: SignalSource =
    src.type === 'synthetic'
      ? syntheticSource({ sampleRateHz: config.sampleRateHz, heartRateBpm: src.heartRateBpm, noiseMicrovolts: src.noiseMicrovolts, seed: src.seed })
      : await RecordSource.fromWfdb(src.record, src.channel, config.sampleRateHz, src.loop, config.deviceId);
  return new SimulatedGarment({
    deviceId: config.deviceId,
    sampleRateHz: config.sampleRateHz,
    samplesPerFrame: config.samplesPerFrame,
    microvoltsPerCount: config.microvoltsPerCount,
    source,
    linkPath: config.link.path,
    speed,
  });
}

/** Starts every simulator; returns a function that stops them all. */
export async function startSimulators(
  configs: SimulatorConfig[],
  log: Logger,
  options: { speed?: number } = {},
): Promise<() => Promise<void>> {
  const garments: SimulatedGarment[] = [];
  for (const config of configs) {
    const garment = await createSimulatedGarment(config, options.speed ?? 1);
    garment.start();
    log.info(`simulated garment ${config.deviceId} streaming on ${config.link.path} (${config.source.type})`);
    garments.push(garment);
  }
  return async () => {
    for (const g of garments) g.stop();
  };
}
