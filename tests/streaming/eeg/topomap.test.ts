// Properties of the spherical-spline maps, the head mask, the [bands, H, W] stack and the sparse
// montage rule. The MNE agreement is in topomap-mne.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CYTON_8, CYTON_DAISY_16, MUSE_4, TEN_TWENTY_19, electrodePositions } from '../../../src/streaming/eeg/positions.js';
import { MAX_GAP_DEG, MIN_HULL_FRACTION } from '../../../src/streaming/eeg/topomap/coverage.js';
import { makeGrid } from '../../../src/streaming/eeg/topomap/projection.js';
import { interpolationMatrix } from '../../../src/streaming/eeg/topomap/spline.js';
import { SparseMontageError, montageMapper, normaliseBandPowers, topomapStack } from '../../../src/streaming/eeg/topomap/topomap.js';
import { SeededRandom } from '../../../src/common/random.js';

const randomValues = (n: number, seed: number) => {
  const r = new SeededRandom(seed);
  return Array.from({ length: n }, () => r.next() * 4 - 2);
};

test('with lambda = 0 the spline reproduces the value at every electrode (10-20, Cyton 8 and 16)', () => {
  for (const names of [TEN_TWENTY_19, CYTON_8, CYTON_DAISY_16]) {
    const e = electrodePositions(names);
    const v = randomValues(e.length, e.length);
    const w = interpolationMatrix(e, e, { lambda: 0 });
    e.forEach((_, t) => {
      let s = 0;
      for (let j = 0; j < e.length; j++) s += w[t * e.length + j]! * v[j]!;
      assert.ok(Math.abs(s - v[t]!) < 1e-8, `${names[t]}: ${s} vs ${v[t]}`);
    });
    // with lambda > 0 it smooths: not exact any more (this is what makes the check above meaningful)
    const ws = interpolationMatrix(e, e, { lambda: 1e-2 });
    let maxDiff = 0;
    e.forEach((_, t) => {
      let s = 0;
      for (let j = 0; j < e.length; j++) s += ws[t * e.length + j]! * v[j]!;
      maxDiff = Math.max(maxDiff, Math.abs(s - v[t]!));
    });
    assert.ok(maxDiff > 1e-3, `lambda 1e-2 smooths (${maxDiff})`);
  }
});

test('a constant field stays constant inside the head, outside is outsideValue', () => {
  for (const names of [TEN_TWENTY_19, CYTON_8]) {
    const m = montageMapper(names, { outsideValue: Number.NaN });
    const map = m.map(new Array(names.length).fill(-3.25));
    for (let p = 0; p < map.length; p++) {
      if (m.grid.inside[p]) assert.ok(Math.abs(map[p]! + 3.25) < 1e-5, `pixel ${p}: ${map[p]}`);
      else assert.ok(Number.isNaN(map[p]!), `pixel ${p} outside is NaN`);
    }
  }
  const zeroOutside = montageMapper(TEN_TWENTY_19).map(new Array(19).fill(7));
  const grid = makeGrid(32, 32);
  for (let p = 0; p < zeroOutside.length; p++) assert.is(zeroOutside[p], grid.inside[p] ? Math.fround(zeroOutside[p]!) : 0);
});

test('head mask: a disk of radius headRadius, symmetric, corners outside, centre inside', () => {
  const g = makeGrid(32, 32);
  assert.is(g.inside[0], 0);
  assert.is(g.inside[16 * 32 + 16], 1);
  for (let r = 0; r < 32; r++) for (let c = 0; c < 32; c++) assert.is(g.inside[r * 32 + c], g.inside[r * 32 + (31 - c)]);
  assert.ok(Math.abs(g.insideIndex.length / 1024 - Math.PI / 4) < 0.03, `${g.insideIndex.length} inside`);
  assert.throws(() => makeGrid(1, 32), /integers >= 2/);
});

test('orientation: a field that grows toward the nose and the right ear is high at the top right', () => {
  const e = electrodePositions(TEN_TWENTY_19);
  const m = montageMapper(TEN_TWENTY_19);
  const map = m.map(e.map((p) => p.y + p.x));
  const at = (row: number, col: number) => map[row * 32 + col]!;
  assert.ok(at(6, 25) > at(25, 6), 'front-right > back-left');
  assert.ok(at(4, 16) > at(27, 16), 'front > back');
  assert.ok(at(16, 28) > at(16, 3), 'right > left');
});

test('electrode order does not matter: permuted montage, permuted values, same map', () => {
  const v = randomValues(19, 5);
  const order = [...TEN_TWENTY_19.keys()].reverse().sort((a, b) => ((a * 7) % 19) - ((b * 7) % 19));
  const a = montageMapper(TEN_TWENTY_19).map(v);
  const b = montageMapper(order.map((i) => TEN_TWENTY_19[i]!)).map(order.map((i) => v[i]!));
  for (let p = 0; p < a.length; p++) assert.ok(Math.abs(a[p]! - b[p]!) < 1e-5, `pixel ${p}: ${a[p]} vs ${b[p]}`);
  // and a wrong pairing would show
  const c = montageMapper(TEN_TWENTY_19).map(order.map((i) => v[i]!));
  assert.ok(a.some((x, p) => Math.abs(x - c[p]!) > 1e-2));
});

test('stack: [bands, H, W], each band equals its own map, chunking the bands changes nothing', () => {
  const powers = [randomValues(19, 1), randomValues(19, 2), randomValues(19, 3)].map((b) => b.map((x) => 10 ** x));
  const s = topomapStack(TEN_TWENTY_19, powers, 'log10', { widthPx: 24, heightPx: 20 });
  assert.is(s.data.length, 3 * 20 * 24);
  assert.is(s.heightPx, 20);
  const logs = normaliseBandPowers(powers, 'log10');
  logs.forEach((band, b) => {
    const single = s.mapper.map(band);
    assert.equal(Array.from(s.data.subarray(b * 480, (b + 1) * 480)), Array.from(single));
    const alone = topomapStack(TEN_TWENTY_19, [powers[b]!], 'log10', { widthPx: 24, heightPx: 20 });
    assert.equal(Array.from(alone.data), Array.from(single));
  });
  assert.is(montageMapper(TEN_TWENTY_19, { widthPx: 24, heightPx: 20 }), s.mapper, 'solved once, cached');
});

test('a non-finite electrode value is refused by name (it would spread over the whole map)', () => {
  const v = randomValues(19, 9);
  v[9] = Number.NaN;
  assert.throws(() => montageMapper(TEN_TWENTY_19).map(v), /NaN at Cz/);
  assert.throws(() => montageMapper(TEN_TWENTY_19).map(v.slice(0, 18)), /18 values for 19 electrodes/);
});

test('normalisation: log10 and relative per electrode', () => {
  const rel = normaliseBandPowers([[1, 0], [3, 0]], 'relative');
  assert.equal(Array.from(rel[0]!), [0.25, 0]);
  assert.equal(Array.from(rel[1]!), [0.75, 0]);
  const lg = normaliseBandPowers([[100, 0]], 'log10');
  assert.equal(Array.from(lg[0]!), [2, -12]);
  assert.equal(Array.from(normaliseBandPowers([[5]], 'none')[0]!), [5]);
  assert.throws(() => normaliseBandPowers([[1, 2], [1]], 'none'), /one power per electrode/);
});

test('coverage: 19-channel, Cyton 8 and Cyton+Daisy 16 are mapped', () => {
  for (const names of [TEN_TWENTY_19, CYTON_8, CYTON_DAISY_16]) {
    const m = montageMapper(names);
    assert.ok(m.coverage.usable, names.join(' '));
    assert.ok(m.coverage.maxGapDeg <= MAX_GAP_DEG && m.coverage.hullFraction >= MIN_HULL_FRACTION);
  }
});

test('coverage: Muse (TP9 AF7 AF8 TP10) is refused, with the reasons', () => {
  try {
    montageMapper(MUSE_4);
    assert.unreachable('Muse must be refused');
  } catch (err) {
    assert.instance(err, SparseMontageError);
    const e = err as SparseMontageError;
    assert.match(e.message, /too sparse/);
    assert.match(e.message, /2 electrodes inside the head circle/);
    assert.match(e.message, /deg from the nearest electrode/);
    assert.ok(e.coverage.maxGapDeg > 90, `gap ${e.coverage.maxGapDeg}`);
  }
  // allowSparse maps it anyway (diagnostics), and says it is not usable
  assert.is(montageMapper(MUSE_4, { allowSparse: true }).coverage.usable, false);
});

test('coverage: a frontal-only cap is refused for its hull and gap, 6 central electrodes for the hull', () => {
  const frontal = montageMapper(['Fp1', 'Fp2', 'F7', 'F3', 'Fz', 'F4', 'F8', 'AF7', 'AF8'], { allowSparse: true }).coverage;
  assert.is(frontal.usable, false);
  assert.ok(frontal.hullFraction < MIN_HULL_FRACTION && frontal.maxGapDeg > MAX_GAP_DEG);
  assert.ok(frontal.maxGapAt.y < 0, 'the hole is at the back');
  const six = montageMapper(['Fp1', 'Fp2', 'C3', 'C4', 'O1', 'O2'], { allowSparse: true }).coverage;
  assert.is(six.electrodesInside, 6);
  assert.is(six.usable, false);
  assert.is(six.reasons.length, 1);
  assert.match(six.reasons[0]!, /convex hull/);
});

test.run();
