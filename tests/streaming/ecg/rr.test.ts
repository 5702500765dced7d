import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyRr, RrExtractor, rrSeriesFromBeats } from '../../../src/streaming/ecg/rr.js';

/** Beat indices at 1 kHz from a list of RR intervals in ms (first beat at 500). */
function beatsFrom(rrMs: number[]): number[] {
  const beats = [500];
  for (const rr of rrMs) beats.push(beats[beats.length - 1] + rr);
  return beats;
}

test('classifyRr: physiological bounds and the 20% rule', () => {
  assert.is(classifyRr(250, NaN), 'too-short');
  assert.is(classifyRr(2500, NaN), 'too-long');
  assert.is(classifyRr(NaN, 800), 'too-short');
  assert.is(classifyRr(800, NaN), undefined);
  assert.is(classifyRr(950, 800), undefined); // +18.75%
  assert.is(classifyRr(970, 800), 'ectopic'); // +21.25%
  assert.is(classifyRr(630, 800), 'ectopic'); // -21.25%
});

test('intervals in ms at the stream rate, with end times', () => {
  const rr = rrSeriesFromBeats([0, 360, 720, 1080], 360);
  assert.equal(rr.map((r) => r.rrMs), [1000, 1000, 1000]);
  assert.equal(rr.map((r) => r.endMs), [1000, 2000, 3000]);
  assert.ok(rr.every((r) => r.rejected === undefined));
});

test('a premature beat and its compensatory pause are both rejected', () => {
  const rr = rrSeriesFromBeats(beatsFrom([800, 800, 800, 800, 800, 500, 1100, 800, 800]), 1000);
  assert.equal(rr.map((r) => r.rejected ?? 'ok'), ['ok', 'ok', 'ok', 'ok', 'ok', 'ectopic', 'ectopic', 'ok', 'ok']);
});

test('missed beats, false detections and gaps are counted', () => {
  const x = new RrExtractor(1000);
  x.push(beatsFrom([800, 800, 800, 1600, 800, 200, 600, 800, 5000, 800]));
  assert.equal({ ...x.counts }, { accepted: 6, tooShort: 1, tooLong: 1, ectopic: 2 });
});

test('a genuine change of rate is followed after a few beats', () => {
  const rr = rrSeriesFromBeats(beatsFrom([...Array(10).fill(1000), ...Array(10).fill(700)]), 1000);
  const after = rr.slice(10).map((r) => r.rejected === undefined);
  assert.ok(!after[0], 'the first shorter interval is suspicious');
  assert.ok(after.slice(5).every(Boolean), `accepted again: ${after}`);
});

test('chunked pushes equal one push; duplicates and non-increasing indices are ignored', () => {
  const beats = beatsFrom([800, 810, 500, 1100, 790, 2500, 800, 805]);
  const whole = rrSeriesFromBeats(beats, 1000);
  const x = new RrExtractor(1000);
  const parts = [...x.push(beats.slice(0, 3)), ...x.push([beats[2], beats[1]]), ...x.push(beats.slice(3))];
  assert.equal(parts, whole);
  x.reset();
  assert.equal(x.push(beats), whole);
});

test.run();
