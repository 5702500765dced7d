import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { FormatError } from '../../../src/common/errors.js';
import { parseEdf, parseEdfHeader } from '../../../src/streaming/formats/edf.js';
import { parseRecordTals, parseTal } from '../../../src/streaming/formats/edf-annotations.js';
import { loadEdf } from '../../../src/streaming/formats/load.js';

const enc = new TextEncoder();
const pad = (text: string, width: number) => text.padEnd(width, ' ').slice(0, width);

interface SigSpec { label: string; dim: string; pmin: number; pmax: number; dmin: number; dmax: number; spr: number }

/** Builds an EDF(+) file; `records[r][s]` is the int16 samples (or raw bytes for annotations) of signal s. */
function buildEdf(reserved: string, duration: number, signals: SigSpec[], records: (number[] | Uint8Array)[][], declared = records.length): Uint8Array {
  const ns = signals.length;
  let h = '0'.padEnd(8) + pad('X X X X', 80) + pad('Startdate X X X X', 80) + '02.03.04' + '05.06.07';
  h += pad(String(256 * (ns + 1)), 8) + pad(reserved, 44) + pad(String(declared), 8) + pad(String(duration), 8) + pad(String(ns), 4);
  const col = (f: (s: SigSpec) => string, w: number) => signals.map((s) => pad(f(s), w)).join('');
  h += col((s) => s.label, 16) + col(() => '', 80) + col((s) => s.dim, 8) + col((s) => String(s.pmin), 8) + col((s) => String(s.pmax), 8);
  h += col((s) => String(s.dmin), 8) + col((s) => String(s.dmax), 8) + col(() => 'HP:0.5Hz', 80) + col((s) => String(s.spr), 8) + col(() => '', 32);
  const parts: Uint8Array[] = [enc.encode(h)];
  for (const rec of records) {
    rec.forEach((data, s) => {
      const out = new Uint8Array(2 * signals[s].spr);
      if (data instanceof Uint8Array) out.set(data.subarray(0, out.length));
      else data.forEach((v, i) => new DataView(out.buffer).setInt16(2 * i, v, true));
      parts.push(out);
    });
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { all.set(p, o); o += p.length; }
  return all;
}

const EEG: SigSpec = { label: 'EEG Cz', dim: 'uV', pmin: -100, pmax: 100, dmin: -1000, dmax: 1000, spr: 4 };
const ANN: SigSpec = { label: 'EDF Annotations', dim: '', pmin: -1, pmax: 1, dmin: -32768, dmax: 32767, spr: 16 };
const tal = (text: string) => enc.encode(text);

test('plain EDF: header fields, rates and physical scaling', () => {
  const bytes = buildEdf('', 0.5, [EEG, { ...EEG, label: 'ECG', dim: 'mV', spr: 2 }], [[[0, 1000, -1000, 500], [10, 20]], [[1, 2, 3, 4], [30, 40]]]);
  const edf = parseEdf(bytes);
  assert.is(edf.header.variant, 'EDF');
  assert.is(edf.header.startIso, '2004-03-02T05:06:07');
  assert.is(edf.header.numberOfRecords, 2);
  assert.is(edf.signals[0].sampleRateHz, 8);
  assert.is(edf.signals[1].sampleRateHz, 4);
  assert.equal(Array.from(edf.signals[0].physical.slice(0, 4)), [0, 100, -100, 50]);
  assert.equal(Array.from(edf.signals[1].digital), [10, 20, 30, 40]);
  assert.equal(Array.from(edf.recordOnsetsSeconds), [0, 0.5]);
  assert.is(edf.annotations.length, 0);
});

test('EDF+D: time-keeping TALs give record onsets; annotations with and without duration', () => {
  const r0 = tal('+0\x14\x14\x00+0.5\x151.5\x14Eyes open\x14\x00');
  const r1 = tal('+10\x14\x14Start\x14\x00+11\x14A\x14B\x14\x00');
  const bytes = buildEdf('EDF+D', 1, [EEG, { ...ANN, spr: 20 }], [[[1, 2, 3, 4], r0], [[5, 6, 7, 8], r1]]);
  const edf = parseEdf(bytes);
  assert.is(edf.header.variant, 'EDF+D');
  assert.is(edf.signals.length, 1);
  assert.equal(Array.from(edf.recordOnsetsSeconds), [0, 10]);
  assert.equal(edf.annotations, [
    { onsetSeconds: 0.5, durationSeconds: 1.5, texts: ['Eyes open'] },
    { onsetSeconds: 10, durationSeconds: undefined, texts: ['Start'] },
    { onsetSeconds: 11, durationSeconds: undefined, texts: ['A', 'B'] },
  ]);
});

test('TAL parser rejects malformed TALs', () => {
  assert.equal(parseTal(tal('-1.25\x14x\x14')), { onsetSeconds: -1.25, durationSeconds: undefined, texts: ['x'] });
  for (const bad of ['1\x14x\x14', '+1\x14x', '+1\x15-2\x14x\x14', '+a\x14\x14', '+1\x152\x153\x14x\x14']) {
    assert.throws(() => parseTal(tal(bad)), (e: unknown) => e instanceof FormatError, JSON.stringify(bad));
  }
  assert.throws(() => parseRecordTals(tal('+1\x14x\x14\x00')), (e: unknown) => e instanceof FormatError);
  assert.throws(() => parseRecordTals(tal('+1\x14\x14')), (e: unknown) => e instanceof FormatError);
  assert.throws(() => parseRecordTals(new Uint8Array(8)), (e: unknown) => e instanceof FormatError);
});

test('truncated and malformed files throw FormatError; drop mode keeps whole records', () => {
  const bytes = buildEdf('', 1, [EEG], [[[1, 2, 3, 4]], [[5, 6, 7, 8]], [[9, 10, 11, 12]]]);
  const short = bytes.subarray(0, bytes.length - 3);
  assert.throws(() => parseEdf(short), (e: unknown) => e instanceof FormatError && /truncated/.test(e.message));
  const dropped = parseEdf(short, { onTruncated: 'drop' });
  assert.is(dropped.missingRecords, 1);
  assert.equal(Array.from(dropped.signals[0].digital), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.throws(() => parseEdf(bytes.subarray(0, 300)), (e: unknown) => e instanceof FormatError);
  const badVersion = bytes.slice();
  badVersion[0] = 0xff;
  assert.throws(() => parseEdf(badVersion), (e: unknown) => e instanceof FormatError);
  assert.throws(() => parseEdf(buildEdf('', 1, [{ ...EEG, dmin: 5, dmax: 5 }], [[[1, 2, 3, 4]]])), (e: unknown) => e instanceof FormatError);
  assert.throws(() => parseEdf(buildEdf('EDF+C', 1, [EEG], [[[1, 2, 3, 4]]])), (e: unknown) => e instanceof FormatError);
  // Record count -1 (still recording): derived from the file size.
  assert.is(parseEdfHeader(bytes, { fileBytes: bytes.length }).numberOfRecords, 3);
  assert.is(parseEdf(buildEdf('', 1, [EEG], [[[1, 2, 3, 4]], [[5, 6, 7, 8]]], -1)).header.numberOfRecords, 2);
});

test('corrupted bytes never hang: FormatError or a result', () => {
  const good = buildEdf('EDF+C', 1, [EEG, ANN], [[[1, 2, 3, 4], tal('+0\x14\x14\x00')], [[5, 6, 7, 8], tal('+1\x14\x14\x00')]]);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: good.length }), (at, value, cut) => {
      const bytes = good.slice(0, cut);
      if (at < bytes.length) bytes[at] = value;
      try {
        parseEdf(bytes);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
      }
    }),
    { numRuns: 500 },
  );
});

test('eegmat Subject00: EDF+C, 20 EEG channels + ECG at 500 Hz, 182 s', async () => {
  const edf = await loadEdf('/work/shared/data/eegmat-train/Subject00_1.edf');
  assert.is(edf.header.variant, 'EDF+C');
  assert.is(edf.signals.length, 21);
  assert.is(edf.signals[0].header.label, 'EEG Fp1');
  assert.is(edf.signals[19].header.label, 'EEG A2-A1');
  assert.is(edf.signals[20].header.label, 'ECG ECG');
  assert.is(edf.signals[20].header.physicalDimension, 'mV');
  assert.is(edf.signals[0].header.physicalDimension, 'uV');
  for (const s of edf.signals) {
    assert.is(s.sampleRateHz, 500);
    assert.is(s.physical.length, 182 * 500);
    const p = s.header;
    for (let i = 0; i < s.physical.length; i += 97) assert.ok(s.physical[i] >= p.physicalMin - 1e-3 && s.physical[i] <= p.physicalMax + 1e-3);
  }
  assert.equal(Array.from(edf.recordOnsetsSeconds.slice(0, 3)), [0, 1, 2]);
});

test('eegmmidb S001: damaged by LF->CRLF conversion; strict read fails, repaired read gives 64 ch x 60 s at 160 Hz', async () => {
  const path = '/work/shared/data/eegmmidb-S001/S001R01.edf';
  try {
    await loadEdf(path);
    assert.unreachable('the damaged file should not parse strictly');
  } catch (e) {
    assert.instance(e, FormatError);
  }
  const edf = await loadEdf(path, { repairCrlf: true });
  assert.ok(edf.crlfRepaired);
  assert.is(edf.header.numberOfRecords, 61);
  assert.is(edf.missingRecords, 1);
  assert.is(edf.signals.length, 64);
  assert.is(edf.signals[0].header.label, 'Fc5.');
  assert.is(edf.signals[63].header.label, 'Iz..');
  assert.ok(edf.signals.every((s) => s.sampleRateHz === 160 && s.physical.length === 60 * 160));
  assert.equal(Array.from(edf.recordOnsetsSeconds.slice(0, 60)), Array.from({ length: 60 }, (_, i) => i));
  assert.equal(edf.annotations, [{ onsetSeconds: 0, durationSeconds: 60.2, texts: ['T0'] }]);
});

test.run();
