import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  BiquadCascade,
  butterworthBandpass,
  butterworthHighpass,
  butterworthLowpass,
  cascadeGain,
  notch,
} from '../../../src/streaming/filters/index.js';
import type { SecondOrderSection } from '../../../src/streaming/filters/index.js';

const rates = [130, 250, 360, 500, 1000];
const db = (g: number) => 20 * Math.log10(g);

/** Gain measured by filtering a sine and comparing steady-state RMS (checks the streaming code, not just the formula). */
function measuredGain(sections: SecondOrderSection[], frequencyHz: number, fs: number): number {
  const f = new BiquadCascade(sections);
  const n = Math.round(fs * 20);
  let inPower = 0;
  let outPower = 0;
  for (let i = 0; i < n; i++) {
    const x = Math.sin((2 * Math.PI * frequencyHz * i) / fs);
    const y = f.step(x);
    if (i >= n / 2) {
      inPower += x * x;
      outPower += y * y;
    }
  }
  return Math.sqrt(outPower / inPower);
}

for (const fs of rates) {
  test(`low-pass 4th order 40 Hz at ${fs} Hz: -3 dB at cutoff, flat in band, stops above`, () => {
    const cutoff = Math.min(40, fs / 4);
    const s = butterworthLowpass(4, cutoff, fs);
    assert.ok(Math.abs(db(cascadeGain(s, cutoff, fs)) + 3.01) < 0.05);
    assert.ok(Math.abs(cascadeGain(s, 1, fs) - 1) < 1e-3);
    assert.ok(Math.abs(cascadeGain(s, 0, fs) - 1) < 1e-9);
    assert.ok(db(cascadeGain(s, Math.min(cutoff * 2.5, fs / 2 - 1), fs)) < -30);
    assert.ok(Math.abs(measuredGain(s, cutoff / 4, fs) - cascadeGain(s, cutoff / 4, fs)) < 0.01);
  });

  test(`high-pass 2nd and 3rd order 0.5 Hz at ${fs} Hz`, () => {
    for (const order of [2, 3]) {
      const s = butterworthHighpass(order, 0.5, fs);
      assert.ok(Math.abs(db(cascadeGain(s, 0.5, fs)) + 3.01) < 0.05);
      assert.ok(cascadeGain(s, 0, fs) < 1e-9);
      assert.ok(Math.abs(cascadeGain(s, 10, fs) - 1) < 1e-3);
      assert.ok(db(cascadeGain(s, 0.05, fs)) < -35);
    }
    const s = butterworthHighpass(2, 0.5, fs);
    assert.ok(Math.abs(measuredGain(s, 10, fs) - 1) < 0.01);
  });

  test(`band-pass 5-15 Hz (orders 1..4) at ${fs} Hz: -3 dB at both edges, unity at centre`, () => {
    for (const order of [1, 2, 3, 4]) {
      const s = butterworthBandpass(order, 5, 15, fs);
      assert.is(s.length, order);
      assert.ok(Math.abs(db(cascadeGain(s, 5, fs)) + 3.01) < 0.05, `order ${order} low edge`);
      assert.ok(Math.abs(db(cascadeGain(s, 15, fs)) + 3.01) < 0.05, `order ${order} high edge`);
      assert.ok(cascadeGain(s, 0, fs) < 1e-9);
      assert.ok(cascadeGain(s, 0.5, fs) < 0.2);
      assert.ok(cascadeGain(s, Math.min(60, fs / 2 - 1), fs) < 0.3);
    }
    const s = butterworthBandpass(2, 5, 15, fs);
    assert.ok(Math.abs(measuredGain(s, Math.sqrt(75), fs) - 1) < 0.02);
    assert.ok(measuredGain(s, 50, fs) < 0.1);
  });

  test(`wide band-pass 0.5-40 Hz (real analog poles) at ${fs} Hz`, () => {
    const hi = Math.min(40, fs / 3);
    for (const order of [1, 2, 3]) {
      const s = butterworthBandpass(order, 0.5, hi, fs);
      assert.ok(Math.abs(db(cascadeGain(s, 0.5, fs)) + 3.01) < 0.05);
      assert.ok(Math.abs(db(cascadeGain(s, hi, fs)) + 3.01) < 0.05);
      assert.ok(Math.abs(cascadeGain(s, Math.sqrt(0.5 * hi), fs) - 1) < 0.02);
    }
  });

  for (const mains of [50, 60]) {
    if (mains >= fs / 2) continue;
    test(`notch ${mains} Hz at ${fs} Hz removes mains, keeps 10 Hz`, () => {
      const s = notch(mains, fs, 30);
      assert.ok(cascadeGain(s, mains, fs) < 1e-9);
      assert.ok(measuredGain(s, mains, fs) < 0.01);
      assert.ok(Math.abs(cascadeGain(s, 10, fs) - 1) < 0.01);
      assert.ok(Math.abs(cascadeGain(s, 0, fs) - 1) < 1e-9);
    });
  }
}

test('design rejects edges at or above Nyquist and bad orders', () => {
  assert.throws(() => butterworthLowpass(2, 65, 130), RangeError);
  assert.throws(() => butterworthBandpass(2, 15, 5, 360), RangeError);
  assert.throws(() => butterworthHighpass(0, 1, 360), RangeError);
});

test('settle() removes the start-up transient of a DC offset through a low-pass', () => {
  const f = new BiquadCascade(butterworthLowpass(4, 20, 360));
  f.settle(-300);
  for (let i = 0; i < 100; i++) assert.ok(Math.abs(f.step(-300) + 300) < 1e-9);
});

test.run();
