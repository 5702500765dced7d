// The recording-setup signature (the amplifier's filter edges) and the confound check built on it,
// on signals whose spectra are known: white noise (flat: both edges at 0) and the same noise through
// a steep 1.5-35 Hz band-pass (the edges fall by orders of magnitude), and the band-limit ablation's
// filter (what it removes, what it keeps).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bandLimited } from '../../../src/models/mdd/dataset.js';
import { SETUP_WARN_DISTANCE, setupConfound, setupSignature, type SetupSignature } from '../../../src/models/mdd/setup-signature.js';
import { mulberry32 } from '../../../src/models/mdd/metrics.js';
import { Welch } from '../../../src/streaming/eeg/welch.js';

const RATE_HZ = 256;
const EPOCH = 4 * RATE_HZ;

function whiteNoise(seconds: number, seed: number): Float32Array {
  const rnd = mulberry32(seed);
  const x = new Float32Array(seconds * RATE_HZ);
  for (let i = 0; i < x.length; i += 2) {
    // Box-Muller: two normal values from two uniforms
    const r = Math.sqrt(-2 * Math.log(1 - rnd()));
    const a = 2 * Math.PI * rnd();
    x[i] = 10 * r * Math.cos(a);
    if (i + 1 < x.length) x[i + 1] = 10 * r * Math.sin(a);
  }
  return x;
}

const starts = (samples: number) => Array.from({ length: Math.floor((samples - EPOCH) / (2 * RATE_HZ)) + 1 }, (_, k) => k * 2 * RATE_HZ);
const limit = { lowHz: 1.5, highHz: 35, order: 8 };

function signatureOf(channels: Float32Array[]): SetupSignature {
  return setupSignature(channels, RATE_HZ, starts(channels[0]!.length), EPOCH);
}

test('white noise has both edges near 0; a steep 1.5-35 Hz band-pass pushes both far below', () => {
  const raw = [whiteNoise(60, 1), whiteNoise(60, 2), whiteNoise(60, 3)];
  const flat = signatureOf(raw);
  // the 0.5 Hz bin is the one next to DC: the removed mean and the Hann window take a little of it
  assert.ok(Math.abs(flat.lowEdgeLog10) < 0.3, `low edge ${flat.lowEdgeLog10}`);
  assert.ok(Math.abs(flat.highEdgeLog10!) < 0.15, `high edge ${flat.highEdgeLog10}`);
  const filtered = signatureOf(bandLimited(raw, RATE_HZ, limit));
  assert.ok(filtered.lowEdgeLog10 < -1.5, `low edge ${filtered.lowEdgeLog10}`);
  assert.ok(filtered.highEdgeLog10! < -1, `high edge ${filtered.highEdgeLog10}`);
});

test('below 90 Hz sampling there is no low-pass edge to measure', () => {
  const x = whiteNoise(30, 4).filter((_, i) => i % 4 === 0); // 64 Hz
  const s = setupSignature([x], 64, [0, 128, 256], 256);
  assert.ok(Number.isFinite(s.lowEdgeLog10));
  assert.is(s.highEdgeLog10, null);
});

test('the band-limit keeps 4-30 Hz and removes the filter-edge frequencies', () => {
  const welch = new Welch({ sampleRateHz: RATE_HZ, segmentSamples: 2 * RATE_HZ, overlapSamples: RATE_HZ, maxHz: 50 });
  const power = (x: Float32Array, lo: number, hi: number) => welch.bandPower(welch.psd(x.subarray(x.length - EPOCH)), lo, hi);
  const sine = (hz: number) => Float32Array.from({ length: 20 * RATE_HZ }, (_, i) => 20 + 10 * Math.sin((2 * Math.PI * hz * i) / RATE_HZ));
  for (const hz of [4.5, 10, 29]) {
    const [y] = bandLimited([sine(hz)], RATE_HZ, limit);
    const ratio = power(y!, hz - 1, hz + 1) / power(sine(hz), hz - 1, hz + 1);
    assert.ok(ratio > 0.9 && ratio < 1.1, `${hz} Hz kept: power ratio ${ratio}`);
  }
  for (const hz of [0.5, 45]) {
    const [y] = bandLimited([sine(hz)], RATE_HZ, limit);
    const ratio = power(y!, Math.max(0.5, hz - 0.5), hz + 1) / power(sine(hz), Math.max(0.5, hz - 0.5), hz + 1);
    assert.ok(ratio < 0.01, `${hz} Hz removed: power ratio ${ratio}`);
  }
});

test('setupConfound: groups recorded with different filters are flagged; groups recorded alike are not', () => {
  const steep: SetupSignature = { lowEdgeLog10: -2, highEdgeLog10: -2 };
  const open: SetupSignature = { lowEdgeLog10: 0.5, highEdgeLog10: -0.2 };
  const persons = (mddSetup: (i: number) => SetupSignature, healthySetup: (i: number) => SetupSignature) => [
    ...Array.from({ length: 5 }, (_, i) => ({ subject: `M${i}`, label: 'MDD' as const, setup: mddSetup(i) })),
    ...Array.from({ length: 5 }, (_, i) => ({ subject: `H${i}`, label: 'healthy' as const, setup: healthySetup(i) })),
  ];
  const apart = setupConfound(persons(() => steep, () => open));
  assert.is(apart.persons, 10);
  assert.is(apart.lowEdgeAuc, 1);
  assert.is(apart.highEdgeAuc, 1);
  assert.match(apart.warning ?? '', /different amplifier settings/);
  // alike: each group has both setups in the same proportion
  const alike = setupConfound(persons((i) => (i % 2 ? steep : open), (i) => (i % 2 ? steep : open)));
  assert.ok(Math.abs(alike.lowEdgeAuc - 0.5) < SETUP_WARN_DISTANCE, `AUC ${alike.lowEdgeAuc}`);
  assert.is(alike.warning, undefined);
  // a person's recordings are averaged: one steep and one open recording lie between the two
  const mixed = setupConfound([...persons(() => steep, () => open), { subject: 'M0', label: 'MDD', setup: open }]);
  assert.is(mixed.persons, 10);
  assert.is(mixed.lowEdgeAuc, 1);
});

test.run();
