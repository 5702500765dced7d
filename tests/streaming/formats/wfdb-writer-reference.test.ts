// Our WFDB writer against PhysioNet's own Python writer: tests/fixtures/wfdb/wfdb-python/ holds what
// wfdb 4.3.1's wrsamp/wrann wrote for the records of tests/_support/wfdb-reference-records.ts
// (scripts/wfdb-reference-check.ts --update-fixtures, which also reads our files with rdrecord/rdann).
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadWfdbRecord } from '../../../src/streaming/formats/load.js';
import { decodeWfdbSignals, parseWfdbHeader } from '../../../src/streaming/formats/wfdb.js';
import { encodeWfdbRecord } from '../../../src/streaming/formats/wfdb-writer.js';
import { referenceRecords } from '../../_support/wfdb-reference-records.js';

const theirs = new URL('../../fixtures/wfdb/wfdb-python/', import.meta.url).pathname;
const bytes = (name: string) => new Uint8Array(readFileSync(`${theirs}${name}`));
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

for (const rec of referenceRecords) {
  test(`${rec.name}: signal file byte-identical to wfdb.wrsamp's, headers state the same record`, async () => {
    const ours = encodeWfdbRecord(rec);
    assert.ok(same(ours.dat, bytes(`${rec.name}.dat`)));
    const back = await loadWfdbRecord(`${theirs}${rec.name}`, { annotator: null }); // verifies their checksums
    const ourHeader = parseWfdbHeader(ours.header);
    const ourSignals = decodeWfdbSignals(ourHeader, ours.dat);
    assert.equal([back.header.sampleRateHz, back.header.samplesPerSignal, back.header.comments], [ourHeader.sampleRateHz, ourHeader.samplesPerSignal, ourHeader.comments]);
    back.signals.forEach((s, i) => {
      const o = ourSignals[i];
      const fields = (x: typeof o) => [x.spec.format, x.spec.adcGain, x.spec.baselineCounts, x.spec.units, x.spec.adcResolutionBits, x.spec.initialValueCounts, x.computedChecksum, x.spec.description];
      assert.equal(fields(s), fields(o));
      assert.equal(Array.from(s.counts), Array.from(o.counts));
    });
  });
}

test('annotations: xc212 byte-identical to wfdb.wrann; xc16 differs only in the SUB word of subtype -1', () => {
  const [xc16, xc212] = referenceRecords;
  assert.ok(same(encodeWfdbRecord(xc212).annotations ?? new Uint8Array(0), bytes('xc212.atr')));
  const ours = encodeWfdbRecord(xc16).annotations ?? new Uint8Array(0);
  const wrann = bytes('xc16.atr');
  assert.is(ours.length, wrann.length);
  const differing = Array.from(ours.keys()).filter((i) => ours[i] !== wrann[i]);
  // WFDB's putann writes SUB | (subtype & 0x3ff) = 0xF7FF for -1; wfdb-python masks 8 bits (0xF4FF).
  // Both WFDB and wfdb-python read either back as -1 (subtypes are signed chars).
  assert.equal(differing.map((i) => [i, ours[i], wrann[i]]), [[0x17, 0xf7, 0xf4]]);
});

test.run();
