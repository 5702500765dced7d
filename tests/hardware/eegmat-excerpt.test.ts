// The EEGMAT excerpt shipped for the Cyton demo: the project's EDF reader reads it, it holds 8
// channels x 60 s at 500 Hz, its samples equal the original's first 60 s, the cutter reproduces it
// byte for byte, and the EDF replay source turns it into microvolts at 250 Hz.
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cutEdf, DEFAULT_LABELS } from '../../hardware/cut-eegmat-excerpt.js';
import { validateSimulators } from '../../hardware/sim-config.js';
import { EdfEegSource } from '../../hardware/signals/eeg.js';
import { readConfigDocument, validateConfig } from '../../src/gateway/config/load.js';
import { parseEdf } from '../../src/streaming/formats/edf.js';

const excerptPath = new URL('../../hardware/data/eegmat-excerpt/Subject00_1-8ch-60s.edf', import.meta.url).pathname;
const originalPath = new URL('../../../shared/data/eegmat-train/Subject00_1.edf', import.meta.url).pathname;

test('the excerpt reads as plain EDF: 8 EEG signals, 500 Hz, 60 s, in microvolts', () => {
  const edf = parseEdf(readFileSync(excerptPath), { file: excerptPath });
  assert.is(edf.header.variant, 'EDF');
  assert.is(edf.header.numberOfRecords, 60);
  assert.equal(edf.signals.map((s) => s.header.label), DEFAULT_LABELS);
  for (const s of edf.signals) {
    assert.is(s.sampleRateHz, 500);
    assert.is(s.physical.length, 30_000);
    assert.is(s.header.physicalDimension, 'uV');
    assert.ok(s.physical.every((v) => Number.isFinite(v) && Math.abs(v) < 500));
  }
});

test('samples equal the original recording, and the cutter reproduces the file byte for byte', () => {
  assert.ok(existsSync(originalPath), `${originalPath} (../shared/data) is needed to check the excerpt against its source`);
  const original = readFileSync(originalPath);
  const full = parseEdf(original);
  const excerpt = parseEdf(readFileSync(excerptPath));
  for (const s of excerpt.signals) {
    const o = full.signals.find((x) => x.header.label === s.header.label)!;
    assert.equal([...s.digital], [...o.digital.subarray(0, 30_000)], s.header.label);
    assert.is(s.header.physicalMin, o.header.physicalMin);
  }
  assert.equal(Buffer.from(cutEdf(original, DEFAULT_LABELS, 60)).equals(readFileSync(excerptPath)), true);
});

test('the replay source gives 250 Hz microvolts, looped, and 16 channels by repeating the 8', async () => {
  const source = await EdfEegSource.fromFile(excerptPath, { sampleRateHz: 250, channelCount: 16 });
  assert.is(source.lengthSamples, 15_000);
  assert.is(source.channels.length, 16);
  assert.is(source.channels[8], 'EEG Fp1');
  const a = source.next(15_000);
  const b = source.next(10);
  assert.is(a[0][0], b[0][0], 'loops');
  assert.equal([...a[0].subarray(0, 50)], [...a[8].subarray(0, 50)]);
  const rms = Math.sqrt(a[6].reduce((s, v) => s + v * v, 0) / a[6].length);
  assert.ok(rms > 2 && rms < 100, `O1 rms ${rms} uV`);
});

test('the demo config has a Cyton with eegRaw on, and its simulator replays this excerpt', () => {
  const configPath = new URL('../../config/demo.yaml', import.meta.url).pathname;
  const doc = readConfigDocument(configPath) as { simulators?: unknown; [k: string]: unknown };
  const { simulators, ...gateway } = doc;
  const cytonSim = validateSimulators(simulators, new URL('../../config/', import.meta.url).pathname).find((s) => s.kind === 'cyton');
  assert.ok(cytonSim && cytonSim.kind === 'cyton' && cytonSim.source.type === 'edf');
  assert.is(cytonSim.source.file, excerptPath);
  assert.is(cytonSim.daisy, false);
  const device = validateConfig(gateway).devices.find((d) => d.kind === 'cyton');
  assert.ok(device && device.kind === 'cyton' && device.eegRaw.enabled);
  assert.ok(device.kind === 'cyton' && device.transport.path.endsWith(cytonSim.link.path.split('/').at(-1)!));
});

test.run();
