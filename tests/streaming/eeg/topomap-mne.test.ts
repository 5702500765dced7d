// Topographic maps against MNE-Python (fixtures from training/topomap_reference.py): the 2-D
// electrode projection, the spline basis g(x), and whole 32 x 32 maps for the 19 10-20 electrodes
// and the Cyton 8 layout, lambda 1e-5 and 0, on synthetic fields and real log10 band powers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { electrodePositions } from '../../../src/streaming/eeg/positions.js';
import { projectToPlane } from '../../../src/streaming/eeg/topomap/projection.js';
import { legendreFactors, splineG } from '../../../src/streaming/eeg/topomap/spline.js';
import { montageMapper } from '../../../src/streaming/eeg/topomap/topomap.js';

interface Fixture {
  grid: { widthPx: number; heightPx: number; headRadius: number; insideIndex: number[] };
  calcG: { x: number[]; terms7: number[]; terms50: number[] };
  montages: { name: string; electrodes: string[]; planeMne: [number, number][]; maps: { lambda: number; field: string; values: number[]; inside: number[] }[] }[];
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/eeg-topomap/mne-maps.json', import.meta.url), 'utf8')) as Fixture;

/** Largest |ours - MNE| relative to the field's range over the map. */
export const MAP_TOLERANCE_OF_RANGE = 1e-6;

test('projection of the electrodes equals MNE _auto_topomap_coords (1e-9)', () => {
  for (const m of fixture.montages) {
    electrodePositions(m.electrodes).forEach((p, i) => {
      const q = projectToPlane(p);
      const [x, y] = m.planeMne[i]!;
      assert.ok(Math.abs(q.x - x) < 1e-9 && Math.abs(q.y - y) < 1e-9, `${m.electrodes[i]}: ${q.x},${q.y} vs ${x},${y}`);
    });
  }
});

test('g(x) equals MNE _calc_g for m=4 with 7 and 50 terms (1e-12 relative)', () => {
  for (const [terms, expected] of [[7, fixture.calcG.terms7], [50, fixture.calcG.terms50]] as const) {
    const f = legendreFactors(4, terms);
    fixture.calcG.x.forEach((x, i) => {
      const ours = splineG(x, f);
      assert.ok(Math.abs(ours - expected[i]!) <= 1e-12 * Math.abs(expected[i]!), `N=${terms} x=${x}: ${ours} vs ${expected[i]}`);
    });
  }
});

test(`maps equal MNE _make_interpolation_matrix within ${MAP_TOLERANCE_OF_RANGE} of the map range`, () => {
  const g = fixture.grid;
  let worst = 0;
  for (const m of fixture.montages) {
    for (const ref of m.maps) {
      const mapper = montageMapper(m.electrodes, { widthPx: g.widthPx, heightPx: g.heightPx, headRadius: g.headRadius, lambda: ref.lambda, outsideValue: Number.NaN });
      assert.equal(Array.from(mapper.grid.insideIndex), g.insideIndex, 'same head mask');
      const map = mapper.map(ref.values);
      const range = Math.max(...ref.inside) - Math.min(...ref.inside) || Math.abs(ref.inside[0]!) || 1;
      g.insideIndex.forEach((pixel, k) => {
        const err = Math.abs(map[pixel]! - ref.inside[k]!) / range;
        worst = Math.max(worst, err);
        assert.ok(err <= MAP_TOLERANCE_OF_RANGE, `${m.name} ${ref.field} lambda=${ref.lambda} pixel ${pixel}: ${map[pixel]} vs ${ref.inside[k]}`);
      });
      let outside = 0;
      for (let p = 0; p < map.length; p++) if (Number.isNaN(map[p])) outside++;
      assert.is(outside, g.widthPx * g.heightPx - g.insideIndex.length);
    }
  }
  assert.ok(worst > 0, 'compared something');
});

test.run();
