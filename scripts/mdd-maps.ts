// Training data for the MDD CNN, made by the gateway's own feature code (src/models/mdd/features.ts):
//   npx tsx scripts/mdd-maps.ts [--data ../shared/data/mumtaz-mdd-train] [--out training/out/mdd-maps]
//       [--set base|x0.5|x2|shuffled|cyton8|all]
// For each set, <out>/<set>/maps.npy [N, 5, 32, 32] float32 (clean epochs), relpow.npy [N, E*5]
// (relative band powers, electrode-major, for the baseline), meanlog.npy [N] (the removed log10
// offset, for the amplitude confound check) and epochs.json (file, subject, label, condition, start
// per epoch; per-recording summaries). `shuffled` reverses the file's channel order and drops every
// channel that is not a model electrode: what the model sees must not change (checked here).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CYTON_8 } from '../src/streaming/eeg/positions.js';
import { writeNpy } from '../src/quantize/npy.js';
import { recordingMaps, type DatasetOptions, type RecordingMaps } from '../src/models/mdd/dataset.js';
import { DEFAULT_MDD_FEATURES } from '../src/models/mdd/features.js';
import { readMddLabels } from '../src/models/mdd/labels.js';

const { values } = parseArgs({ options: { data: { type: 'string', default: '../shared/data/mumtaz-mdd-train' }, out: { type: 'string', default: 'training/out/mdd-maps' }, set: { type: 'string', default: 'all' } } });
const dataDir = values.data;
const outDir = values.out;
const labels = readMddLabels(join(dataDir, 'labels.csv'));

const SETS: Record<string, DatasetOptions> = {
  base: {},
  'x0.5': { scale: 0.5 },
  x2: { scale: 2 },
  // reversed order; the 20- and 22-channel files then differ in where every electrode sits
  shuffled: { permute: (n) => Array.from({ length: n }, (_, i) => n - 1 - i) },
  cyton8: { params: { ...DEFAULT_MDD_FEATURES, electrodes: CYTON_8 } },
};

function concat(arrays: readonly ArrayLike<number>[], width: number): Float32Array {
  const out = new Float32Array(arrays.length * width);
  arrays.forEach((a, i) => out.set(Array.from(a), i * width));
  return out;
}

function writeSet(name: string, results: RecordingMaps[]): void {
  const dir = join(outDir, name);
  mkdirSync(dir, { recursive: true });
  const maps = results.flatMap((r) => r.maps);
  const rel = results.flatMap((r) => r.relativePowers);
  const p = SETS[name]!.params ?? DEFAULT_MDD_FEATURES;
  const mapSize = p.bands.length * p.gridPx * p.gridPx;
  writeFileSync(join(dir, 'maps.npy'), writeNpy({ shape: [maps.length, p.bands.length, p.gridPx, p.gridPx], data: concat(maps, mapSize) }));
  const relWidth = p.electrodes.length * p.bands.length;
  writeFileSync(join(dir, 'relpow.npy'), writeNpy({ shape: [rel.length, relWidth], data: concat(rel, relWidth) }));
  writeFileSync(join(dir, 'meanlog.npy'), writeNpy({ shape: [maps.length], data: Float32Array.from(results.flatMap((r) => r.meanLog10Powers)) }));
  const epochs = results.flatMap((r) => r.startsS.map((startS) => ({ file: r.summary.file, subject: r.summary.subject, label: r.summary.label, condition: r.summary.condition ?? null, startS })));
  const { scale, permute } = SETS[name]!;
  writeFileSync(join(dir, 'epochs.json'), JSON.stringify({ set: name, scale: scale ?? 1, permuted: permute !== undefined, params: p, recordings: results.map((r) => r.summary), epochs }, null, 1));
  console.log(`${name}: ${maps.length} clean epochs of ${results.reduce((n, r) => n + r.summary.epochs, 0)} from ${results.length} recordings -> ${dir}`);
}

const wanted = values.set === 'all' ? Object.keys(SETS) : values.set.split(',');
const done = new Map<string, RecordingMaps[]>();
for (const name of wanted) {
  const options = SETS[name];
  if (!options) throw new Error(`unknown set '${name}' (one of ${Object.keys(SETS).join(', ')}, all)`);
  const t0 = Date.now();
  const results = labels.map((rec, i) => {
    const r = recordingMaps(dataDir, rec, options);
    if ((i + 1) % 10 === 0 || i + 1 === labels.length) console.log(`  ${name} ${i + 1}/${labels.length} ${rec.file} clean ${r.summary.clean}/${r.summary.epochs} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    return r;
  });
  writeSet(name, results);
  done.set(name, results);
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
