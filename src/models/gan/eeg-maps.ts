// The fixed last stage of the EEG map GAN: the generator (models/gan-eeg-maps) outputs the MDD
// model's per-electrode values (log10 band power centred per epoch, [bands][electrodes], band-major),
// and the maps are made from them by the very code the MDD features use (features.ts epochMaps ->
// montageMapper(electrodes).stack): spherical splines inside the head mask, 0 outside. A synthetic
// stack is therefore a linear image of 19 x 5 values, like every real stack.
import { montageMapper, type MontageMapper } from '../../streaming/eeg/topomap/topomap.js';

export interface MapGeometry {
  electrodes: readonly string[];
  bands: readonly string[];
  gridPx: number;
}

export function mapperFor(g: MapGeometry): MontageMapper {
  return montageMapper(g.electrodes, { widthPx: g.gridPx, heightPx: g.gridPx });
}

/** Band-major flat values [b * electrodes + e] -> values[band][electrode]. */
export function splitBands(flat: ArrayLike<number>, g: MapGeometry): Float64Array[] {
  const n = g.electrodes.length;
  if (flat.length !== n * g.bands.length) throw new RangeError(`${flat.length} values for ${g.bands.length} bands x ${n} electrodes`);
  return g.bands.map((_, b) => Float64Array.from({ length: n }, (_, e) => flat[b * n + e]!));
}

/** One [bands, gridPx, gridPx] stack (row 0 = front, column 0 = left) from band-major electrode values. */
export function valuesToMaps(flat: ArrayLike<number>, g: MapGeometry): Float32Array {
  return mapperFor(g).stack(splitBands(flat, g));
}

/** Relative band power per electrode (electrode-major [e * bands + b], the MDD baseline's input) from centred log10 values. */
export function valuesToRelativePowers(flat: ArrayLike<number>, g: MapGeometry): Float64Array {
  const bands = splitBands(flat, g);
  const n = g.electrodes.length;
  const out = new Float64Array(n * bands.length);
  for (let e = 0; e < n; e++) {
    let total = 0;
    for (const band of bands) total += 10 ** band[e]!;
    bands.forEach((band, b) => (out[e * bands.length + b] = 10 ** band[e]! / total));
  }
  return out;
}

/**
 * The spline stage as arrays, for training/gan/eeg_data.py and eeg_export.py: {electrodes, bands, gridPx,
 * inside: flat pixel indices inside the head, weights: [insidePixels][electrodes]} (scripts/gan-eeg-weights.ts,
 * `weargate synth share --kind eeg-maps`).
 */
export function splineInterpDump(g: MapGeometry): { electrodes: string[]; bands: string[]; gridPx: number; inside: number[]; weights: number[][] } {
  const m = mapperFor(g);
  const n = g.electrodes.length;
  const weights = Array.from(m.grid.insideIndex, (_, i) => Array.from(m.weights.subarray(i * n, (i + 1) * n)));
  return { electrodes: [...g.electrodes], bands: [...g.bands], gridPx: g.gridPx, inside: Array.from(m.grid.insideIndex), weights };
}
