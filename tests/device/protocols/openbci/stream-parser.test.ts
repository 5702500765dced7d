// The Cyton stream parser: packets back from a stream with garbage, at every chunk boundary; fuzzed
// with fast-check (never throws, every byte accounted for, bounded work and memory).
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CytonStreamParser, CYTON_WORK_STEPS_PER_BYTE, type CytonPacket } from '../../../../src/device/protocols/openbci/index.js';
import { concat, tagged } from './_packets.js';

function feed(bytes: Uint8Array, cuts: number[], parser = new CytonStreamParser()): { packets: CytonPacket[]; parser: CytonStreamParser } {
  const packets: CytonPacket[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    packets.push(...parser.push(bytes.subarray(from, cut)));
    assert.ok(parser.bufferedBytes <= 4 * 33);
    from = cut;
  }
  return { packets, parser };
}

// Garbage (with a false header whose "footer" 32 bytes on is no footer), packets 5..9, a false 0xA0
// in mid-stream garbage, packets 10..12, an unknown footer 0xC9 packet 13, then packet 14.
const garbage1 = Uint8Array.from([0x01, 0xa0, 0x33, ...new Array<number>(40).fill(0x55)]);
const garbage2 = Uint8Array.from([0xa0, 0x00, 0x12]);
const stream = concat([
  garbage1,
  ...[5, 6, 7, 8, 9].map((n) => tagged(n)),
  garbage2,
  ...[10, 11, 12].map((n) => tagged(n)),
  tagged(13, 0xc9),
  tagged(14, 0xc1),
  tagged(15),
]);
const want = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

test('packets out of a stream with garbage; skipped bytes and false starts counted', () => {
  const { packets, parser } = feed(stream, []);
  assert.equal(packets.map((p) => p.sampleNumber), want);
  assert.equal([...packets[2].counts], [700, 701, 702, 703, 704, 705, 706, 707]);
  const s = parser.stats;
  assert.is(s.framesOk, 11);
  assert.is(s.bytesSkipped, garbage1.length + garbage2.length);
  assert.ok(s.falseStarts >= 2, `false starts ${s.falseStarts}`);
  assert.is(s.unknownFooters, 1);
  // Packet 15 is last but follows 14 in lock, so it is not held back.
  assert.is(parser.bufferedBytes, 0);
});

test('split at every boundary: the same packets and counts', () => {
  const whole = feed(stream, []).parser.stats;
  for (let cut = 0; cut <= stream.length; cut++) {
    const { packets, parser } = feed(stream, [cut]);
    const got = packets.map((p) => p.sampleNumber);
    if (got.join() !== want.join()) assert.equal(got, want, `cut ${cut}`);
    const s = parser.stats;
    assert.is(s.bytesSkipped, whole.bytesSkipped, `cut ${cut}`);
    assert.is(s.falseStarts, whole.falseStarts, `cut ${cut}`);
  }
});

test('a lone first packet after garbage waits for the next header (no false lock)', () => {
  const p = new CytonStreamParser();
  assert.equal(p.push(concat([Uint8Array.of(0x99), tagged(1)])), []);
  assert.equal(p.push(tagged(2)).map((x) => x.sampleNumber), [1, 2]);
});

test('reset drops a partial packet and counts its bytes', () => {
  const p = new CytonStreamParser();
  p.push(tagged(1).subarray(0, 20));
  p.reset();
  assert.is(p.stats.bytesSkipped, 20);
  assert.is(p.bufferedBytes, 0);
});

test('fuzz: random bytes never throw; every byte is a packet, skipped or buffered; work is bounded', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), (chunks) => {
      const p = new CytonStreamParser();
      let total = 0;
      let packets = 0;
      for (const c of chunks) {
        packets += p.push(c).length;
        total += c.length;
      }
      const s = p.stats;
      assert.is(s.framesOk, packets);
      assert.is(s.framesOk * 33 + s.bytesSkipped + p.bufferedBytes, total);
      assert.ok(s.workSteps <= CYTON_WORK_STEPS_PER_BYTE * total + 1, `work ${s.workSteps} for ${total} bytes`);
    }),
  );
});

test('fuzz: packets with garbage between them, cut anywhere: accounting holds, clean runs all arrive', () => {
  const header = fc.constantFrom(0xa0, 0xc0, 0x00);
  const garbage = fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), header), { maxLength: 50 });
  fc.assert(
    fc.property(fc.array(fc.tuple(garbage, fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), (parts, cutSeeds) => {
      let n = 0;
      const pieces: Uint8Array[] = [];
      const runs: number[][] = [];
      for (const [g, count] of parts) {
        pieces.push(Uint8Array.from(g));
        const run: number[] = [];
        for (let i = 0; i < count; i++) {
          pieces.push(tagged(n & 0xff));
          run.push(n & 0xff);
          n++;
        }
        runs.push(run);
      }
      const bytes = concat(pieces);
      const cuts = [...new Set(cutSeeds.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const { packets, parser } = feed(bytes, cuts);
      const s = parser.stats;
      assert.is(s.framesOk * 33 + s.bytesSkipped + parser.bufferedBytes, bytes.length);
      // Each run's packets after its first arrive (the first may need the next header, or be hidden by garbage).
      const got = new Set(packets.map((p) => `${p.sampleNumber}`));
      for (const run of runs) for (const k of run.slice(1, -1)) assert.ok(got.has(`${k}`), `packet ${k} missing`);
    }),
  );
});

test.run();
