// The spherical-spline interpolation of the MDD maps as arrays, for training/gan/eeg_data.py:
//   npx tsx scripts/gan-eeg-weights.ts [--set base|cyton8] [--out training/out/gan-eeg/interp[-<set>].json]
// -> interp.json {electrodes, bands, gridPx, inside: flat pixel indices inside the head, weights:
// [insidePixels][electrodes] float64}, made by montageMapper (the code features.ts uses), for the
// montage of the map set (src/models/mdd/map-sets.ts: base = 19 electrodes, cyton8 = the 8 Cyton ones).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MDD_FEATURES } from '../src/models/mdd/features.js';
import { MAP_SETS } from '../src/models/mdd/map-sets.js';
import { splineInterpDump } from '../src/models/gan/eeg-maps.js';

const { values } = parseArgs({ options: { set: { type: 'string', default: 'base' }, out: { type: 'string' } } });
const set = values.set;
if (set !== 'base' && set !== 'cyton8') throw new Error(`--set ${set}: base or cyton8 (the map sets with their own montage)`);
const p = MAP_SETS[set]?.params ?? DEFAULT_MDD_FEATURES;
const out = values.out ?? `training/out/gan-eeg/interp${set === 'base' ? '' : `-${set}`}.json`;
const dump = splineInterpDump({ electrodes: p.electrodes, bands: p.bands.map((b) => b.name), gridPx: p.gridPx });
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(dump));
console.log(`${dump.inside.length} inside pixels x ${dump.electrodes.length} electrodes -> ${out}`);
