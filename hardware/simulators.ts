// Builds and runs the simulated devices described by a demo config, one case per simulator kind.
import type { Logger } from '../src/common/logger.js';
import { SimulatedFirmataAd8232 } from './firmata/emulator.js';
import { runScript } from './firmata/script.js';
import { SimulatedGarment } from './garment-sim.js';
import { SimulatedCyton } from './openbci/cyton-sim.js';
import type { CytonSimulatorConfig, FirmataAd8232SimulatorConfig, GarmentSimulatorConfig, SimulatorConfig } from './sim-config.js';
import { EdfEegSource, syntheticEegSource, type EegSource } from './signals/eeg.js';
import { GanSource } from './signals/gan-source.js';
import { RecordSource, syntheticSource, type SignalSource } from './signals/source.js';

type EcgSourceConfig = GarmentSimulatorConfig['source'];

/** The ECG source of a garment or a Firmata front end: McSharry, a WFDB replay or the GAN. */
export async function createEcgSource(src: EcgSourceConfig, sampleRateHz: number, seed: number): Promise<SignalSource> {
  switch (src.type) {
    case 'synthetic':
      return syntheticSource({ sampleRateHz, heartRateBpm: src.heartRateBpm, noiseMicrovolts: src.noiseMicrovolts, seed: src.seed });
    case 'wfdb':
      return RecordSource.fromWfdb(src.record, src.channel, sampleRateHz, src.loop, seed);
    case 'gan':
      return GanSource.create({ sampleRateHz, rhythmClass: src.rhythmClass, seed: src.seed, vFraction: src.vFraction, heartRateBpm: src.heartRateBpm, noiseMicrovolts: src.noiseMicrovolts, modelDir: src.model, variant: src.variant });
  }
}

export async function createSimulatedGarment(config: GarmentSimulatorConfig, speed = 1): Promise<SimulatedGarment> {
  const source = await createEcgSource(config.source, config.sampleRateHz, config.deviceId);
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

/** The Firmata board samples in real time (the gateway sets its interval), so it has no speed-up. */
export async function createSimulatedFirmata(config: FirmataAd8232SimulatorConfig): Promise<SimulatedFirmataAd8232> {
  const source = await createEcgSource(config.source, config.sampleRateHz, 1);
  return new SimulatedFirmataAd8232({
    linkPath: config.link.path,
    source,
    frontEnd: { gainX: config.frontEnd.gainX, supplyV: config.frontEnd.supplyV, adcVrefV: config.frontEnd.adcVrefV },
  });
}

async function startOne(config: SimulatorConfig, log: Logger, speed: number): Promise<{ stop(): void }> {
  switch (config.kind) {
    case 'garment': {
      const garment = await createSimulatedGarment(config, speed);
      garment.start();
      log.info(`simulated garment ${config.deviceId} streaming on ${config.link.path} (${config.source.type})`);
      return garment;
    }
    case 'cyton': {
      const cyton = createSimulatedCyton(config, speed);
      await cyton.start();
      log.info(`simulated Cyton${config.daisy ? ' + Daisy' : ''} on ${config.link.path} (${config.source.type}), streams when told to`);
      return cyton;
    }
    case 'ad8232-firmata': {
      const board = await createSimulatedFirmata(config);
      board.start();
      const cancel = runScript(board, config.script);
      log.info(`simulated Arduino Nano (StandardFirmata) + AD8232 on ${config.link.path} (${config.source.type}, ${config.script.length} scripted events)`);
      return {
        stop: () => {
          cancel();
          board.stop();
        },
      };
    }
  }
}

/** Starts every simulator; returns a function that stops them all. */
export async function startSimulators(
  configs: SimulatorConfig[],
  log: Logger,
  options: { speed?: number } = {},
): Promise<() => Promise<void>> {
  const running: Array<{ stop(): void }> = [];
  for (const config of configs) running.push(await startOne(config, log, options.speed ?? 1));
  return async () => {
    for (const r of running) r.stop();
  };
}
