// The Cyton simulator's link (its PTY, opened by the real serialport stack) against the shared
// transport contract.
import { suite } from 'uvu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedCyton } from '../../../hardware/openbci/cyton-sim.js';
import { syntheticEegSource } from '../../../hardware/signals/eeg.js';
import { SerialTransport } from '../../../src/device/transports/serial.js';
import { transportContract } from './contract.js';

const link = suite('cyton simulator PTY link');
transportContract(link, 'cyton-sim', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'wg-cyton-link-')), 'tty');
  const sim = new SimulatedCyton({
    linkPath: path,
    daisy: false,
    makeSource: (sampleRateHz, n) => syntheticEegSource({ sampleRateHz, channels: Array.from({ length: n }, (_, i) => `EEG${i + 1}`), seed: 1 }),
  });
  await sim.start();
  const transport = new SerialTransport({ path, baudRate: 115200 });
  return {
    transport,
    deviceWrite: (bytes) => sim.injectBytes(bytes),
    deviceReceived: () => Uint8Array.from(sim.received),
    unplug: () => sim.unplug(),
    dispose: async () => {
      await transport.close();
      sim.stop();
    },
  };
});
link.run();
