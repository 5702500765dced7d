// The matched-filter and two-average detectors run part of their pipeline on every D-th sample
// (D = 2 at 360 Hz) for speed. Their beats must stay those of the full-rate pipeline (D = 1): the
// same beats, on the same R sample or next to it, on real MIT-BIH excerpts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadWfdbRecord } from '../../../src/streaming/formats/load.js';
import { toMicrovolts } from '../../../src/streaming/formats/wfdb-signals.js';
import { MatchedFilterDetector, correlationStep, qrsTemplate } from '../../../src/streaming/ecg/matched-filter.js';
import { TwoAverageDetector, featureStep } from '../../../src/streaming/ecg/two-average.js';
import type { RPeakDetector } from '../../../src/streaming/ecg/detector.js';
import { BiquadCascade, butterworthBandpass } from '../../../src/streaming/filters/index.js';
import { runInChunks } from './_run.js';

const mitdb = '/work/shared/data/mitdb-train';

async function excerpt(record: string, minutes: number): Promise<Float32Array> {
  const rec = await loadWfdbRecord(`${mitdb}/${record}`);
  const signal = rec.signals[0];
  return toMicrovolts(signal.physical, signal.spec.units).subarray(0, Math.round(minutes * 60 * signal.sampleRateHz));
}

/** Beats of `a` with a beat of `b` within `toleranceSamples`, as a fraction of all beats of either. */
function agreement(a: readonly number[], b: readonly number[], toleranceSamples: number): number {
  let j = 0;
  let matched = 0;
  for (const p of a) {
    while (j < b.length && b[j] < p - toleranceSamples) j++;
    if (j < b.length && Math.abs(b[j] - p) <= toleranceSamples) {
      matched++;
      j++;
    }
  }
  return matched / Math.max(a.length, b.length, 1);
}

test('the step is 2 at 360 Hz, 1 at 250 Hz, and grows with the rate', () => {
  assert.is(correlationStep(360), 2);
  assert.is(correlationStep(250), 1);
  assert.is(correlationStep(1000), 6);
  assert.is(featureStep(360), 2);
  assert.is(featureStep(250), 1);
});

test('the decimated template is every 2nd sample of the full-rate one, the R sample included', () => {
  const bandpass = new BiquadCascade(butterworthBandpass(2, 5, 25, 360));
  const full = qrsTemplate(360, bandpass, 1);
  const half = qrsTemplate(360, bandpass, 2);
  const first = Math.round(0.08 * 360) % 2; // the R sample (80 ms into the template) is kept
  assert.is(half.length, Math.floor((full.length - 1 - first) / 2) + 1);
  // both are normalised separately (zero mean, unit energy): compare shapes by correlation
  let dot = 0;
  let energy = 0;
  let mean = 0;
  for (let i = 0; i < half.length; i++) mean += full[first + 2 * i] / half.length;
  for (let i = 0; i < half.length; i++) {
    dot += half[i] * (full[first + 2 * i] - mean);
    energy += (full[first + 2 * i] - mean) ** 2;
  }
  assert.ok(dot / Math.sqrt(energy) > 0.9999, `shape correlation ${dot / Math.sqrt(energy)}`);
});

const cases: [string, (step: number) => RPeakDetector][] = [
  ['matched-filter', (step) => new MatchedFilterDetector(360, { correlationStep: step })],
  ['two-average', (step) => new TwoAverageDetector(360, { featureStep: step })],
];

for (const [name, create] of cases) {
  test(`${name}: D = 2 finds the beats of D = 1 (MIT-BIH 101, 108, 203, first 5 min)`, async () => {
    for (const record of ['101', '108', '203']) {
      const x = await excerpt(record, 5);
      const full = runInChunks(create(1), x, 360);
      const decimated = runInChunks(create(2), x, 360);
      assert.ok(full.length > 250, `${record}: ${full.length} beats`);
      const share = agreement(full, decimated, 2);
      assert.ok(share >= 0.98, `${name} ${record}: only ${(100 * share).toFixed(1)}% of beats agree within 2 samples`);
    }
  });
}

test.run();
