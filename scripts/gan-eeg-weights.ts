// The spherical-spline interpolation of the MDD maps as arrays, for training/gan/eeg_data.py:
//   npx tsx scripts/gan-eeg-weights.ts [--out training/out/gan-eeg/interp]
// -> interp.json {electrodes, bands, gridPx, inside: flat pixel indices inside the head, weights:
// [insidePixels][electrodes] float64}, made by montageMapper (the code features.ts uses).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MDD_FEATURES } from '../src/models/mdd/features.js';
import { splineInterpDump } from '../src/models/gan/eeg-maps.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'training/out/gan-eeg/interp.json' } } });
const p = DEFAULT_MDD_FEATURES;
const dump = splineInterpDump({ electrodes: p.electrodes, bands: p.bands.map((b) => b.name), gridPx: p.gridPx });
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify(dump));
console.log(`${dump.inside.length} inside pixels x ${dump.electrodes.length} electrodes -> ${values.out}`);
