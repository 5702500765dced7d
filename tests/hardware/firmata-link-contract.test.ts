// The Firmata emulator's pseudo-terminal link, seen through the serial transport the gateway uses,
// against the shared transport contract (tests/device/transports/contract.ts).
import { suite } from 'uvu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedFirmataAd8232 } from '../../hardware/firmata/emulator.js';
import { syntheticSource } from '../../hardware/signals/source.js';
import { SerialTransport } from '../../src/device/transports/serial.js';
import { transportContract } from '../device/transports/contract.js';

const link = suite('Firmata emulator link (PTY)');
transportContract(link, 'firmata-emulator', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'wg-firmata-')), 'tty');
  const sim = new SimulatedFirmataAd8232({ linkPath: path, source: syntheticSource({ sampleRateHz: 250, heartRateBpm: 60, noiseMicrovolts: 0, seed: 1 }) });
  // Running, but nothing asked it to report, so the board itself stays quiet on the link.
  sim.start();
  const transport = new SerialTransport({ path, baudRate: 57600 });
  return {
    transport,
    deviceWrite: (bytes) => sim.injectBytes(bytes),
    deviceReceived: () => sim.receivedBytes(),
    unplug: () => sim.unplug(),
    dispose: async () => {
      await transport.close();
      sim.stop();
    },
  };
});
link.run();
