// Our Welch band powers against MNE-Python's psd_array_welch (fixtures made by
// training/eeg_reference.py, committed): on real recordings (Mumtaz MDD, eegmat, eegmmidb S001),
// the raw signal's epochs (Welch and band integration alone) and the pipeline's conditioned epochs
// (montage, reference, notch, band-pass, epoch boundaries, Welch). Agreement within 0.01 % per band
// (docs/eeg.md); the largest error seen is printed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadEdf } from '../../../src/streaming/formats/load.js';
import { Montage } from '../../../src/streaming/eeg/montage.js';
import { EegPipeline, type EegEpoch } from '../../../src/streaming/eeg/pipeline.js';
import { BAND_NAMES, bandsOf, Welch } from '../../../src/streaming/eeg/welch.js';

const dataDir = new URL('../../../../shared/data/', import.meta.url).pathname;
const fixtureDir = new URL('../../fixtures/eeg/', import.meta.url).pathname;
/** Relative tolerance per band (docs/eeg.md). */
const TOLERANCE = 1e-4;

interface Fixture {
  file: string;
  sampleRateHz: number;
  names: string[];
  compared: string[];
  notchHz: 50 | 60;
  reference: 'average' | 'as-recorded';
  epochSamples: number;
  hopSamples: number;
  warmupSamples: number;
  welch: { segmentSamples: number; overlapSamples: number };
  rawEpochs: Array<{ startSample: number; bands: number[][] }>;
  pipelineEpochs: Array<{ epoch: number; startSample: number; bands: number[][] }>;
}

const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f, fixture: JSON.parse(readFileSync(join(fixtureDir, f), 'utf8')) as Fixture }));

function relativeError(ours: number, theirs: number): number {
  return Math.abs(ours - theirs) / Math.max(Math.abs(theirs), 1e-12);
}

/** [delta, theta, alpha, beta, gamma, total] of one channel, as the fixture stores it. */
const row = (b: ReturnType<typeof bandsOf>) => [...BAND_NAMES.map((n) => b.absoluteUv2[n]), b.totalUv2];

test('there are MNE fixtures for at least three recordings', () => {
  assert.ok(fixtures.length >= 3, `${fixtures.length} fixtures`);
});

for (const { name, fixture } of fixtures) {
  test(`${name}: montage names, raw-epoch Welch and pipeline epochs agree with MNE within ${TOLERANCE * 100} %`, async () => {
    const edf = await loadEdf(join(dataDir, fixture.file), { repairCrlf: true });
    const fs = fixture.sampleRateHz;
    const signals = edf.signals.filter((s) => s.sampleRateHz === fs);
    const montage = new Montage(signals.map((s) => s.header.label));
    assert.equal(montage.names, fixture.names, 'the montage picks the channels and names MNE was given');
    const compared = fixture.compared.map((n) => montage.channels[montage.indexOf(n)].index);
    const welch = new Welch({ sampleRateHz: fs, segmentSamples: fixture.welch.segmentSamples, overlapSamples: fixture.welch.overlapSamples, maxHz: 45 });
    let worstRaw = 0;
    for (const epoch of fixture.rawEpochs) {
      compared.forEach((signal, i) => {
        const x = signals[signal].physical.subarray(epoch.startSample, epoch.startSample + fixture.epochSamples);
        const ours = row(bandsOf(welch, welch.psd(x)));
        ours.forEach((v, b) => (worstRaw = Math.max(worstRaw, relativeError(v, epoch.bands[i][b]))));
      });
    }
    // The pipeline on the same file, in blocks of an odd size, up to the last epoch compared.
    const pipeline = new EegPipeline({ notchHz: fixture.notchHz });
    const last = fixture.pipelineEpochs.at(-1)!;
    const end = last.startSample + fixture.epochSamples;
    const epochs = new Map<number, EegEpoch>();
    const block = 37;
    let reference = '';
    for (let o = 0; o < end; o += block) {
      const events = pipeline.push({
        deviceId: 'f',
        stream: 'eeg',
        sampleRateHz: fs,
        channels: signals.map((s) => s.header.label),
        t0Us: (o / fs) * 1e6,
        firstSampleIndex: o,
        values: signals.map((s) => s.physical.subarray(o, Math.min(o + block, end))),
      });
      for (const e of events) {
        if (e.kind === 'epoch') epochs.set(e.epoch.firstSampleIndex, e.epoch);
        if (e.kind === 'layout') reference = e.reference;
      }
    }
    assert.is(reference === 'average' ? 'average' : 'as-recorded', fixture.reference, `reference ${reference}`);
    let worstPipeline = 0;
    for (const expected of fixture.pipelineEpochs) {
      const epoch = epochs.get(expected.startSample);
      assert.ok(epoch, `an epoch starts at sample ${expected.startSample}`);
      fixture.compared.forEach((n, i) => {
        const ours = row(epoch.bands[montage.indexOf(n)]);
        ours.forEach((v, b) => (worstPipeline = Math.max(worstPipeline, relativeError(v, expected.bands[i][b]))));
      });
    }
    console.log(`  ${name}: largest relative difference to MNE: raw Welch ${worstRaw.toExponential(2)}, pipeline ${worstPipeline.toExponential(2)}`);
    assert.ok(worstRaw < TOLERANCE, `raw Welch differs by ${worstRaw}`);
    assert.ok(worstPipeline < TOLERANCE, `pipeline differs by ${worstPipeline}`);
  });
}

test.run();
