// Topographic maps for a montage: electrodes by standard name -> (coverage check) -> spherical-spline
// matrix from the electrodes to the head-disk pixels, solved once and cached -> per band a
// matrix-vector product. Output: one map per band, a [bands, H, W] Float32Array stack, row 0 = front,
// column 0 = left, pixels outside the head circle set to `outsideValue` (0 by default: CNN input;
// the renderer passes NaN). Values are normalised per electrode BEFORE interpolation (see
// normaliseBandPowers), so the map of log10 power is the spline of log10 power, not its log.
import { electrodePositions, type ElectrodePosition } from '../positions.js';
import { montageCoverage, type Coverage } from './coverage.js';
import { DEFAULT_HEAD_RADIUS, makeGrid, planeToSphere, projectToPlane, type MapGrid, type PlanePoint } from './projection.js';
import { DEFAULT_SPLINE, interpolationMatrix, type SplineOptions } from './spline.js';

export interface TopomapOptions extends SplineOptions {
  widthPx?: number;
  heightPx?: number;
  headRadius?: number;
  /** Value of the pixels outside the head circle (default 0; NaN for display). */
  outsideValue?: number;
  /** Build a map even when the coverage rule says the montage is too sparse (tests, diagnostics). */
  allowSparse?: boolean;
}

export const DEFAULT_GRID_PX = 32;

/**
 * How band powers (absolute, e.g. uV^2) become map values, per electrode:
 *  - 'log10': log10(power), powers <= 0 are clamped to 1e-12 first;
 *  - 'relative': power / sum over the given bands at that electrode (0..1);
 *  - 'none': as given.
 */
export type BandNormalisation = 'log10' | 'relative' | 'none';

export class SparseMontageError extends Error {
  readonly code = 'sparse-montage';
  constructor(
    readonly electrodes: readonly string[],
    readonly coverage: Coverage,
  ) {
    super(`montage ${electrodes.join(' ')} is too sparse for a topographic map: ${coverage.reasons.join('; ')}`);
    this.name = 'SparseMontageError';
  }
}

export interface MontageMapper {
  electrodes: readonly ElectrodePosition[];
  /** Electrode positions in the map plane (same units as grid.headRadius). */
  electrodesPlane: readonly PlanePoint[];
  grid: MapGrid;
  coverage: Coverage;
  /** Spline weights, insidePixels x electrodes, row-major, float64. */
  weights: Float64Array;
  /** One map (heightPx * widthPx) from one value per electrode (in `electrodes` order). */
  map(values: ArrayLike<number>, out?: Float32Array): Float32Array;
  /** [bands, H, W] stack from values[band][electrode]. */
  stack(values: readonly ArrayLike<number>[]): Float32Array;
}

function buildMapper(names: readonly string[], options: TopomapOptions): MontageMapper {
  const electrodes = electrodePositions(names);
  const grid = makeGrid(options.widthPx ?? DEFAULT_GRID_PX, options.heightPx ?? DEFAULT_GRID_PX, options.headRadius ?? DEFAULT_HEAD_RADIUS);
  const coverage = montageCoverage(electrodes, grid);
  if (!coverage.usable && options.allowSparse !== true) throw new SparseMontageError(electrodes.map((e) => e.name), coverage);
  const targets = Array.from(grid.insideIndex, (i) => planeToSphere(grid.points[i]!));
  const weights = interpolationMatrix(electrodes, targets, options);
  const outsideValue = options.outsideValue ?? 0;
  const n = electrodes.length;
  const pixels = grid.widthPx * grid.heightPx;
  const map = (values: ArrayLike<number>, out = new Float32Array(pixels)): Float32Array => {
    if (values.length !== n) throw new RangeError(`${values.length} values for ${n} electrodes`);
    if (out.length !== pixels) throw new RangeError(`output of ${out.length} for a ${pixels}-pixel map`);
    // one bad electrode would spread over the whole map: the caller leaves it out of the montage instead
    for (let e = 0; e < n; e++) if (!Number.isFinite(values[e]!)) throw new RangeError(`value ${values[e]} at ${electrodes[e]!.name}: drop the channel from the montage`);
    out.fill(outsideValue);
    const inside = grid.insideIndex;
    for (let p = 0; p < inside.length; p++) {
      let s = 0;
      const row = p * n;
      for (let e = 0; e < n; e++) s += weights[row + e]! * values[e]!;
      out[inside[p]!] = s;
    }
    return out;
  };
  const stack = (values: readonly ArrayLike<number>[]): Float32Array => {
    const result = new Float32Array(values.length * pixels);
    values.forEach((v, b) => map(v, result.subarray(b * pixels, (b + 1) * pixels)));
    return result;
  };
  return { electrodes, electrodesPlane: electrodes.map(projectToPlane), grid, coverage, weights, map, stack };
}

const CACHE_LIMIT = 16;
const cache = new Map<string, MontageMapper>();

/**
 * The mapper for a montage (standard names, in the order the values will come), cached by names and
 * options: the spline system is solved once per montage. Throws SparseMontageError (with the
 * coverage and the reasons) when the montage is too sparse, UnknownElectrodeError for unknown names.
 */
export function montageMapper(names: readonly string[], options: TopomapOptions = {}): MontageMapper {
  const o = { ...DEFAULT_SPLINE, ...options };
  // String() keeps NaN apart from the default (JSON would write both as null)
  const key = [names.join(','), o.order, o.legendreTerms, o.lambda, o.widthPx, o.heightPx, o.headRadius, o.outsideValue ?? 0, o.allowSparse === true].map(String).join('|');
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const mapper = buildMapper(names, options);
  cache.set(key, mapper);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return mapper;
}

/** values[band][electrode] normalised as described by BandNormalisation (new arrays, float64). */
export function normaliseBandPowers(powers: readonly ArrayLike<number>[], normalisation: BandNormalisation): Float64Array[] {
  const bands = powers.length;
  const n = bands ? powers[0]!.length : 0;
  if (powers.some((p) => p.length !== n)) throw new RangeError('every band needs one power per electrode');
  const out = powers.map((p) => Float64Array.from(p));
  if (normalisation === 'log10') {
    for (const band of out) for (let e = 0; e < n; e++) band[e] = Math.log10(Math.max(band[e]!, 1e-12));
  } else if (normalisation === 'relative') {
    for (let e = 0; e < n; e++) {
      let total = 0;
      for (const band of out) total += band[e]!;
      for (const band of out) band[e] = total > 0 ? band[e]! / total : 0;
    }
  }
  return out;
}

export interface TopomapStack {
  /** [bands, heightPx, widthPx], row 0 = front, column 0 = left. */
  data: Float32Array;
  bands: number;
  heightPx: number;
  widthPx: number;
  normalisation: BandNormalisation;
  mapper: MontageMapper;
}

/** Band powers (powers[band][electrode], absolute) of a montage -> normalised map stack (CNN input). */
export function topomapStack(
  names: readonly string[],
  powers: readonly ArrayLike<number>[],
  normalisation: BandNormalisation,
  options: TopomapOptions = {},
): TopomapStack {
  const mapper = montageMapper(names, options);
  const data = mapper.stack(normaliseBandPowers(powers, normalisation));
  return { data, bands: powers.length, heightPx: mapper.grid.heightPx, widthPx: mapper.grid.widthPx, normalisation, mapper };
}
