// When is a montage dense enough for a topographic map? A spline through a few electrodes still
// paints the whole head, but most of what it paints is then extrapolation. The rule (all three):
//  1. at least MIN_ELECTRODES electrodes project inside the head circle;
//  2. the convex hull of the projected electrodes covers at least MIN_HULL_FRACTION of the head disk
//     (the rest of the map is extrapolated outward from the hull);
//  3. no point of the head disk is farther than MAX_GAP_DEG (great-circle angle) from its nearest
//     electrode (a hole in the middle, such as the vertex of a headband, is not mapped).
// Measured by geometry on the map grid, so it holds for any grid size. Numbers for the standard
// layouts are in docs/eeg-topomap.md and tests/streaming/eeg/topomap-coverage.test.ts.
import { angleRad, type UnitVector } from '../positions.js';
import { planeToSphere, projectToPlane, type MapGrid, type PlanePoint } from './projection.js';

export const MIN_ELECTRODES = 6;
export const MIN_HULL_FRACTION = 0.5;
export const MAX_GAP_DEG = 60;

export interface Coverage {
  /** Electrodes whose projection lies inside the head circle. */
  electrodesInside: number;
  /** Share of the head-disk pixels inside the convex hull of the projected electrodes, 0..1. */
  hullFraction: number;
  /** Largest angle from a head-disk pixel to its nearest electrode, degrees. */
  maxGapDeg: number;
  /** Where that largest gap is, in the plane (for the message). */
  maxGapAt: PlanePoint;
  usable: boolean;
  /** One sentence per failed criterion; empty when usable. */
  reasons: string[];
}

function cross(o: PlanePoint, a: PlanePoint, b: PlanePoint): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/** Convex hull, counter-clockwise (Andrew's monotone chain); fewer than 3 distinct points give a degenerate hull. */
export function convexHull(points: readonly PlanePoint[]): PlanePoint[] {
  const p = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (p.length < 3) return p;
  const lower: PlanePoint[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: PlanePoint[] = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, q) <= 0) upper.pop();
    upper.push(q);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

function insideHull(hull: readonly PlanePoint[], q: PlanePoint): boolean {
  if (hull.length < 3) return false;
  for (let i = 0; i < hull.length; i++) if (cross(hull[i]!, hull[(i + 1) % hull.length]!, q) < 0) return false;
  return true;
}

const fmt = (q: PlanePoint) => `${q.y >= 0 ? 'front' : 'back'} ${Math.abs(q.y).toFixed(2)}, ${q.x >= 0 ? 'right' : 'left'} ${Math.abs(q.x).toFixed(2)}`;

export function montageCoverage(electrodes: readonly UnitVector[], grid: MapGrid): Coverage {
  const projected = electrodes.map(projectToPlane);
  const r2 = grid.headRadius * grid.headRadius;
  const electrodesInside = projected.filter((q) => q.x * q.x + q.y * q.y <= r2).length;
  const hull = convexHull(projected);
  let inHull = 0;
  let maxGapRad = 0;
  let maxGapAt: PlanePoint = { x: 0, y: 0 };
  for (const i of grid.insideIndex) {
    const q = grid.points[i]!;
    if (insideHull(hull, q)) inHull++;
    const s = planeToSphere(q);
    let nearest = Math.PI;
    for (const e of electrodes) nearest = Math.min(nearest, angleRad(s, e));
    if (nearest > maxGapRad) {
      maxGapRad = nearest;
      maxGapAt = q;
    }
  }
  const hullFraction = grid.insideIndex.length ? inHull / grid.insideIndex.length : 0;
  const maxGapDeg = (maxGapRad * 180) / Math.PI;
  const reasons: string[] = [];
  if (electrodesInside < MIN_ELECTRODES) reasons.push(`${electrodesInside} electrodes inside the head circle (at least ${MIN_ELECTRODES} needed)`);
  if (hullFraction < MIN_HULL_FRACTION) {
    reasons.push(`the electrodes' convex hull covers ${(100 * hullFraction).toFixed(0)} % of the head (at least ${100 * MIN_HULL_FRACTION} % needed; the rest would be extrapolated)`);
  }
  if (maxGapDeg > MAX_GAP_DEG) {
    reasons.push(`a point of the head (${fmt(maxGapAt)}) is ${maxGapDeg.toFixed(0)} deg from the nearest electrode (at most ${MAX_GAP_DEG} deg allowed)`);
  }
  return { electrodesInside, hullFraction, maxGapDeg, maxGapAt, usable: reasons.length === 0, reasons };
}
