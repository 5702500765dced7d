// Loaded before every test file (scripts/run-tests.mjs). Locally fast-check draws a new seed each run,
// which finds new counterexamples; CI uses one fixed seed (or WG_FC_SEED) so a green main stays green
// and a failure can be replayed. A failing property prints its seed either way.
import fc from 'fast-check';

const seedText = process.env.WG_FC_SEED ?? (process.env.CI === 'true' ? '20261201' : undefined);
if (seedText !== undefined) fc.configureGlobal({ seed: Number(seedText) });
