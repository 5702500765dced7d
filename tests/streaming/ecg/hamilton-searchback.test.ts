// Hamilton search-back timing: one extra beat must not make search-back take a noise peak before a
// slightly late beat has been judged (the cause of most of our false detections under muscle noise).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HamiltonDetector } from '../../../src/streaming/ecg/hamilton.js';
import { genericQrs } from '../../../src/streaming/ecg/raw-history.js';
import { runInChunks } from './_run.js';

const fs = 360;
const qrsMicrovolts = 1000;

/** Sum of generic QRS complexes (amplitude in QRS units) at the given times, seconds. */
function synthesize(durationSec: number, beats: readonly (readonly [number, number])[]): Float32Array {
  const x = new Float32Array(Math.round(durationSec * fs));
  for (const [timeSec, amplitude] of beats) {
    const centre = Math.round(timeSec * fs);
    for (let i = Math.max(0, centre - fs / 4); i < Math.min(x.length, centre + fs / 4); i++) {
      x[i] += qrsMicrovolts * amplitude * genericQrs((i - centre) / fs);
    }
  }
  return x;
}

test('an extra beat does not pull search-back ahead of a late beat onto a smaller peak', () => {
  const beats: [number, number][] = [];
  for (let t = 0.5; t <= 13.6; t += 1) beats.push([t, 1]); // 0.5 .. 13.5 s, RR 1 s
  beats.push([10.8, 0.9]); // extra beat: RR 0.3 s then 0.7 s, the RR mean of 8 drops to 0.875 s
  const bumpSec = 14.3; // a QRS-like bump above half the threshold, below the threshold
  beats.push([bumpSec, 0.35]);
  const lateSec = 14.65; // RR 1.15 s: beyond 1.5 x 0.875 s once the 200 ms hold is counted
  for (let t = lateSec; t < 20; t += 1) beats.push([t, 1]);
  beats.sort((a, b) => a[0] - b[0]);
  const detected = runInChunks(new HamiltonDetector(fs), synthesize(20.5, beats), fs).map((i) => i / fs);
  const near = (t: number, toleranceSec: number) => detected.some((d) => Math.abs(d - t) <= toleranceSec);
  assert.ok(near(lateSec, 0.05), `late beat at ${lateSec} s missed: ${detected.map((d) => d.toFixed(2)).join(' ')}`);
  assert.ok(!near(bumpSec, 0.1), `bump at ${bumpSec} s taken as a beat: ${detected.map((d) => d.toFixed(2)).join(' ')}`);
  // every real beat after the learning period is found once
  for (const [t, amplitude] of beats) if (amplitude >= 0.9 && t > 3.5) assert.ok(near(t, 0.05), `beat at ${t} s missed`);
});

test.run();
