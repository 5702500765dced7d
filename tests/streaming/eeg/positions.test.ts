import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  TEN_TWENTY_19, UnknownElectrodeError, allElectrodes, angleRad, canonicalElectrodeName, electrodePosition, electrodePositions,
} from '../../../src/streaming/eeg/positions.js';
import { CLASSIC_10_20, STANDARD_ELECTRODES } from '../../../src/streaming/eeg/montage.js';

test('10-05 table: 341 electrodes, unit vectors, no aliases as rows', () => {
  const all = allElectrodes();
  assert.is(all.length, 341);
  for (const e of all) assert.ok(Math.abs(Math.hypot(e.x, e.y, e.z) - 1) < 1e-12, e.name);
  assert.not.ok(all.some((e) => ['T3', 'T4', 'T5', 'T6'].includes(e.name)));
});

test('aliases T3=T7, T4=T8, T5=P7, T6=P8; lookup ignores case and spaces', () => {
  for (const [old, canonical] of [['T3', 'T7'], ['T4', 'T8'], ['T5', 'P7'], ['T6', 'P8']] as const) {
    assert.is(canonicalElectrodeName(old), canonical);
    assert.equal(electrodePosition(old), electrodePosition(canonical));
  }
  assert.is(canonicalElectrodeName(' fp1 '), 'Fp1');
  assert.is(canonicalElectrodeName('FPZ'), 'Fpz');
  assert.is(electrodePosition('EEG Fp1-LE'), undefined, 'raw labels are montage.ts business');
});

test('geometry: Cz at the vertex, left/right and front/back where they belong, symmetric pairs', () => {
  const p = (n: string) => electrodePosition(n)!;
  assert.ok(p('Cz').z > 0.99);
  assert.ok(p('T7').x < -0.9 && p('T8').x > 0.9);
  assert.ok(p('Fpz').y > 0.95 && p('Oz').y < -0.95);
  for (const [l, r] of [['Fp1', 'Fp2'], ['C3', 'C4'], ['O1', 'O2'], ['P7', 'P8']] as const) {
    assert.ok(Math.abs(p(l).x + p(r).x) < 0.02 && Math.abs(p(l).y - p(r).y) < 0.02, `${l}/${r}`);
  }
  // neighbours on the 10-20 grid are 20-40 degrees apart, never coincident
  const e = electrodePositions(TEN_TWENTY_19);
  for (let i = 0; i < e.length; i++) for (let j = i + 1; j < e.length; j++) assert.ok(angleRad(e[i]!, e[j]!) > (15 * Math.PI) / 180);
});

test('every standard name montage.ts can return has a position, under the same spelling', () => {
  for (const name of STANDARD_ELECTRODES) assert.is(electrodePosition(name)?.name, name, name);
  assert.equal([...CLASSIC_10_20], [...TEN_TWENTY_19]);
});

test('electrodePositions names every unknown electrode and refuses duplicates through aliases', () => {
  assert.throws(() => electrodePositions(['Fp1', 'Xx1', 'A2-A1']), (err: unknown) => err instanceof UnknownElectrodeError && /'Xx1', 'A2-A1'/.test(err.message));
  assert.throws(() => electrodePositions(['T3', 'T7']), /'T3' and 'T7' are the same electrode/);
});

test.run();
