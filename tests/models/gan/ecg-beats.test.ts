// The TypeScript beat cutter reproduces the GAN trainer's windows (training/gan/ecg_data.py) on
// the shipped MIT-BIH 101 excerpt: same count, same R samples, same classes, same values away from
// the record's ends (the trainer's scipy filtfilt pads the edges; ours does not).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { readNpy } from '../../../src/quantize/npy.js';
import { cutBeats, loadRecordBeats, pickEcgLead, resampleLinear, splitByTime } from '../../../src/models/gan/ecg-beats.js';

const PARAMS = { sampleRateHz: 250, beatSamples: 192, preSamples: 64, highpassHz: 0.5 };
const fixture = JSON.parse(readFileSync('tests/fixtures/gan/101-beats.json', 'utf8')) as { indices: number[]; rSamples: number[]; classes: number[]; total: number };
const expected = readNpy(new Uint8Array(readFileSync('tests/fixtures/gan/101-beats.npy')));

test('cuts the trainer’s windows from the 101 excerpt', async () => {
  const beats = await loadRecordBeats('hardware/data/mitdb-101-excerpt/101', PARAMS);
  assert.is(beats.windows.length, fixture.total);
  const edgeSamples = 10 * 250;
  let compared = 0;
  fixture.indices.forEach((idx, k) => {
    assert.is(beats.rSamples[idx], fixture.rSamples[k]);
    assert.is(beats.classes[idx], fixture.classes[k]);
    const r = beats.rSamples[idx];
    if (r < edgeSamples || r > beats.signalMv.length - edgeSamples) return;
    compared++;
    for (let i = 0; i < 192; i++) {
      const d = Math.abs(beats.windows[idx][i] - expected.data[k * 192 + i]);
      if (d > 2e-4) assert.unreachable(`window ${idx} sample ${i}: ${beats.windows[idx][i]} vs ${expected.data[k * 192 + i]}`);
    }
  });
  assert.ok(compared >= 18, `${compared} interior windows compared`);
});

test('linear resampling hits the trainer’s grid exactly (360 -> 250 Hz)', () => {
  const x = Float32Array.from({ length: 361 }, (_, i) => i);
  const y = resampleLinear(x, 360, 250);
  assert.is(y.length, 251);
  assert.is(y[25], 36);
  assert.ok(Math.abs(y[1] - 1.44) < 1e-6);
});

test('only N- and V-class beats become windows, and the time split is by R position', () => {
  const lead = new Float32Array(3600);
  const ann = [
    { sampleIndex: 50, symbol: 'N' }, // too early for a full window
    { sampleIndex: 720, symbol: 'V' },
    { sampleIndex: 1440, symbol: 'A' }, // supraventricular: not a GAN class
    { sampleIndex: 2160, symbol: 'L' },
    { sampleIndex: 2880, symbol: 'E' },
  ];
  const beats = cutBeats('t', lead, 360, ann, PARAMS);
  assert.equal(beats.classes, [1, 0, 1]);
  assert.equal(beats.rSamples, [500, 1500, 2000]);
  assert.is(beats.allBeats.length, 5);
  const [members, others] = splitByTime(beats, 0.5);
  assert.equal(members, [0]);
  assert.equal(others, [1, 2]);
});

test('pickEcgLead: MLII by name, else lead II, else an ECG-named lead, else a voltage signal, else none', () => {
  const s = (description: string, units = 'mV') => ({ description, units });
  assert.is(pickEcgLead([s('V5'), s('MLII')]), 1);
  assert.is(pickEcgLead([s('V1'), s('ECG II'), s('II')]), 1);
  assert.is(pickEcgLead([s('Resp', 'mmHg'), s('V5'), s('V2')]), 1);
  assert.is(pickEcgLead([s('Pleth', 'NU'), s('ECG'), s('II', 'mmHg')]), 1);
  assert.is(pickEcgLead([s('Resp', 'mmHg'), s('chan 2', 'uV')]), 1);
  assert.is(pickEcgLead([s('Resp', 'mmHg'), s('ABP', 'mmHg')]), -1);
});

test.run();
