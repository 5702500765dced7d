// Starts the real controller against a real broker and simulated garments on real PTYs.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import type { GatewayConfig } from '../../src/gateway/config/schema.js';
import { Controller } from '../../src/gateway/controller.js';
import { SimulatedGarment } from '../../hardware/garment-sim.js';
import { syntheticSource } from '../../hardware/signals/source.js';

export const dataDir = new URL('../../../shared/data/', import.meta.url).pathname;

export interface Rig {
  dir: string;
  config: GatewayConfig;
  controller: Controller;
  garment: SimulatedGarment;
  log: ReturnType<typeof createMemoryLogger>;
}

/** A synthetic 72 bpm garment at 250 Hz running `speed` times real time. */
export function makeGarment(dir: string, speed = 4): SimulatedGarment {
  return new SimulatedGarment({
    deviceId: 7,
    sampleRateHz: 250,
    samplesPerFrame: 25,
    microvoltsPerCount: 0.5,
    source: syntheticSource({ sampleRateHz: 250, heartRateBpm: 72, noiseMicrovolts: 15, seed: 3 }),
    linkPath: join(dir, 'tty-g1'),
    speed,
  });
}

/** The test gateway's config document (one garment 'g1' on `<dir>/tty-g1`), before validation. */
export function configDocument(dir: string, mqtt: Record<string, unknown>, gatewayId = 'gw-test'): Record<string, unknown> {
  return {
    version: 1,
    gatewayId,
    dataDir: join(dir, 'state'),
    logLevel: 'debug',
    mqtt: { reconnectPeriodMs: 100, ...mqtt },
    health: { intervalS: 1 },
    statusLine: { enabled: false },
    devices: [
      {
        id: 'g1',
        kind: 'garment',
        transport: { type: 'serial', path: join(dir, 'tty-g1') },
        reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
        ecg: { detector: 'pan-tompkins', beatsPublishIntervalS: 0.5, hrPublishIntervalS: 1 },
      },
    ],
  };
}

export function makeConfig(dir: string, mqtt: Record<string, unknown>): GatewayConfig {
  return validateConfig(configDocument(dir, mqtt));
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'wg-e2e-'));
}

export function vector(name: string): Uint8Array {
  const path = new URL(`../../firmware-bridge/vectors/${name}.json`, import.meta.url);
  return Buffer.from((JSON.parse(readFileSync(path, 'utf8')) as { hex: string }).hex, 'hex');
}

export function invalidVectorNames(): string[] {
  return readdirSync(new URL('../../firmware-bridge/vectors/', import.meta.url))
    .filter((f) => f.startsWith('invalid-') && f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''));
}

export { Controller };
