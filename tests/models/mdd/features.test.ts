// The MDD features against references made independently (training/mdd_features_reference.py: MNE
// reads the EDF, scipy.signal.welch computes the band powers) on a committed 8 s excerpt of a real
// recording with all its 22 channels; channel selection by name; the scale-free normalisation; the
// artefact rules.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MissingChannelsError, selectChannels, standardLabel } from '../../../src/models/mdd/channels.js';
import { DEFAULT_MDD_FEATURES, MDD_19, centredLog10, epochMaps, recordingEpochs, rejectEpoch } from '../../../src/models/mdd/features.js';
import { MddEpochStream } from '../../../src/models/mdd/stream.js';
import { readNpy } from '../../../src/quantize/npy.js';
import { resampleSinc } from '../../../src/streaming/resample.js';

const fixture = (name: string) => new URL(`../../fixtures/mdd/${name}`, import.meta.url);
const excerpt = readNpy(new Uint8Array(readFileSync(fixture('excerpt.npy'))));
const meta = JSON.parse(readFileSync(fixture('excerpt.json'), 'utf8')) as { labels: string[]; sampleRateHz: number };
const expected = JSON.parse(readFileSync(fixture('features-expected.json'), 'utf8')) as { epochs: { startS: number; bandPowers: number[][]; centredLog10: number[][] }[] };
const samples = excerpt.shape[1]!;
const rows = Array.from({ length: excerpt.shape[0]! }, (_, i) => excerpt.data.subarray(i * samples, (i + 1) * samples));

function picked(labels: readonly string[], data: readonly Float32Array[]): Float32Array[] {
  return selectChannels(labels, MDD_19).map((i) => data[i]!);
}

test('labels read as standard names; references and bipolar channels never match', () => {
  assert.is(standardLabel('EEG Fp1-LE'), 'Fp1');
  assert.is(standardLabel('EEG T3-LE'), 'T7');
  assert.is(standardLabel('Cz.'), 'Cz');
  assert.is(standardLabel('EEG A2-A1'), undefined);
  assert.is(standardLabel('EEG 23A-23R'), undefined);
  assert.is(standardLabel('EEG F3-F4'), undefined);
  assert.throws(() => selectChannels(['EEG Fp1-LE', 'EEG Cz-LE'], ['Fp1', 'Cz', 'O2'], 'x.edf'), (e: unknown) => e instanceof MissingChannelsError && /x\.edf: no channel for O2/.test((e as Error).message));
  assert.throws(() => selectChannels(['T3', 'T7'], ['T7']), /two channels for T7/);
});

test('band powers per epoch equal scipy.signal.welch on the MNE-read excerpt (rel. 1e-9)', () => {
  const epochs = recordingEpochs(picked(meta.labels, rows));
  assert.is(epochs.length, expected.epochs.length);
  let worst = 0;
  epochs.forEach((e, k) => {
    assert.is(e.startS, expected.epochs[k]!.startS);
    e.bandPowers.forEach((band, b) => band.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected.epochs[k]!.bandPowers[b]![i]!) / expected.epochs[k]!.bandPowers[b]![i]!))));
    const c = centredLog10(e.bandPowers).values;
    c.forEach((band, b) => band.forEach((v, i) => assert.ok(Math.abs(v - expected.epochs[k]!.centredLog10[b]![i]!) < 1e-9)));
  });
  assert.ok(worst < 1e-9, `worst relative error ${worst}`);
});

test('what the model sees is fixed by names: reversed channel order and dropped extras give identical maps', () => {
  const base = recordingEpochs(picked(meta.labels, rows));
  const order = rows.map((_, i) => rows.length - 1 - i).filter((i) => !/A2-A1|23A|24A/.test(meta.labels[i]!));
  const shuffled = recordingEpochs(picked(order.map((i) => meta.labels[i]!), order.map((i) => rows[i]!)));
  base.forEach((e, k) => assert.equal(Array.from(epochMaps(e.bandPowers, DEFAULT_MDD_FEATURES)), Array.from(epochMaps(shuffled[k]!.bandPowers, DEFAULT_MDD_FEATURES))));
});

test('a gain on the recording does not reach the maps (log10 centred per epoch); it moves only the removed offset', () => {
  const ch = picked(meta.labels, rows);
  const base = recordingEpochs(ch);
  const doubled = recordingEpochs(ch.map((x) => x.map((v) => v * 2)));
  base.forEach((e, k) => {
    const a = epochMaps(e.bandPowers, DEFAULT_MDD_FEATURES);
    const b = epochMaps(doubled[k]!.bandPowers, DEFAULT_MDD_FEATURES);
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-5, `pixel ${i}: ${v} vs ${b[i]}`));
    assert.ok(Math.abs(doubled[k]!.meanLog10Power - e.meanLog10Power - 2 * Math.log10(2)) < 1e-9);
  });
  const maps = epochMaps(base[0]!.bandPowers, DEFAULT_MDD_FEATURES);
  assert.is(maps.length, 5 * 32 * 32);
  assert.is(maps[0], 0); // a corner: outside the head
});

test('artefact rules: flat channel, amplitude, one channel far above the others; clean passes', () => {
  const p = DEFAULT_MDD_FEATURES;
  const n = 1024;
  const noise = (seed: number, amp: number) => Float32Array.from({ length: n }, (_, i) => amp * Math.sin(0.3 * i + seed) + 0.5 * amp * Math.sin(0.071 * i * (seed + 1)));
  const clean = Array.from({ length: 19 }, (_, e) => noise(e, 10));
  assert.is(rejectEpoch(clean, 0, n, p), undefined);
  const flat = clean.map((x, e) => (e === 3 ? new Float32Array(n).fill(5) : x));
  assert.is(rejectEpoch(flat, 0, n, p), 'flat');
  const spike = clean.map((x, e) => (e === 0 ? x.map((v, i) => (i === 500 ? v + 600 : v)) : x));
  assert.is(rejectEpoch(spike, 0, n, p), 'amplitude');
  const loud = clean.map((x, e) => (e === 7 ? x.map((v) => v * 8) : x));
  assert.is(rejectEpoch(loud, 0, n, p), 'channel-outlier');
  // the relative rule is scale-free: the same epoch at x0.1 is still an outlier, the clean one still clean
  assert.is(rejectEpoch(loud.map((x) => x.map((v) => v * 0.1)), 0, n, p), 'channel-outlier');
  assert.is(rejectEpoch(clean.map((x) => x.map((v) => v * 0.1)), 0, n, p), undefined);
});

test('streaming: blocks of any size (all 22 channels in file order) give the epochs and maps of the whole recording', () => {
  const whole = recordingEpochs(picked(meta.labels, rows));
  for (const block of [1, 10, 256, 777, samples]) {
    const stream = new MddEpochStream();
    const got = [];
    for (let s = 0; s < samples; s += block) got.push(...stream.push(meta.labels, 256, rows.map((r) => r.subarray(s, Math.min(samples, s + block)))));
    assert.is(got.length, whole.length, `block ${block}`);
    got.forEach((e, k) => {
      assert.is(e.startS, whole[k]!.startS);
      assert.equal(Array.from(e.maps!), Array.from(epochMaps(whole[k]!.bandPowers, DEFAULT_MDD_FEATURES)), `block ${block} epoch ${k}`);
    });
  }
  assert.throws(() => new MddEpochStream().push(['EEG Fp1-LE'], 256, [new Float32Array(4)]), /no channel for Fp2/);
  assert.throws(() => new MddEpochStream().push(meta.labels, 64, rows), /bands reach 30 Hz and need at least 66 Hz/);
});

test('streaming at another device rate: the same recording at 250 Hz, resampled on the fly, gives the 256 Hz maps', () => {
  const at250 = rows.map((r) => resampleSinc(r, 256, 250));
  const whole = recordingEpochs(picked(meta.labels, rows));
  const stream = new MddEpochStream();
  const got = [];
  for (let s = 0; s < at250[0]!.length; s += 25) got.push(...stream.push(meta.labels, 250, at250.map((r) => r.subarray(s, s + 25))));
  // The resampler's delay (18 input samples) and the shorter signal cost the last epoch at most.
  assert.ok(got.length >= whole.length - 1 && got.length > 0, `${got.length} epochs`);
  let maxDiff = 0;
  got.forEach((e, k) => {
    assert.is(e.startS, whole[k]!.startS);
    const want = epochMaps(whole[k]!.bandPowers, DEFAULT_MDD_FEATURES);
    e.maps!.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - want[i]!))));
  });
  // Map values are centred log10 powers: 0.02 is a 5 % power difference.
  assert.ok(maxDiff < 0.02, `max map difference ${maxDiff}`);
  // Without resampling (the 250 Hz samples taken as 256 Hz), the maps are further off than that.
  const wrong = new MddEpochStream().push(meta.labels, 256, at250);
  const want0 = epochMaps(whole[0]!.bandPowers, DEFAULT_MDD_FEATURES);
  assert.ok(wrong[0]!.maps!.some((v, i) => Math.abs(v - want0[i]!) > 0.02));
});

test.run();
