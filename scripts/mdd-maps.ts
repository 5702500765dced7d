// Training data for the MDD CNN, made by the gateway's own feature code (src/models/mdd/features.ts):
//   npx tsx scripts/mdd-maps.ts [--data ../shared/data/mumtaz-mdd-train] [--out training/out/mdd-maps]
//       [--set base|x0.5|x2|shuffled|cyton8|bandlimited|all] [--bands name:low-high,...]
// --bands replaces the model's bands (features.ts MDD_BANDS), e.g. the pipeline's delta..gamma of
// mdd-cnn 0.2.0 for training/mdd_setup_check.py: delta:1-4,theta:4-8,alpha:8-13,beta:13-30,gamma:30-45
// For each set, <out>/<set>/{maps.npy, relpow.npy, meanlog.npy, epochs.json}: see
// src/models/mdd/map-sets.ts (the same code `weargate model train mdd` runs). `shuffled` reverses the
// file's channel order and drops every channel that is not a model electrode: what the model sees
// must not change (checked here).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RecordingMaps } from '../src/models/mdd/dataset.js';
import { readMddLabels } from '../src/models/mdd/labels.js';
import { DEFAULT_MDD_FEATURES, type Band } from '../src/models/mdd/features.js';
import { MAP_SETS, writeMapSet } from '../src/models/mdd/map-sets.js';

const { values } = parseArgs({ options: { data: { type: 'string', default: '../shared/data/mumtaz-mdd-train' }, out: { type: 'string', default: 'training/out/mdd-maps' }, set: { type: 'string', default: 'all' }, bands: { type: 'string' } } });
function parseBands(text: string): Band[] {
  return text.split(',').map((part) => {
    const m = /^([A-Za-z0-9_]+):([\d.]+)-([\d.]+)$/.exec(part.trim());
    if (!m || !(Number(m[2]) < Number(m[3]))) throw new Error(`--bands: '${part}' is not name:low-high (Hz, low < high)`);
    return { name: m[1]!, lowHz: Number(m[2]), highHz: Number(m[3]) };
  });
}
const bands = values.bands ? parseBands(values.bands) : undefined;
const dataDir = values.data;
const labels = readMddLabels(join(dataDir, 'labels.csv'));

const wanted = values.set === 'all' ? Object.keys(MAP_SETS) : values.set.split(',');
const done = new Map<string, RecordingMaps[]>();
for (const name of wanted) {
  const setParams = MAP_SETS[name]?.params ?? DEFAULT_MDD_FEATURES;
  done.set(name, writeMapSet({ dataDir, labels, outDir: values.out, set: name, ...(bands ? { params: { ...setParams, bands } } : {}), log: (line) => console.log(line) }).results);
}

const base = done.get('base');
const shuffled = done.get('shuffled');
if (base && shuffled) {
  let maxDiff = 0;
  let sameEpochs = true;
  base.forEach((b, i) => {
    const s = shuffled[i]!;
    if (s.maps.length !== b.maps.length) sameEpochs = false;
    b.maps.forEach((m, j) => m.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - (s.maps[j]?.[k] ?? NaN))))));
  });
  console.log(`shuffled vs base: same clean epochs ${sameEpochs}, max |map difference| ${maxDiff}`);
}
