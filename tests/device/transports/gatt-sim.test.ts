// The in-process simulated GATT link (hardware/ble/sim-link.ts) against the shared GATT contract.
import { suite } from 'uvu';
import { SimGattLink } from '../../../hardware/ble/sim-link.js';
import { gattContract } from './gatt-contract.js';

const sim = suite('simulated GATT link');
gattContract(sim, 'sim', async (peripheral, timeouts) => {
  const link = new SimGattLink(peripheral, timeouts);
  return { link, peripheral, dispose: () => link.disconnect() };
});
sim.run();
