import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HrvMonitor, pnn50, rmssd, sdnn, successiveDifferences } from '../../../src/streaming/ecg/hrv.js';

function beatsFrom(rrMs: number[], start = 500): number[] {
  const beats = [start];
  for (const rr of rrMs) beats.push(beats[beats.length - 1] + rr);
  return beats;
}
const close = (a: number | null, b: number, what: string) => assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${what}: ${a} != ${b}`);

test('pure statistics against hand-computed values', () => {
  // RR 800 810 790 800: mean 800, squares 0+100+100+0 -> SDNN sqrt(200/3); diffs 10 -20 10
  close(sdnn([800, 810, 790, 800]), Math.sqrt(200 / 3), 'SDNN');
  close(rmssd([10, -20, 10]), Math.sqrt(200), 'RMSSD');
  close(pnn50([10, -60, 51, 50]), 0.5, 'pNN50');
  assert.is(sdnn([800]), null);
  assert.is(rmssd([]), null);
  assert.equal(successiveDifferences([{ rrMs: 800 }, { rrMs: 900, rejected: 'ectopic' }, { rrMs: 810 }, { rrMs: 820 }]), [10]);
});

test('constant RR: SDNN and RMSSD are 0, HR exact', () => {
  const m = new HrvMonitor(1000);
  const updates = m.push(beatsFrom(Array(100).fill(750)));
  assert.is(updates.length, 100);
  assert.is(updates[99].instantHrBpm, 80);
  assert.is(updates[99].smoothedHrBpm, 80);
  const [w60] = m.summaries();
  assert.is(w60.sdnnMs, 0);
  assert.is(w60.rmssdMs, 0);
  assert.is(w60.pnn50, 0);
  assert.is(w60.meanHrBpm, 80);
  assert.is(w60.intervalCount, 80); // 60 s / 750 ms
});

test('alternating RR 800/900: RMSSD 100, pNN50 1, SDNN of the two values', () => {
  const rr = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 800 : 900));
  const m = new HrvMonitor(1000, { windowsMs: [300_000] });
  m.push(beatsFrom(rr));
  const [s] = m.summaries();
  close(s.rmssdMs, 100, 'RMSSD');
  close(s.pnn50, 1, 'pNN50');
  close(s.sdnnMs, Math.sqrt((60 * 50 * 50) / 59), 'SDNN');
  assert.is(s.differenceCount, 59);
});

test('ectopic beats are excluded from HRV and counted', () => {
  const rr = [...Array(20).fill(800), 480, 1120, ...Array(20).fill(800)];
  const m = new HrvMonitor(1000, { windowsMs: [60_000] });
  const updates = m.push(beatsFrom(rr));
  const [s] = m.summaries();
  assert.is(s.rejectedCount, 2);
  assert.is(s.intervalCount, 40);
  assert.is(s.sdnnMs, 0);
  assert.is(s.rmssdMs, 0);
  assert.is(m.counts.ectopic, 2);
  assert.is(updates[20].instantHrBpm, 75, 'instant HR keeps the last accepted interval');
});

test('sliding windows forget old intervals; memory stays bounded over hours', () => {
  const m = new HrvMonitor(250, { windowsMs: [60_000, 300_000] });
  // 3 h at ~1 beat/s in 250 Hz samples: 30 min of 1000 ms then RR alternating 950/1050
  let beat = 0;
  for (let i = 0; i < 3 * 3600; i++) {
    beat += i < 9000 ? 250 : i % 2 === 0 ? 237.5 : 262.5; // samples: 1000 ms, then 950/1050 ms
    m.push([Math.round(beat)]);
  }
  const [w60, w300] = m.summaries();
  assert.ok(w60.intervalCount >= 58 && w60.intervalCount <= 61, `${w60.intervalCount}`);
  assert.ok(w300.intervalCount >= 298 && w300.intervalCount <= 301, `${w300.intervalCount}`);
  assert.ok(w300.rmssdMs !== null && Math.abs(w300.rmssdMs - 100) < 5, `${w300.rmssdMs}`);
});

test('empty and single-beat input give nulls, not NaN', () => {
  const m = new HrvMonitor(360);
  assert.equal(m.push([100]), []);
  const [s] = m.summaries();
  assert.is(s.intervalCount, 0);
  assert.is(s.meanHrBpm, null);
  assert.is(s.sdnnMs, null);
  assert.is(s.pnn50, null);
  m.reset();
  assert.is(m.push([0, 360])[0].instantHrBpm, 60);
});

test.run();
