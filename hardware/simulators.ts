// Builds and runs the simulated devices described by a demo config, one case per simulator kind.
import type { Logger } from '../src/common/logger.js';
import { SimulatedFirmataAd8232 } from './firmata/emulator.js';
import { runScript } from './firmata/script.js';
import { SimulatedGarment } from './garment-sim.js';
import type { FirmataAd8232SimulatorConfig, GarmentSimulatorConfig, SimulatorConfig } from './sim-config.js';
import { RecordSource, syntheticSource, type SignalSource } from './signals/source.js';

async function signalSource(src: SimulatorConfig['source'], sampleRateHz: number, seed: number): Promise<SignalSource> {
  return src.type === 'synthetic'
    ? syntheticSource({ sampleRateHz, heartRateBpm: src.heartRateBpm, noiseMicrovolts: src.noiseMicrovolts, seed: src.seed })
    : RecordSource.fromWfdb(src.record, src.channel, sampleRateHz, src.loop, seed);
}

export async function createSimulatedGarment(config: GarmentSimulatorConfig, speed = 1): Promise<SimulatedGarment> {
  return new SimulatedGarment({
    deviceId: config.deviceId,
    sampleRateHz: config.sampleRateHz,
    samplesPerFrame: config.samplesPerFrame,
    microvoltsPerCount: config.microvoltsPerCount,
    source: await signalSource(config.source, config.sampleRateHz, config.deviceId),
    linkPath: config.link.path,
    speed,
  });
}

/** The Firmata board samples in real time (the gateway sets its interval), so it has no speed-up. */
export async function createSimulatedFirmata(config: FirmataAd8232SimulatorConfig): Promise<SimulatedFirmataAd8232> {
  return new SimulatedFirmataAd8232({
    linkPath: config.link.path,
    source: await signalSource(config.source, config.sampleRateHz, 1),
    frontEnd: { gainX: config.frontEnd.gainX, supplyV: config.frontEnd.supplyV, adcVrefV: config.frontEnd.adcVrefV },
  });
}

interface Running {
  stop(): void;
}

async function startOne(config: SimulatorConfig, log: Logger, speed: number): Promise<Running> {
  switch (config.kind) {
    case 'garment': {
      const garment = await createSimulatedGarment(config, speed);
      garment.start();
      log.info(`simulated garment ${config.deviceId} streaming on ${config.link.path} (${config.source.type})`);
      return garment;
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
  const running: Running[] = [];
  for (const config of configs) running.push(await startOne(config, log, options.speed ?? 1));
  return async () => {
    for (const r of running) r.stop();
  };
}
