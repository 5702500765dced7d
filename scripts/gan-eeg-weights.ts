// The spherical-spline interpolation of the MDD maps as arrays, for training/gan/eeg_data.py:
//   npx tsx scripts/gan-eeg-weights.ts [--out training/out/gan-eeg/interp]
// -> interp.json {electrodes, bands, gridPx, inside: flat pixel indices inside the head, weights:
// [insidePixels][electrodes] float64}, made by montageMapper (the code features.ts uses).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MDD_FEATURES } from '../src/models/mdd/features.js';
import { mapperFor } from '../src/models/gan/eeg-maps.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'training/out/gan-eeg/interp.json' } } });
const p = DEFAULT_MDD_FEATURES;
const m = mapperFor({ electrodes: p.electrodes, bands: p.bands.map((b) => b.name), gridPx: p.gridPx });
const n = p.electrodes.length;
const weights = Array.from(m.grid.insideIndex, (_, i) => Array.from(m.weights.subarray(i * n, (i + 1) * n)));
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify({ electrodes: p.electrodes, bands: p.bands.map((b) => b.name), gridPx: p.gridPx, inside: Array.from(m.grid.insideIndex), weights }));
console.log(`${m.grid.insideIndex.length} inside pixels x ${n} electrodes -> ${values.out}`);
