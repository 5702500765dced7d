// Builds and runs the simulated devices described by a demo config.
import type { Logger } from '../src/common/logger.js';
import { SimulatedGarment } from './garment-sim.js';
import { SimulatedCyton } from './openbci/cyton-sim.js';
import type { CytonSimulatorConfig, GarmentSimulatorConfig, SimulatorConfig } from './sim-config.js';
import { EdfEegSource, syntheticEegSource, type EegSource } from './signals/eeg.js';
import { RecordSource, syntheticSource, type SignalSource } from './signals/source.js';

export async function createSimulatedGarment(config: GarmentSimulatorConfig, speed = 1): Promise<SimulatedGarment> {
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

/** A simulated Cyton whose EEG comes from its configured source (synthetic, or an EDF replay). */
export function createSimulatedCyton(config: CytonSimulatorConfig, speed = 1): SimulatedCyton {
  const src = config.source;
  return new SimulatedCyton({
    linkPath: config.link.path,
    daisy: config.daisy,
    seed: config.seed,
    speed,
    makeSource: (sampleRateHz, channelCount): EegSource | Promise<EegSource> =>
      src.type === 'edf'
        ? EdfEegSource.fromFile(src.file, { sampleRateHz, channelCount, labels: src.labels })
        : syntheticEegSource({ sampleRateHz, channels: Array.from({ length: channelCount }, (_, i) => `EEG${i + 1}`), seed: src.seed, alphaUv: src.alphaUv, lineNoiseUv: src.lineNoiseUv }),
  });
}

/** Starts every simulator; returns a function that stops them all. */
export async function startSimulators(
  configs: SimulatorConfig[],
  log: Logger,
  options: { speed?: number } = {},
): Promise<() => Promise<void>> {
  const running: Array<{ stop(): void }> = [];
  for (const config of configs) {
    if (config.kind === 'cyton') {
      const cyton = createSimulatedCyton(config, options.speed ?? 1);
      await cyton.start();
      log.info(`simulated Cyton${config.daisy ? ' + Daisy' : ''} on ${config.link.path} (${config.source.type}), streams when told to`);
      running.push(cyton);
      continue;
    }
    const garment = await createSimulatedGarment(config, options.speed ?? 1);
    garment.start();
    log.info(`simulated garment ${config.deviceId} streaming on ${config.link.path} (${config.source.type})`);
    running.push(garment);
  }
  return async () => {
    for (const r of running) r.stop();
  };
}
