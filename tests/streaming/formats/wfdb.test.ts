import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '../../../src/common/errors.js';
import {
  parseWfdbHeader,
  decodeWfdbSignals,
  parseWfdbAnnotations,
  isBeatAnnotation,
  toMicrovolts,
} from '../../../src/streaming/formats/wfdb.js';
import { loadWfdbRecord, listWfdbRecords } from '../../../src/streaming/formats/load.js';

const MITDB = '/work/shared/data/mitdb-train';

function encode212(samples: number[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(samples.length / 2) * 3);
  for (let i = 0; i < samples.length; i += 2) {
    const a = samples[i] & 0xfff;
    const b = (samples[i + 1] ?? 0) & 0xfff;
    const base = (i / 2) * 3;
    out[base] = a & 0xff;
    out[base + 1] = ((a >> 8) & 0x0f) | ((b >> 8) << 4);
    out[base + 2] = b & 0xff;
  }
  return out;
}

function encode16(samples: number[], offset = 0): Uint8Array {
  const out = new Uint8Array(offset + samples.length * 2);
  const view = new DataView(out.buffer);
  samples.forEach((s, i) => view.setInt16(offset + i * 2, s, true));
  return out;
}

function checksum(values: number[]): number {
  const s = values.reduce((a, b) => (a + b) | 0, 0) & 0xffff;
  return s >= 0x8000 ? s - 0x10000 : s;
}

test('parses record and signal lines with defaults, baseline and units', () => {
  const h = parseWfdbHeader(
    'rec 3 500/10(0) 4 12:00:00 01/01/2000\n# a comment\n' +
      'rec.dat 212 200(1024)/uV 11 1024 995 -22131 0 MLII lead\nrec.dat 212 0\nother.dat 16+192\n',
  );
  assert.is(h.recordName, 'rec');
  assert.is(h.numberOfSignals, 3);
  assert.is(h.sampleRateHz, 500);
  assert.is(h.samplesPerSignal, 4);
  assert.is(h.baseTime, '12:00:00');
  assert.equal(h.comments, ['a comment']);
  const [a, b, c] = h.signals;
  assert.is(a.baselineCounts, 1024);
  assert.is(a.units, 'uV');
  assert.is(a.checksum, -22131);
  assert.is(a.description, 'MLII lead');
  assert.is(b.adcGain, 200);
  assert.is(b.gainSpecified, false);
  assert.is(b.units, 'mV');
  assert.is(b.checksum, undefined);
  assert.is(c.format, 16);
  assert.is(c.byteOffset, 192);
  assert.is(c.adcResolutionBits, 16);
});

test('malformed headers throw FormatError', () => {
  for (const text of ['', 'rec', 'rec x 360', 'rec 2 360 10\nrec.dat 212\n', 'rec 1 360\nrec.dat 2y12\n', 'rec/2 2 360', 'rec 1 360\nrec.dat 212 abc\n']) {
    assert.throws(() => parseWfdbHeader(text), (e: unknown) => e instanceof FormatError, text);
  }
});

test('decodes interleaved format 212 with negative values and verifies checksums', () => {
  const ch0 = [0, 1, -1, 2047, -2047, 100];
  const ch1 = [5, -5, 1000, -1000, 7, 1024];
  const flat = ch0.flatMap((v, i) => [v, ch1[i]]);
  const header = parseWfdbHeader(`r 2 360 6\nr.dat 212 100(0)/mV 12 0 0 ${checksum(ch0)} 0 a\nr.dat 212 200(1000) 12 0 0 ${checksum(ch1)} 0 b\n`);
  const [s0, s1] = decodeWfdbSignals(header, encode212(flat));
  assert.equal(Array.from(s0.counts), ch0);
  assert.equal(Array.from(s1.counts), ch1);
  assert.ok(Math.abs(s0.physical[3] - 20.47) < 1e-5);
  assert.ok(Math.abs(s1.physical[5] - 0.12) < 1e-6);
  const bad = parseWfdbHeader(`r 2 360 6\nr.dat 212 100 12 0 0 ${checksum(ch0) + 1} 0 a\nr.dat 212 200\n`);
  assert.throws(() => decodeWfdbSignals(bad, encode212(flat)), (e: unknown) => e instanceof FormatError && /checksum/.test(e.message));
  assert.not.throws(() => decodeWfdbSignals(bad, encode212(flat), { verifyChecksums: false }));
});

test('format 212 odd sample count, invalid samples become NaN', () => {
  const header = parseWfdbHeader('r 1 360 3\nr.dat 212 200\n');
  const bytes = encode212([10, -2048, 30]).subarray(0, 5);
  const [s] = decodeWfdbSignals(header, bytes);
  assert.equal(Array.from(s.counts), [10, -2048, 30]);
  assert.ok(Number.isNaN(s.physical[1]));
});

test('format 16 with byte offset, multiple files and samples per frame', () => {
  const header = parseWfdbHeader('r 3 100 2\na.dat 16+4 1000/uV\na.dat 16x2+4 10\nb.dat 212 200\n');
  const a = encode16([1, 10, 11, 2, 20, 21], 4);
  const b = encode212([-3, 4]);
  const [x, y, z] = decodeWfdbSignals(header, new Map([['a.dat', a], ['b.dat', b]]));
  assert.equal(Array.from(x.counts), [1, 2]);
  assert.equal(Array.from(y.counts), [10, 11, 20, 21]);
  assert.is(y.sampleRateHz, 200);
  assert.equal(Array.from(z.counts), [-3, 4]);
  assert.throws(() => decodeWfdbSignals(header, a), (e: unknown) => e instanceof FormatError);
  assert.throws(() => decodeWfdbSignals(header, new Map([['a.dat', a]])), (e: unknown) => e instanceof FormatError);
});

test('truncated signal file and unsupported format throw FormatError', () => {
  const header = parseWfdbHeader('r 2 360 10\nr.dat 212\nr.dat 212\n');
  assert.throws(() => decodeWfdbSignals(header, new Uint8Array(29)), (e: unknown) => e instanceof FormatError && /truncated/.test(e.message));
  assert.not.throws(() => decodeWfdbSignals(header, new Uint8Array(30)));
  assert.throws(() => decodeWfdbSignals(parseWfdbHeader('r 1 360\nr.dat 80\n'), new Uint8Array(10)), (e: unknown) => e instanceof FormatError);
  assert.throws(() => decodeWfdbSignals(parseWfdbHeader('r 1 360\nr.dat 16+300\n'), new Uint8Array(10)), (e: unknown) => e instanceof FormatError);
});

function word(code: number, value: number): number[] {
  const w = (code << 10) | (value & 0x3ff);
  return [w & 0xff, w >> 8];
}

test('annotations: SUB is a signed char, so WFDB\'s 0x3FF and wfdb-python\'s 0x0FF are both -1', () => {
  const anns = parseWfdbAnnotations(new Uint8Array([...word(1, 1), ...word(61, 0x3ff), ...word(1, 1), ...word(61, 0xff), ...word(1, 1), ...word(61, 0x7f), 0, 0]));
  assert.equal(anns.map((a) => a.subtype), [-1, -1, 127]);
});

test('annotations: intervals, SKIP, SUB, CHN, NUM (carried over), AUX with padding', () => {
  const bytes = new Uint8Array([
    ...word(28, 5), ...word(63, 3), 0x28, 0x4e, 0x00, 0x00, // '+' at 5, aux "(N" + NUL, padded
    ...word(1, 10), ...word(61, 2), ...word(62, 1), ...word(60, 1023), // 'N' at 15, sub 2, chan 1, num -1
    ...word(59, 0), 0x01, 0x00, 0x00, 0x00, ...word(5, 1), // SKIP 65536 then 'V' 1 later
    ...word(41, 0), // 'r' at the same time
    0, 0,
    ...word(1, 3), // after the end word: ignored
  ]);
  const anns = parseWfdbAnnotations(bytes);
  assert.equal(anns.map((a) => [a.sampleIndex, a.symbol]), [[5, '+'], [15, 'N'], [15 + 65536 + 1, 'V'], [15 + 65537, 'r']]);
  assert.is(anns[0].aux, '(N');
  assert.is(anns[1].subtype, 2);
  assert.is(anns[1].chan, 1);
  assert.is(anns[1].num, -1);
  assert.is(anns[2].subtype, 0);
  assert.is(anns[2].chan, 1);
  assert.is(anns[2].num, -1);
  assert.equal(anns.map(isBeatAnnotation), [false, true, true, true]);
});

test('malformed annotation files throw FormatError, random bytes never hang', () => {
  assert.throws(() => parseWfdbAnnotations(new Uint8Array([...word(59, 0), 1, 0])), (e: unknown) => e instanceof FormatError);
  assert.throws(() => parseWfdbAnnotations(new Uint8Array([...word(63, 10), 65, 66])), (e: unknown) => e instanceof FormatError);
  assert.throws(() => parseWfdbAnnotations(new Uint8Array([...word(55, 1)])), (e: unknown) => e instanceof FormatError);
  assert.throws(() => parseWfdbAnnotations(new Uint8Array([...word(1, 1), 7])), (e: unknown) => e instanceof FormatError);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      try {
        parseWfdbAnnotations(bytes);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
      }
    }),
    { numRuns: 500 },
  );
});

test('MIT-BIH 101: 650000 samples x 2 at 360 Hz, MLII first, header checksums match, 1865 beats', async () => {
  const r = await loadWfdbRecord(`${MITDB}/101`);
  assert.is(r.header.sampleRateHz, 360);
  assert.is(r.signals.length, 2);
  assert.is(r.signals[0].spec.description, 'MLII');
  assert.is(r.signals[1].spec.description, 'V1');
  for (const s of r.signals) {
    assert.is(s.counts.length, 650000);
    assert.is(s.computedChecksum, s.spec.checksum);
    assert.is(s.counts[0], s.spec.initialValueCounts);
  }
  assert.ok(Math.abs(r.signals[0].physical[0] - (955 - 1024) / 200) < 1e-6);
  assert.ok(Math.abs(toMicrovolts(r.signals[0].physical, 'mV')[0] - -345) < 1e-3);
  const anns = r.annotations ?? [];
  assert.is(anns.filter(isBeatAnnotation).length, 1865);
  assert.is(anns.length, 1874);
  assert.is(anns[0].aux, '(N');
  for (let i = 1; i < anns.length; i++) assert.ok(anns[i].sampleIndex >= anns[i - 1].sampleIndex);
  assert.ok(anns[anns.length - 1].sampleIndex < 650000);
});

test('all MIT-BIH training records decode with matching checksums', async () => {
  const paths = await listWfdbRecords(MITDB);
  assert.is(paths.length, 22);
  const beats: Record<string, number> = {};
  for (const p of paths) {
    const r = await loadWfdbRecord(p);
    beats[r.header.recordName] = (r.annotations ?? []).filter(isBeatAnnotation).length;
    for (const s of r.signals) assert.is(s.computedChecksum, s.spec.checksum);
  }
  // Published MIT-BIH beat counts (PhysioNet mitdb directory table).
  assert.is(beats['106'], 2027);
  assert.is(beats['207'], 1860);
  assert.is(beats['208'], 2955);
});

test('ECG-ID 16+192: 2 signals, 5000 samples at 500 Hz, checksums match', async () => {
  const r = await loadWfdbRecord('/work/shared/data/ecgid-train/Person_01/rec_1m');
  assert.is(r.header.sampleRateHz, 500);
  assert.is(r.annotations, undefined);
  assert.equal(r.signals.map((s) => s.spec.description), ['ECG I', 'ECG I filtered']);
  for (const s of r.signals) {
    assert.is(s.spec.byteOffset, 192);
    assert.is(s.counts.length, 5000);
    assert.is(s.computedChecksum, s.spec.checksum);
    assert.is(s.counts[0], s.spec.initialValueCounts);
  }
});

test('all 90 ECG-ID records (45 persons x 2) decode with matching checksums', async () => {
  const base = '/work/shared/data/ecgid-train';
  let count = 0;
  for (const person of readdirSync(base).sort()) {
    for (const hea of readdirSync(join(base, person)).filter((f) => f.endsWith('.hea'))) {
      const r = await loadWfdbRecord(join(base, person, hea.slice(0, -4)));
      assert.is(r.signals.length, 2);
      for (const s of r.signals) assert.is(s.computedChecksum, s.spec.checksum, `${person}/${hea}`);
      count++;
    }
  }
  assert.is(count, 90);
});

test.run();
