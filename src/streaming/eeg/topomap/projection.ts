// Azimuthal equidistant projection of the unit head sphere onto the map plane, the one MNE's topomaps
// use (mne/channels/layout.py `_auto_topomap_coords`): a point at polar angle theta from the vertex
// and azimuth phi lands at radius theta / (pi/2) in direction phi, so the equator is the unit circle.
// The map grid and the head mask are defined in that plane. Row 0 of a grid is the front (nose up).
import type { UnitVector } from '../positions.js';

export interface PlanePoint {
  /** Toward the right ear. */
  x: number;
  /** Toward the nose. */
  y: number;
}

/**
 * Head circle radius in the plane, in units of a quarter great circle (1 = the equator, theta 90 deg).
 * 1.1 (theta 99 deg) puts every 10-20 electrode inside: the 10-20 ring of the MNE template lies at
 * 86-96.5 deg (see positions-table.ts); TP9/TP10 (118 deg) and the 10-05 lower rows fall outside.
 */
export const DEFAULT_HEAD_RADIUS = 1.1;

export function projectToPlane(p: UnitVector): PlanePoint {
  const theta = Math.acos(Math.min(1, Math.max(-1, p.z)));
  const horizontal = Math.hypot(p.x, p.y);
  if (horizontal === 0) return { x: 0, y: 0 };
  const radius = theta / (Math.PI / 2);
  return { x: (radius * p.x) / horizontal, y: (radius * p.y) / horizontal };
}

export function planeToSphere(q: PlanePoint): UnitVector {
  const radius = Math.hypot(q.x, q.y);
  const theta = radius * (Math.PI / 2);
  if (radius === 0) return { x: 0, y: 0, z: 1 };
  const s = Math.sin(theta) / radius;
  return { x: q.x * s, y: q.y * s, z: Math.cos(theta) };
}

export interface MapGrid {
  widthPx: number;
  heightPx: number;
  headRadius: number;
  /** Plane coordinates of every pixel centre, row-major (row 0 = front), length heightPx * widthPx. */
  points: PlanePoint[];
  /** 1 where the pixel centre lies inside the head circle, else 0. */
  inside: Uint8Array;
  /** Indices of the inside pixels, ascending. */
  insideIndex: Uint32Array;
}

/**
 * A widthPx x heightPx grid over the square [-headRadius, headRadius]^2 (pixel centres), with the
 * head mask: a pixel is inside when its centre is within headRadius of the vertex.
 */
export function makeGrid(widthPx: number, heightPx: number, headRadius = DEFAULT_HEAD_RADIUS): MapGrid {
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx < 2 || heightPx < 2) {
    throw new RangeError(`grid ${widthPx} x ${heightPx}: width and height must be integers >= 2`);
  }
  if (!(headRadius > 0) || headRadius > 2) throw new RangeError(`headRadius ${headRadius} must be in (0, 2]`);
  const points: PlanePoint[] = [];
  const inside = new Uint8Array(widthPx * heightPx);
  const insideList: number[] = [];
  for (let row = 0; row < heightPx; row++) {
    const y = headRadius - ((row + 0.5) * 2 * headRadius) / heightPx;
    for (let col = 0; col < widthPx; col++) {
      const x = -headRadius + ((col + 0.5) * 2 * headRadius) / widthPx;
      const i = row * widthPx + col;
      points.push({ x, y });
      if (x * x + y * y <= headRadius * headRadius) {
        inside[i] = 1;
        insideList.push(i);
      }
    }
  }
  return { widthPx, heightPx, headRadius, points, inside, insideIndex: Uint32Array.from(insideList) };
}
