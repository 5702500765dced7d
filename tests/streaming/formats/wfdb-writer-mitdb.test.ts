// WFDB writer against real MIT-BIH Arrhythmia Database files (PhysioNet): re-encoding what our reader
// decodes must give back the original bytes. 101.atr and 101.hea are committed fixtures
// (tests/fixtures/wfdb); the signal file and the other records come from ../shared/data as in wfdb.test.ts.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listWfdbRecords, loadWfdbRecord } from '../../../src/streaming/formats/load.js';
import { parseWfdbAnnotations, parseWfdbHeader, type WfdbAnnotation } from '../../../src/streaming/formats/wfdb.js';
import { encodeWfdbAnnotations, type WfdbWriteAnnotation } from '../../../src/streaming/formats/wfdb-writer-annotations.js';
import { encodeWfdbRecord } from '../../../src/streaming/formats/wfdb-writer.js';

const fixtures = new URL('../../fixtures/wfdb/', import.meta.url).pathname;
const mitdb = new URL('../../../../shared/data/mitdb-train/', import.meta.url).pathname;

/** Our reader's annotations as writer input; MIT-BIH counts a NUL after (almost) every aux text. */
function asInput(anns: WfdbAnnotation[], auxNul: boolean): WfdbWriteAnnotation[] {
  return anns.map((a) => ({ sample: a.sampleIndex, symbol: a.symbol, subtype: a.subtype, aux: a.aux === '' ? undefined : auxNul ? `${a.aux}\0` : a.aux }));
}

test('101.atr: re-encoding the annotations our reader decodes gives the file byte for byte', () => {
  const original = new Uint8Array(readFileSync(`${fixtures}101.atr`));
  const anns = parseWfdbAnnotations(original);
  assert.is(anns.length, 1874);
  assert.ok(anns.some((a) => a.subtype !== 0) && anns.some((a) => a.aux !== ''));
  const ours = encodeWfdbAnnotations(asInput(anns, true), 650000);
  assert.is(ours.length, original.length);
  assert.ok(Buffer.from(ours).equals(Buffer.from(original)));
});

test('all 22 training .atr: byte-exact except 108 and 201 (aux texts with and without NUL), equal when decoded', async () => {
  const exact: string[] = [];
  for (const path of await listWfdbRecords(mitdb)) {
    const original = new Uint8Array(readFileSync(`${path}.atr`));
    const anns = parseWfdbAnnotations(original);
    const ours = encodeWfdbAnnotations(asInput(anns, true));
    if (Buffer.from(ours).equals(Buffer.from(original))) exact.push(path.slice(-3));
    assert.equal(parseWfdbAnnotations(ours), anns, path);
  }
  assert.is(exact.length, 20);
  assert.not.ok(exact.includes('108') || exact.includes('201'));
});

test('101.dat: re-encoding the decoded signals (212, gain 200, baseline 1024) gives the signal file byte for byte', async () => {
  const r = await loadWfdbRecord(`${mitdb}101`, { annotator: null });
  const out = encodeWfdbRecord({
    name: '101',
    sampleRateHz: r.header.sampleRateHz,
    format: 212,
    signals: r.signals.map((s) => ({ description: s.spec.description, units: 'mV', samples: s.physical, gainAduPerUnit: 200, baselineAdu: 1024 })),
  });
  assert.is(out.clippedSamples, 0);
  const original = new Uint8Array(readFileSync(`${mitdb}101.dat`));
  assert.is(out.dat.length, original.length);
  assert.ok(Buffer.from(out.dat).equals(Buffer.from(original)));
  // Our header differs from PhysioNet's in form (ADC zero 0 with an explicit baseline, units, 12-bit
  // resolution instead of 11) but states the same record: checksums and initial values as published.
  const theirs = parseWfdbHeader(readFileSync(`${fixtures}101.hea`, 'latin1'));
  const ours = parseWfdbHeader(out.header);
  assert.is(out.header.split('\r\n')[1], '101.dat 212 200(1024)/mV 12 0 955 29832 0 MLII');
  assert.is(ours.samplesPerSignal, theirs.samplesPerSignal);
  assert.is(ours.sampleRateHz, theirs.sampleRateHz);
  ours.signals.forEach((s, i) => {
    const t = theirs.signals[i];
    assert.equal([s.checksum, s.initialValueCounts, s.baselineCounts, s.adcGain, s.description], [t.checksum, t.initialValueCounts, t.baselineCounts, t.adcGain, t.description]);
  });
});

test.run();
