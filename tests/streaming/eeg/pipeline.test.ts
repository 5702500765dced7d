// The EEG band pipeline on synthetic signals with known content: chunk invariance (any block sizes
// give the same epochs, bit for bit), the filters' responses, Welch against Parseval, the reference
// chosen per montage, the payload (absolute and relative bands, FAA, epochs), layouts refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cascadeGain } from '../../../src/streaming/filters/index.js';
import { Montage } from '../../../src/streaming/eeg/montage.js';
import { EegPipeline, type EegEpoch } from '../../../src/streaming/eeg/pipeline.js';
import { chooseReference, EegPreprocessor, filterSections } from '../../../src/streaming/eeg/preprocess.js';
import { Welch } from '../../../src/streaming/eeg/welch.js';
import { block, CAP, lcg, synthetic } from './_synthetic.js';

const FS = 256;

function runEpochs(p: EegPipeline, values: Float32Array[], labels: string[], sizes: () => number): EegEpoch[] {
  const out: EegEpoch[] = [];
  const n = values[0].length;
  for (let o = 0; o < n; ) {
    const len = Math.min(n - o, sizes());
    for (const e of p.push(block(values, labels, FS, o, o + len))) if (e.kind === 'epoch') out.push(e.epoch);
    o += len;
  }
  return out;
}

test('chunk invariance: blocks of 1..300 samples give the same epochs as one block, exactly', () => {
  const values = synthetic(20, FS);
  const whole = runEpochs(new EegPipeline(), values, CAP, () => values[0].length);
  const rand = lcg(7);
  const chunked = runEpochs(new EegPipeline(), values, CAP, () => 1 + Math.floor(rand() * 300));
  const ones = runEpochs(new EegPipeline(), values.map((v) => v.subarray(0, 8 * FS)), CAP, () => 1);
  const aligned = runEpochs(new EegPipeline(), values, CAP, () => FS);
  // 20 s, 1 s warm-up, 4 s epochs every 2 s: epochs at 1, 3, ..., 15 s.
  assert.is(whole.length, 8);
  assert.equal(chunked, whole);
  // One sample per block: epochs at 1 and 3 s end within the first 8 s.
  assert.is(ones.length, 2);
  assert.equal(ones, whole.slice(0, 2));
  assert.equal(aligned, whole);
  assert.is(whole[0].firstSampleIndex, FS);
  assert.is(whole[1].firstSampleIndex - whole[0].firstSampleIndex, 2 * FS);
});

test('filter responses: pass band flat, mains notched, drift and out-of-band cut', () => {
  for (const [fs, mains] of [[256, 50], [250, 60], [500, 50], [160, 60]] as const) {
    const s = filterSections({ sampleRateHz: fs, notchHz: mains, notchQ: 30, bandLowHz: 1, bandHighHz: 45, bandpassOrder: 4 });
    const gain = (f: number) => cascadeGain(s, f, fs);
    for (const f of [4, 10, 20, 30]) assert.ok(Math.abs(gain(f) - 1) < 0.02, `${fs} Hz: gain at ${f} Hz ${gain(f)}`);
    assert.ok(Math.abs(gain(1) - Math.SQRT1_2) < 0.02, `-3 dB at 1 Hz: ${gain(1)}`);
    assert.ok(gain(mains) < 1e-3, `${mains} Hz notched: ${gain(mains)}`);
    assert.ok(gain(0.2) < 0.01, `drift at 0.2 Hz: ${gain(0.2)}`);
    const far = Math.min(90, fs / 2 - 1);
    assert.ok(gain(far) < 0.07, `${fs} Hz: out of band at ${far} Hz: ${gain(far)}`);
  }
  assert.throws(() => filterSections({ sampleRateHz: 80, notchHz: 50, notchQ: 30, bandLowHz: 1, bandHighHz: 45, bandpassOrder: 4 }), /sample rate above 90/);
});

test('Welch: a sine of amplitude A has power A^2/2 in its band (Parseval), density scaling per bin', () => {
  const welch = new Welch({ sampleRateHz: FS, segmentSamples: 512, overlapSamples: 256, maxHz: 45 });
  const x = new Float64Array(4 * FS).map((_, i) => 10 * Math.sin((2 * Math.PI * 10 * i) / FS) + 3);
  const psd = welch.psd(x);
  assert.is(welch.binHz, 0.5);
  assert.is(welch.binCount, 91);
  // Hann spreads a bin-centred sine over 3 bins; the band holds all of it (the mean is removed).
  assert.ok(Math.abs(welch.bandPower(psd, 8, 13) - 50) / 50 < 1e-6, `${welch.bandPower(psd, 8, 13)}`);
  assert.ok(welch.bandPower(psd, 0, 1) < 1e-9, 'mean removed per segment');
  assert.is(welch.segmentsIn(4 * FS), 3);
});

test('reference: linked ears from A1/A2 or -LE labels, average on >= 8 electrodes, as recorded on a Muse', () => {
  const pick = (labels: string[], setting: Parameters<typeof chooseReference>[0] = 'auto') => chooseReference(setting, new Montage(labels)).reference;
  assert.is(pick(CAP), 'average');
  assert.is(pick([...CAP, 'A1', 'A2']), 'linked-ears');
  assert.is(pick(CAP.map((n) => `EEG ${n}-LE`)), 'linked-ears-as-recorded');
  assert.is(pick(['TP9', 'AF7', 'AF8', 'TP10']), 'as-recorded');
  assert.is(pick(['TP9', 'AF7', 'AF8', 'TP10'], 'average'), 'average');
  assert.is(pick(CAP, 'linked-ears'), 'as-recorded');
  // The average reference leaves channels summing to zero; linked ears subtract (A1 + A2) / 2.
  const labels = ['C3', 'C4', 'Cz', 'Pz', 'O1', 'O2', 'F3', 'F4', 'A1', 'A2'];
  const values = synthetic(3, FS, labels, 5);
  const avg = new EegPreprocessor(new Montage(labels), 'average', { sampleRateHz: FS, notchHz: null, notchQ: 30, bandLowHz: 1, bandHighHz: 45, bandpassOrder: 4 }).process(values);
  for (let i = 0; i < 3 * FS; i += 17) assert.ok(Math.abs(avg.values.reduce((s, v) => s + v[i], 0)) < 1e-9);
  const ears = new EegPreprocessor(new Montage(labels), 'auto', { sampleRateHz: FS, notchHz: null, notchQ: 30, bandLowHz: 1, bandHighHz: 45, bandpassOrder: 4 });
  assert.is(ears.reference.reference, 'linked-ears');
  const shifted = values.map((v, c) => (c < 8 ? v.map((x, i) => x + (values[8][i] + values[9][i]) / 2) : v));
  const a = ears.process(shifted);
  const plain = new EegPreprocessor(new Montage(labels.slice(0, 8)), 'as-recorded', { sampleRateHz: FS, notchHz: null, notchQ: 30, bandLowHz: 1, bandHighHz: 45, bandpassOrder: 4 }).process(values.slice(0, 8));
  for (let i = 0; i < 3 * FS; i += 17) assert.ok(Math.abs(a.values[3][i] - plain.values[3][i]) < 1e-3, `sample ${i}`);
});

test('payload: absolute and relative bands, FAA ln(F4) - ln(F3), epochs and montage', () => {
  const p = new EegPipeline();
  const values = synthetic(12, FS);
  runEpochs(p, values, CAP, () => 64);
  const b = p.batch();
  assert.ok(b && b.powerUv2 && b.relative);
  assert.is(b.epochs.total, 4);
  assert.is(b.epochs.clean, 4);
  assert.equal(b.channels, ['Fp1', 'Fp2', 'F7', 'F3', 'Fz', 'F4', 'F8', 'T7', 'C3', 'Cz', 'C4', 'T8', 'P7', 'P3', 'Pz', 'P4', 'P8', 'O1', 'O2']);
  assert.is(b.montage.reference, 'average');
  const f3 = b.channels.indexOf('F3');
  const f4 = b.channels.indexOf('F4');
  // The average reference removes the common part of every sine (all channels share the phases of 3..35 Hz partly), so check ratios only.
  assert.ok(Math.abs((b.faa['F4-F3'] ?? NaN) - Math.log(b.powerUv2.alpha[f4] / b.powerUv2.alpha[f3])) < 1e-3);
  assert.ok((b.faa['F4-F3'] ?? 0) > 0.5, `F4 has more alpha: ${b.faa['F4-F3']}`);
  for (let c = 0; c < b.channels.length; c++) {
    const sum = Object.values(b.relative).reduce((s, r) => s + r[c], 0);
    assert.ok(Math.abs(sum - 1) < 1e-3, `relative powers of ${b.channels[c]} sum to ${sum}`);
  }
  assert.is(b.t1Us - b.t0Us, 10e6);
  p.commit();
  assert.is(p.batch(), undefined);
});

test('a Muse montage gives bands; a new layout gets its own batch; unnamed or too slow streams are refused', () => {
  const muse = ['TP9', 'AF7', 'AF8', 'TP10'];
  const p = new EegPipeline();
  runEpochs(p, synthetic(6, FS, muse), muse, () => 12);
  const withAux = [...muse, 'AUX'];
  const aux = synthetic(6, FS, withAux, 3);
  for (let o = 0; o < 6 * FS; o += 128) p.push(block(aux, withAux, FS, o, o + 128, 10 * FS + o));
  const first = p.batch();
  assert.ok(first?.powerUv2);
  assert.equal(first.channels, muse);
  assert.equal(first.faa, { 'AF8-AF7': first.faa['AF8-AF7'] });
  assert.is(first.montage.reference, 'as-recorded');
  p.commit();
  const second = p.batch();
  assert.equal(second?.montage.excluded, [{ label: 'AUX', reason: 'non-eeg' }]);
  const refused = new EegPipeline();
  const ev = refused.push(block(synthetic(1, FS, ['EEG1', 'EEG2'], 1), ['EEG1', 'EEG2'], FS, 0, FS));
  assert.equal(ev.map((e) => e.kind === 'rejected' && e.code), ['eeg-montage']);
  assert.equal(refused.push(block(synthetic(1, FS, ['EEG1', 'EEG2'], 1), ['EEG1', 'EEG2'], FS, 0, FS, FS)), [], 'refused once per layout');
  const slow = new EegPipeline().push({ ...block(synthetic(1, 80, CAP), CAP, 80, 0, 80), sampleRateHz: 80 });
  assert.equal(slow.map((e) => e.kind === 'rejected' && e.code), ['eeg-rate']);
});

test.run();
