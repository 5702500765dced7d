import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildEcgReport } from '../../src/report/build.js';
import type { EcgExcerpt } from '../../src/report/load-input.js';

function excerpt(x: Float32Array, fs: number): EcgExcerpt {
  return { name: 'synthetic', path: 'synthetic', format: 'EDF', channelIndex: 0, channelLabel: 'ECG', sourceUnits: 'uV', sampleRateHz: fs, startSample: 0, recordSamples: x.length, microvolts: x, missingRecordSeconds: 0, attribution: [] };
}

test('a flat, partly missing signal without beats still gives the whole report', async () => {
  const fs = 250;
  const x = new Float32Array(30 * fs);
  x.fill(NaN, 10 * fs, 12 * fs);
  const r = await buildEcgReport(excerpt(x, fs));
  assert.is(r.chartCount, 7);
  assert.is((r.html.match(/<svg/g) ?? []).length, 7);
  assert.is(r.analysis.beats.length, 0);
  assert.ok(r.html.includes('data-key="sdnn-ms" data-value=""'), 'no SDNN without beats');
  assert.ok(r.html.includes('data-key="missing-fraction" data-value="0.0666'), 'missing 2 of 30 s');
  assert.ok(r.analysis.quality.windows.every((w) => w.quality === 'unusable'));
  assert.not.ok(r.html.includes('0.000000'), 'axis labels trimmed');
  assert.ok(r.html.includes('source not recognised'));
});

test('the strip can be placed, and clips to the excerpt end', async () => {
  const fs = 200;
  const x = new Float32Array(20 * fs).map((_, i) => (i % fs === 0 ? 1000 : 0));
  const r = await buildEcgReport(excerpt(x, fs), { stripStartSeconds: 15 });
  assert.ok(r.html.includes('5 s strip, 15.0-20.0 s'), 'strip title');
});

test.run();
