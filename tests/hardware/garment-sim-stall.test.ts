// A stalled simulated garment sends nothing for the stall and loses the frames sampled meanwhile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedGarment } from '../../hardware/garment-sim.js';
import { syntheticSource } from '../../hardware/signals/source.js';

test('stall: frames due during the stall are generated but not written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wg-stall-'));
  let nowMs = 0;
  const garment = new SimulatedGarment({
    deviceId: 1,
    sampleRateHz: 250,
    samplesPerFrame: 25,
    microvoltsPerCount: 0.5,
    source: syntheticSource({ sampleRateHz: 250, heartRateBpm: 60, noiseMicrovolts: 0, seed: 1 }),
    linkPath: join(dir, 'tty'),
    clock: { nowMs: () => nowMs },
  });
  try {
    garment.start();
    nowMs = 1000;
    garment.tick(); // 10 frames per second
    assert.is(garment.stats.framesWritten, 10);
    garment.stall(500);
    nowMs = 1400;
    garment.tick();
    assert.is(garment.stats.framesWhileStalled, 4);
    nowMs = 2000;
    garment.tick();
    assert.is(garment.stats.framesGenerated, 20);
    assert.is(garment.stats.framesWritten, 16, 'sending resumes after the stall');
  } finally {
    garment.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
