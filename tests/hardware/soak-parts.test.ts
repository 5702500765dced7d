// The soak's pure parts: seq accounting and the seeded fault plan.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SeqLedger, slope } from '../../hardware/soak/ledger.js';
import { countByKind, planFaults } from '../../hardware/soak/plan.js';

test('ledger: gaps, duplicates and out-of-order arrivals per stream', () => {
  const ledger = new SeqLedger();
  ledger.expect('d/ecg/hr');
  for (const seq of [0, 1, 2, 2, 5, 4, 9]) ledger.record('d/ecg/beats', seq);
  const [hr, beats] = ledger.report();
  assert.equal(hr, { stream: 'd/ecg/hr', received: 0, duplicates: 0, lastSeq: -1, missing: 0, missingRanges: '', outOfOrder: 0 });
  assert.equal(beats, { stream: 'd/ecg/beats', received: 6, duplicates: 1, lastSeq: 9, missing: 4, missingRanges: '3, 6-8', outOfOrder: 1 });
});

test('slope: least squares', () => {
  assert.is(slope([[0, 1], [1, 3], [2, 5]]), 2);
  assert.is(slope([[0, 1]]), 0);
});

test('fault plan: same seed, same plan; faults inside the window; broker restarts never overlap', () => {
  const options = { seed: 42, startS: 30, endS: 1780, deviceCount: 2 };
  const plan = planFaults(options);
  assert.equal(planFaults(options), plan);
  assert.not.equal(planFaults({ ...options, seed: 43 }), plan);
  const counts = countByKind(plan);
  for (const kind of ['broker-restart', 'unplug', 'garbage', 'stall', 'disk-pressure']) assert.ok((counts[kind] ?? 0) > 0, kind);
  let brokerBackS = 0;
  for (const e of plan) {
    assert.ok(e.atS >= options.startS && e.atS < options.endS);
    const endS = e.atS + ('downS' in e ? e.downS : 'durationS' in e ? e.durationS : 0);
    assert.ok(endS < options.endS + 0.1, `${e.kind} at ${e.atS} ends after the window`);
    if (e.kind === 'broker-restart') {
      assert.ok(e.atS >= brokerBackS, 'overlapping broker restarts');
      brokerBackS = e.atS + e.downS;
    }
    if ('device' in e) assert.ok(e.device === 0 || e.device === 1);
  }
  assert.not.ok(planFaults({ ...options, diskPressure: false }).some((e) => e.kind === 'disk-pressure'));
});

test.run();
