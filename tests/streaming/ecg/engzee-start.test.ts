// Engelse-Zeelenberg start-up: the threshold M starts from the running maximum of a stream that has
// just begun, so without blanking the first 200 ms (as the reference implementation does) the first
// slope of a stream, here a baseline step, opens and confirms a false QRS. After a restart the same.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EngzeeDetector } from '../../../src/streaming/ecg/engzee.js';

const fs = 360;

/** A 1 mV baseline step over the first 30 ms and back down over the next 30 ms, then narrow beats every 0.8 s from 0.5 s (µV). */
function startWithStep(seconds: number): { x: Float32Array; beats: number[] } {
  const x = new Float32Array(seconds * fs);
  const rise = Math.round(0.03 * fs);
  for (let i = 0; i < 2 * rise; i++) x[i] = 1000 * (i < rise ? i / rise : 2 - i / rise);
  const beats: number[] = [];
  for (let t = Math.round(0.5 * fs); t < x.length - fs; t += Math.round(0.8 * fs)) {
    beats.push(t);
    for (let k = -12; k <= 12; k++) x[t + k]! += 1500 * Math.exp(-(k * k) / 18) - 300 * Math.exp(-((k - 10) ** 2) / 18);
  }
  return { x, beats };
}

function run(det: EngzeeDetector, x: Float32Array): number[] {
  return [...det.push(x), ...det.flush()];
}

test('no beat in the first 200 ms of a stream, and the beats after it are found', () => {
  const { x, beats } = startWithStep(12);
  const det = new EngzeeDetector(fs);
  const peaks = run(det, x);
  assert.ok(peaks.every((p) => p >= 0.2 * fs), `early peaks: ${peaks.filter((p) => p < 0.2 * fs).join(' ')}`);
  const found = beats.filter((b) => peaks.some((p) => Math.abs(p - b) <= 0.05 * fs));
  assert.ok(found.length >= beats.length - 1, `${found.length} of ${beats.length} beats found`);
  det.reset();
  assert.equal(run(det, x), peaks, 'after reset() the same');
});

test.run();
