// Properties every registered R-peak detector must have, checked on real ECG (MIT-BIH 208, which
// has frequent PVCs) with random chunkings and random missing-sample runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { detectorFactories } from '../../../src/streaming/ecg/registry.js';
import type { DetectorFactory, DetectorName } from '../../../src/streaming/ecg/detector.js';
import { mitdbExcerpt, runChunked } from './detectors-property-cases.js';
import { runInChunks } from './_run.js';

const excerpt = await mitdbExcerpt('208', 40);
const { fs } = excerpt;
const entries = Object.entries(detectorFactories) as [DetectorName, DetectorFactory][];

/** Pushes `signal` in chunks whose sizes cycle through `sizes`, then flushes. */
function runSizes(factory: DetectorFactory, signal: Float32Array, sizes: number[]): number[] {
  return runInChunks(factory(fs), signal, sizes);
}

test('the registry holds Pan-Tompkins, Hamilton, Christov and Engelse-Zeelenberg', () => {
  for (const name of ['pan-tompkins', 'hamilton', 'christov', 'engzee'] as const) assert.ok(detectorFactories[name], name);
  assert.ok(entries.length >= 4);
});

for (const [name, factory] of entries) {
  test(`${name}: whole-record output equals output for any random chunking`, () => {
    const whole = runChunked(factory(fs), excerpt.microvolts, excerpt.microvolts.length);
    assert.ok(whole.length > 40, `${whole.length} beats`);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3 * fs }), { minLength: 1, maxLength: 20 }), (sizes) => {
        assert.equal(runSizes(factory, excerpt.microvolts, sizes), whole);
      }),
      { numRuns: 12 },
    );
  });

  test(`${name}: random missing runs never crash, never give NaN or out-of-range beats, and chunking still does not matter`, () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(excerpt.microvolts.length - 1), fc.integer({ min: 1, max: 2 * fs })), { maxLength: 6 }),
        fc.integer({ min: 1, max: 2000 }),
        (runs, chunk) => {
          const signal = excerpt.microvolts.slice();
          for (const [start, length] of runs) signal.fill(NaN, start, start + length);
          const whole = runChunked(factory(fs), signal, signal.length);
          for (let i = 0; i < whole.length; i++) {
            assert.ok(Number.isInteger(whole[i]) && whole[i] >= 0 && whole[i] < signal.length, `beat ${whole[i]}`);
            if (i > 0) assert.ok(whole[i] > whole[i - 1], 'ascending');
          }
          assert.equal(runChunked(factory(fs), signal, chunk), whole);
        },
      ),
      { numRuns: 8 },
    );
  });
}

test.run();
