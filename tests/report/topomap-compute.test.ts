// The topomap command's computation: Welch band powers (synthetic sines; a real recording against
// MNE's psd_array_welch via the committed fixture), channel selection by name, refusals, the figure.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { TOPOMAP_BANDS, standardNameFromLabel, welchBandPowers } from '../../src/report/topomap/band-power.js';
import { computeTopomaps } from '../../src/report/topomap/compute.js';
import { compactSvg, topomapSpec } from '../../src/report/topomap/chart.js';
import { renderSvg } from '../../src/report/render-svg.js';
import { loadEdf } from '../../src/streaming/formats/load.js';
import type { EdfFile, EdfSignal } from '../../src/streaming/formats/edf.js';
import { parseSecondsRange } from '../../src/gateway/commands/eeg-topomap.js';

const FS = 256;
const sine = (hz: number, amplitudeUv: number, seconds: number, phase = 0) =>
  Float32Array.from({ length: seconds * FS }, (_, i) => amplitudeUv * Math.sin((2 * Math.PI * hz * i) / FS + phase));

test('Welch: a 10 Hz sine of amplitude A puts A^2/2 uV^2 in alpha and almost nothing elsewhere', () => {
  const p = welchBandPowers(sine(10, 20, 30), FS, TOPOMAP_BANDS);
  assert.ok(Math.abs(p[2]! - 200) / 200 < 0.01, `alpha ${p[2]}`);
  for (const b of [0, 1, 3, 4]) assert.ok(p[b]! < 0.01 * p[2]!, `${TOPOMAP_BANDS[b]!.name} ${p[b]}`);
  const sum = sine(6, 10, 30).map((v, i) => v + sine(20, 5, 30, 1)[i]!);
  const q = welchBandPowers(sum, FS, TOPOMAP_BANDS);
  assert.ok(Math.abs(q[1]! - 50) / 50 < 0.01 && Math.abs(q[3]! - 12.5) / 12.5 < 0.01, `theta ${q[1]} beta ${q[3]}`);
  assert.throws(() => welchBandPowers(new Float32Array(100), FS, TOPOMAP_BANDS), /at least 512/);
});

test('channel labels to standard names: EEG prefix, reference suffix, dot, aliases; ear references dropped', () => {
  assert.is(standardNameFromLabel('EEG Fp1-LE'), 'Fp1');
  assert.is(standardNameFromLabel('EEG T3-LE'), 'T7');
  assert.is(standardNameFromLabel('T6.'), 'P8');
  assert.is(standardNameFromLabel('EEG A2-A1'), undefined);
  assert.is(standardNameFromLabel('EEG 23A-23R'), undefined);
});

const fixtureUrl = new URL('../fixtures/eeg-topomap/mne-maps.json', import.meta.url);
const p02 = new URL('../../../shared/data/mumtaz-mdd-train/P02_EC.edf', import.meta.url).pathname;

test('real recording (mumtaz P02_EC, 60-120 s): log10 band powers equal MNE psd_array_welch within 1e-6', async () => {
  if (!existsSync(p02)) {
    console.warn(`skipped: ${p02} not present`);
    return;
  }
  const fixture = JSON.parse(readFileSync(fixtureUrl, 'utf8')) as { montages: { electrodes: string[]; maps: { field: string; values: number[] }[] }[] };
  const m = fixture.montages[0]!;
  const file = await loadEdf(p02);
  const { summary } = computeTopomaps(file, { file: 'P02_EC.edf', seconds: { fromS: 60, toS: 120 }, normalisation: 'log10', gridPx: 32 });
  assert.equal(summary.ignoredChannels, ['EEG A2-A1', 'EEG 23A-23R', 'EEG 24A-24R']);
  for (const [field, band] of [['P02_EC_60-120s_log10_alpha_uV2', 'alpha'], ['P02_EC_60-120s_log10_theta_uV2', 'theta']] as const) {
    const ref = m.maps.find((x) => x.field === field)!.values;
    const ours = summary.bands.find((b) => b.name === band)!;
    m.electrodes.forEach((name, i) => {
      const j = summary.electrodes.indexOf(name);
      assert.ok(Math.abs(Math.log10(ours.powerUv2[j]!) - ref[i]!) < 1e-5, `${band} ${name}: ${Math.log10(ours.powerUv2[j]!)} vs ${ref[i]}`);
    });
  }
});

function fakeEdf(labels: string[], seconds = 10, rateHz = FS): EdfFile {
  const signals = labels.map((label, i): EdfSignal => {
    const physical = sine(8 + i, 10 + i, seconds);
    return {
      header: { label, transducer: '', physicalDimension: 'uV', physicalMin: -1000, physicalMax: 1000, digitalMin: -32768, digitalMax: 32767, prefiltering: '', samplesPerRecord: rateHz, reserved: '', sampleRateHz: rateHz, isAnnotations: false },
      sampleRateHz: rateHz,
      digital: new Int32Array(physical.length),
      physical,
    };
  });
  return { signals } as unknown as EdfFile;
}

test('refusals: Muse montage (why), no EEG names, unknown band, excerpt past the end, bad --seconds', () => {
  const opts = { file: 'x.edf', normalisation: 'log10', gridPx: 32 };
  assert.throws(() => computeTopomaps(fakeEdf(['TP9', 'AF7', 'AF8', 'TP10']), opts), /too sparse.*2 electrodes inside the head circle.*from the nearest electrode/);
  assert.throws(() => computeTopomaps(fakeEdf(['ECG', 'Resp']), opts), /no channel has a 10-20/);
  assert.throws(() => computeTopomaps(fakeEdf(['Fp1']), { ...opts, bands: ['mu'] }), /unknown band 'mu'/);
  assert.throws(() => computeTopomaps(fakeEdf(['Fp1', 'Fp2', 'C3', 'C4', 'P7', 'P8', 'O1', 'O2']), { ...opts, seconds: { fromS: 5, toS: 20 } }), /past the end/);
  assert.throws(() => computeTopomaps(fakeEdf(['Fp1']), { ...opts, normalisation: 'z' }), /--normalisation 'z'/);
  assert.throws(() => parseSecondsRange('120-60'), /TO > FROM/);
  assert.equal(parseSecondsRange('60-120'), { fromS: 60, toS: 120 });
});

test('Cyton 8 figure: one panel per band asked, colour bar title with unit, electrode names in the SVG', async () => {
  const { figure, summary } = computeTopomaps(fakeEdf(['Fp1', 'Fp2', 'C3', 'C4', 'T5', 'T6', 'O1', 'O2']), { file: 'c.edf', bands: ['theta', 'alpha'], normalisation: 'relative', gridPx: 16 });
  assert.equal(summary.electrodes, ['Fp1', 'Fp2', 'C3', 'C4', 'P7', 'P8', 'O1', 'O2']);
  assert.is(summary.bands.length, 2);
  assert.is(summary.bands[0]!.map.length, 256);
  assert.ok(summary.bands[0]!.map.includes(null), 'outside the head is null in JSON');
  summary.electrodes.forEach((_, e) => assert.ok(Math.abs(summary.bands[0]!.values[e]! + summary.bands[1]!.values[e]! - 1) < 1e-4, 'relative sums to 1'));
  const svg = compactSvg(await renderSvg(topomapSpec(figure)));
  for (const text of ['theta', 'alpha', 'relative power (fraction of mapped bands)', '>P7<', '>O2<']) assert.ok(svg.includes(text), text);
  assert.not.ok(/\d\.\d{3,}/.test(svg), 'compacted numbers');
});

test.run();
