// A Cyton session (the real kind: SerialTransport, serialport) against the Cyton simulator on a PTY.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { SimulatedCyton, type SimulatedCytonOptions } from '../../../hardware/openbci/cyton-sim.js';
import { syntheticEegSource } from '../../../hardware/signals/eeg.js';
import { createMemoryLogger } from '../../../src/common/logger.js';
import { kind } from '../../../src/device/kinds/cyton/index.js';
import { CytonConfig } from '../../../src/device/kinds/cyton/schema.js';
import type { DeviceSession, DeviceStatusReport } from '../../../src/device/kinds/kind.js';
import type { SampleBlock } from '../../../src/streaming/types.js';

export interface CytonRig {
  sim: SimulatedCyton;
  session: DeviceSession;
  blocks: SampleBlock[];
  statuses: DeviceStatusReport[];
  log: ReturnType<typeof createMemoryLogger>;
  config: CytonConfig;
  dispose(): Promise<void>;
}

export async function cytonRig(opts: { boardDaisy: boolean; config?: Record<string, unknown>; speed?: number; makeSource?: SimulatedCytonOptions['makeSource'] }): Promise<CytonRig> {
  const path = join(mkdtempSync(join(tmpdir(), 'wg-cyton-')), 'tty');
  const sim = new SimulatedCyton({
    linkPath: path,
    daisy: opts.boardDaisy,
    speed: opts.speed ?? 1,
    seed: 5,
    makeSource:
      opts.makeSource ??
      ((sampleRateHz, n) =>
        syntheticEegSource({ sampleRateHz, channels: Array.from({ length: n }, (_, i) => (i === 0 ? 'Fp1' : i === 1 ? 'O1' : `EEG${i + 1}`)), seed: 9 })),
  });
  await sim.start();
  const config = Value.Default(CytonConfig, {
    id: 'cyton1',
    kind: 'cyton',
    transport: { type: 'serial', path, baudRate: 115200 },
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    silenceTimeoutS: 5,
    ...opts.config,
  }) as CytonConfig;
  if (!Value.Check(CytonConfig, config)) throw new Error(JSON.stringify([...Value.Errors(CytonConfig, config)].map((e) => `${e.path} ${e.message}`)));
  const log = createMemoryLogger();
  const blocks: SampleBlock[] = [];
  const statuses: DeviceStatusReport[] = [];
  const session = kind.create({ deviceId: 'cyton1', config, log, onBlock: (b) => blocks.push(b), onStatus: (s) => statuses.push(s) });
  return {
    sim,
    session,
    blocks,
    statuses,
    log,
    config,
    dispose: async () => {
      await session.stop();
      sim.stop();
    },
  };
}

/** Rows (per sample index) of the blocks: index -> channel values. */
export function rowsOf(blocks: SampleBlock[]): Map<number, number[]> {
  const rows = new Map<number, number[]>();
  for (const b of blocks) {
    for (let i = 0; i < b.values[0].length; i++) rows.set(b.firstSampleIndex + i, b.values.map((v) => v[i]));
  }
  return rows;
}

export async function until(what: string, predicate: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
