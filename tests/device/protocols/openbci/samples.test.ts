// The Cyton sample assembler: the 8-bit sample number unwrapped, losses counted and NaN-filled up
// to a bound, the device clock kept across a wrap, a long silence and a new link; the Daisy pairing
// of odd (board) and even (Daisy) packets into 16-channel samples at 125 Hz, with losses.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CytonSampleAssembler, decodeCytonPacket, type CytonPacket, type CytonRow } from '../../../../src/device/protocols/openbci/index.js';
import { tagged } from './_packets.js';

const packet = (n: number): CytonPacket => decodeCytonPacket(tagged(n & 0xff));
/** Packets n (unwrapped) at their nominal arrival times, 4 ms apart. */
function run(a: CytonSampleAssembler, ns: number[], t0Ms = 0): CytonRow[] {
  return ns.flatMap((n) => a.push([packet(n)], t0Ms + n * 4));
}
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const isNaNRow = (r: CytonRow): boolean => r.counts.every((v) => Number.isNaN(v));

test('8 channels: one row per packet, indices from 0, across the 255 -> 0 wrap', () => {
  const a = new CytonSampleAssembler({ daisy: false, maxGapFillSamples: 250 });
  const rows = run(a, range(250, 262));
  assert.equal(rows.map((r) => r.sampleIndex), range(0, 12));
  assert.is(rows[7].counts[3], ((257 & 0xff) * 100) + 3);
  assert.equal(a.stats, { framesLost: 0, samplesLost: 0, duplicates: 0, unpairedAtStart: 0 });
  assert.is(a.sampleRateHz, 250);
});

test('8 channels: lost packets are counted and filled with NaN rows; a repeat is a duplicate', () => {
  const a = new CytonSampleAssembler({ daisy: false, maxGapFillSamples: 250 });
  const ns = [...range(0, 10), ...range(13, 20)];
  const rows = run(a, ns);
  assert.equal(rows.map((r) => r.sampleIndex), range(0, 20));
  assert.ok(rows.slice(10, 13).every(isNaNRow));
  assert.is(rows[13].counts[0], 1300);
  assert.is(a.stats.framesLost, 3);
  assert.is(a.stats.samplesLost, 3);
  assert.equal(a.push([packet(19)], 80), []);
  assert.is(a.stats.duplicates, 1);
});

test('8 channels: a gap beyond the fill bound advances the index without rows', () => {
  const a = new CytonSampleAssembler({ daisy: false, maxGapFillSamples: 5 });
  const rows = run(a, [0, 1, 2, 100, 101]);
  assert.equal(rows.map((r) => r.sampleIndex), [0, 1, 2, 100, 101]);
  assert.is(a.stats.framesLost, 97);
  assert.is(a.stats.samplesLost, 97);
});

test('a silence longer than a wrap: the arrival time says how many wraps passed', () => {
  const a = new CytonSampleAssembler({ daisy: false, maxGapFillSamples: 0 });
  // 1000 packets (4 s) lost; 1000 % 256 = 232, so the byte alone would say 231 lost.
  const rows = run(a, [0, 1, 1002, 1003]);
  assert.equal(rows.map((r) => r.sampleIndex), [0, 1, 1002, 1003]);
  assert.is(a.stats.framesLost, 1000);
});

test('a new link continues the index after the time away, without counting it lost', () => {
  const a = new CytonSampleAssembler({ daisy: false, maxGapFillSamples: 250 });
  run(a, range(0, 10));
  a.linkEnded(40);
  // Two seconds later the reset board starts again at sample number 0.
  const rows = a.push([packet(0), packet(1)], 2040);
  assert.equal(rows.map((r) => r.sampleIndex), [510, 511]);
  assert.is(a.stats.framesLost, 0);
  assert.is(a.stats.samplesLost, 0);
});

test('Daisy: odd packets (board 1-8) and even ones (Daisy 9-16) pair into 16-channel samples at 125 Hz', () => {
  const a = new CytonSampleAssembler({ daisy: true, maxGapFillSamples: 125 });
  assert.is(a.sampleRateHz, 125);
  assert.is(a.channelCount, 16);
  const rows = run(a, range(0, 22)); // 0 is a Daisy half with no board half before it
  assert.is(a.stats.unpairedAtStart, 1);
  assert.equal(rows.map((r) => r.sampleIndex), range(0, 10));
  assert.equal([...rows[0].counts], [100, 101, 102, 103, 104, 105, 106, 107, 200, 201, 202, 203, 204, 205, 206, 207]);
  assert.is(rows[9].counts[8], 2000);
  assert.equal(a.stats.framesLost + a.stats.samplesLost + a.stats.duplicates, 0);
  // Packet 21 (board half of sample 10) waits for its Daisy half; at the end of the link it goes out half NaN.
  const flushed = a.flush();
  assert.is(flushed.length, 1);
  assert.is(flushed[0].counts[0], 2100);
  assert.ok(Number.isNaN(flushed[0].counts[8]));
});

test('Daisy with losses: a lost half is NaN in its sample, a lost pair a NaN row; counts add up', () => {
  const a = new CytonSampleAssembler({ daisy: true, maxGapFillSamples: 125 });
  // Lose 6 (Daisy half of sample 2), 9 (board half of sample 4), and 13, 14 (all of sample 6).
  const ns = range(1, 21).filter((n) => ![6, 9, 13, 14].includes(n));
  const rows = [...run(a, ns), ...a.flush()];
  assert.equal(rows.map((r) => r.sampleIndex), range(0, 10));
  assert.ok(Number.isNaN(rows[2].counts[8]) && rows[2].counts[0] === 500);
  assert.ok(Number.isNaN(rows[4].counts[0]) && rows[4].counts[8] === 1000);
  assert.ok(isNaNRow(rows[6]));
  assert.is(a.stats.framesLost, 4);
  assert.is(a.stats.samplesLost, 3);
});

test('fuzz: any loss pattern keeps indices contiguous and the counts consistent (8 and 16 channels)', () => {
  fc.assert(
    fc.property(fc.boolean(), fc.array(fc.boolean(), { minLength: 4, maxLength: 700 }), fc.nat({ max: 255 }), (daisy, keep, start) => {
      const a = new CytonSampleAssembler({ daisy, maxGapFillSamples: 1000 });
      const first = daisy ? start | 1 : start;
      const ns = keep.map((k, i) => (k || i === 0 ? first + i : -1)).filter((n) => n >= 0);
      const rows = [...run(a, ns), ...a.flush()];
      rows.forEach((r, i) => assert.is(r.sampleIndex, i));
      const lostPackets = ns.at(-1)! - first + 1 - ns.length;
      assert.is(a.stats.framesLost, lostPackets);
      assert.is(a.stats.samplesLost, rows.filter((r) => r.counts.some((v) => Number.isNaN(v))).length);
      assert.is(a.stats.duplicates, 0);
    }),
  );
});

test.run();
