// Training data for the MDD CNN, made by the gateway's own feature code (features.ts): for each map
// set, <out>/<set>/maps.npy [N, 5, 32, 32] float32 (clean epochs), relpow.npy [N, E*5] (relative
// band powers, electrode-major, for the baseline), meanlog.npy [N] (the removed log10 offset, for
// the amplitude confound check) and epochs.json (file, subject, label, condition, start per epoch;
// per-recording summaries). Used by scripts/mdd-maps.ts (the Mumtaz card) and `weargate model
// train mdd` (a clinic's folder), in-process. `shuffled` reverses the file's channel order and drops
// every channel that is not a model electrode: what the model sees must not change.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CYTON_8 } from '../../streaming/eeg/positions.js';
import { writeNpy } from '../../quantize/npy.js';
import { recordingMaps, type DatasetOptions, type RecordingMaps } from './dataset.js';
import { DEFAULT_MDD_FEATURES, type MddFeatureParams } from './features.js';
import type { LabelledRecording } from './labels.js';

export const MAP_SETS: Record<string, DatasetOptions> = {
  base: {},
  'x0.5': { scale: 0.5 },
  x2: { scale: 2 },
  // reversed order; the 20- and 22-channel files then differ in where every electrode sits
  shuffled: { permute: (n) => Array.from({ length: n }, (_, i) => n - 1 - i) },
  cyton8: { params: { ...DEFAULT_MDD_FEATURES, electrodes: CYTON_8 } },
  // every recording through the same 1.5-35 Hz band-pass: the setups' different filter edges are
  // hidden; a model that reads only 4-30 Hz must not change (setup-signature.ts)
  bandlimited: { bandLimit: { lowHz: 1.5, highHz: 35, order: 8 } },
};

function concat(arrays: readonly ArrayLike<number>[], width: number): Float32Array {
  const out = new Float32Array(arrays.length * width);
  arrays.forEach((a, i) => out.set(Array.from(a), i * width));
  return out;
}

export interface MapSetRun {
  dataDir: string;
  labels: readonly LabelledRecording[];
  outDir: string;
  /** One of MAP_SETS. */
  set: string;
  /** Overrides the set's feature parameters (e.g. a clinic's sampling rate). */
  params?: MddFeatureParams;
  log?: (line: string) => void;
}

export interface MapSetResult {
  dir: string;
  params: MddFeatureParams;
  results: RecordingMaps[];
  cleanEpochs: number;
  epochs: number;
}

/** Computes one set's maps for every labelled recording and writes its files under <outDir>/<set>. */
export function writeMapSet(run: MapSetRun): MapSetResult {
  const options = MAP_SETS[run.set];
  if (!options) throw new Error(`unknown set '${run.set}' (one of ${Object.keys(MAP_SETS).join(', ')}, all)`);
  const p = run.params ?? options.params ?? DEFAULT_MDD_FEATURES;
  const log = run.log ?? (() => undefined);
  const t0 = Date.now();
  const results = run.labels.map((rec, i) => {
    const r = recordingMaps(run.dataDir, rec, { ...options, params: p });
    if ((i + 1) % 10 === 0 || i + 1 === run.labels.length) log(`  ${run.set} ${i + 1}/${run.labels.length} ${rec.file} clean ${r.summary.clean}/${r.summary.epochs} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    return r;
  });
  const dir = join(run.outDir, run.set);
  mkdirSync(dir, { recursive: true });
  const maps = results.flatMap((r) => r.maps);
  const rel = results.flatMap((r) => r.relativePowers);
  const mapSize = p.bands.length * p.gridPx * p.gridPx;
  writeFileSync(join(dir, 'maps.npy'), writeNpy({ shape: [maps.length, p.bands.length, p.gridPx, p.gridPx], data: concat(maps, mapSize) }));
  const relWidth = p.electrodes.length * p.bands.length;
  writeFileSync(join(dir, 'relpow.npy'), writeNpy({ shape: [rel.length, relWidth], data: concat(rel, relWidth) }));
  writeFileSync(join(dir, 'meanlog.npy'), writeNpy({ shape: [maps.length], data: Float32Array.from(results.flatMap((r) => r.meanLog10Powers)) }));
  const epochs = results.flatMap((r) => r.startsS.map((startS) => ({ file: r.summary.file, subject: r.summary.subject, label: r.summary.label, condition: r.summary.condition ?? null, startS })));
  const { scale, permute, bandLimit } = options;
  writeFileSync(join(dir, 'epochs.json'), JSON.stringify({ set: run.set, scale: scale ?? 1, permuted: permute !== undefined, bandLimit: bandLimit ?? null, params: p, recordings: results.map((r) => r.summary), epochs }, null, 1));
  const total = results.reduce((n, r) => n + r.summary.epochs, 0);
  log(`${run.set}: ${maps.length} clean epochs of ${total} from ${results.length} recordings -> ${dir}`);
  return { dir, params: p, results, cleanEpochs: maps.length, epochs: total };
}
