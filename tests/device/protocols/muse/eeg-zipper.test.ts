import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MuseEegZipper, type MuseEegBlock, type MuseEegChannelPacket } from '../../../../src/device/protocols/muse/index.js';

/** Samples that say where they came from: channel c, sequence index i, sample k -> c*1000 + (i % 997) + k/16. */
function packet(channel: number, index: number): MuseEegChannelPacket {
  const samplesUv = Array.from({ length: 12 }, (_v, k) => channel * 1000 + (index % 997) + k / 16);
  return { channel, seq: index & 0xffff, samplesUv };
}
function inOrder(channels: number, from: number, count: number): MuseEegChannelPacket[] {
  const out: MuseEegChannelPacket[] = [];
  for (let i = from; i < from + count; i++) for (let c = 0; c < channels; c++) out.push(packet(c, i));
  return out;
}
function pushAll(z: MuseEegZipper, packets: MuseEegChannelPacket[]): MuseEegBlock[] {
  return [...packets.flatMap((p) => z.push(p)), ...z.flush()];
}
function checkBlock(b: MuseEegBlock, index: number, channels: number, missingMask = 0): void {
  assert.is(b.seqIndex, index);
  assert.is(b.seq, index & 0xffff);
  assert.is(b.firstSampleIndex, index * 12);
  assert.is(b.tDeviceUs, index * 46875);
  assert.is(b.missingChannelMask, missingMask, `block ${index} mask`);
  assert.is(b.samplesUv.length, channels);
  for (let c = 0; c < channels; c++) {
    const want = missingMask & (1 << c) ? NaN : channel0(c, index);
    const got = b.samplesUv[c][0];
    assert.ok(Number.isNaN(want) ? Number.isNaN(got) : Math.abs(got - want) < 1e-3, `block ${index} ch ${c}: ${got}`);
  }
}
const channel0 = (c: number, index: number): number => c * 1000 + (index % 997);

test('in order: the first blocks wait out the lag once, then each leaves as soon as its last channel arrives', () => {
  const z = new MuseEegZipper({ maxLagSeqs: 8 });
  const emitted: { at: number; indices: number[] }[] = [];
  inOrder(4, 100, 12).forEach((p, i) => {
    const out = z.push(p);
    if (out.length > 0) emitted.push({ at: i, indices: out.map((b) => b.seqIndex) });
  });
  // Sequence 108's first packet (#32) settles block 100; 100..107 are complete, so they all leave.
  assert.equal(emitted[0], { at: 32, indices: [100, 101, 102, 103, 104, 105, 106, 107] });
  assert.equal(emitted.slice(1), [
    { at: 35, indices: [108] },
    { at: 39, indices: [109] },
    { at: 43, indices: [110] },
    { at: 47, indices: [111] },
  ]);
  assert.is(z.openBlocks, 0);
  assert.equal(z.stats.lostPackets, [0, 0, 0, 0]);
  assert.is(z.stats.blocksComplete, 12);
});

test('reordered across channels (random order within a window): same blocks as in order, nothing lost', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 ** 31 }), (start, window, seed) => {
      const packets = inOrder(4, start, 40);
      // Shuffle inside consecutive windows of `window` sequences (4 packets each), deterministically.
      let s = seed;
      const rand = (): number => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
      for (let w = 0; w < packets.length; w += window * 4) {
        const part = packets.slice(w, w + window * 4);
        for (let i = part.length - 1; i > 0; i--) {
          const j = Math.floor(rand() * (i + 1));
          [part[i], part[j]] = [part[j], part[i]];
        }
        packets.splice(w, part.length, ...part);
      }
      const z = new MuseEegZipper({ maxLagSeqs: 8 });
      const blocks = pushAll(z, packets);
      assert.is(blocks.length, 40);
      blocks.forEach((b, i) => checkBlock(b, start + i, 4));
      assert.equal(z.stats.lostPackets, [0, 0, 0, 0]);
    }),
    { numRuns: 200, examples: [[65534, 3, 0], [65535, 4, 7], [65533, 2, 11]] },
  );
});

test('a dropped packet: its block is emitted once maxLag newer sequences arrived, with NaN, counted for that channel', () => {
  const z = new MuseEegZipper({ maxLagSeqs: 3 });
  const packets = inOrder(4, 10, 10).filter((p) => !(p.channel === 2 && p.seq === 12));
  const out: { at: number; index: number }[] = [];
  packets.forEach((p) => z.push(p).forEach((b) => out.push({ at: p.seq, index: b.seqIndex })));
  // Block 12 waits until sequence 15 has arrived (15 - 12 >= 3), and block 13..14 wait behind it.
  assert.equal(out.filter((o) => o.index >= 12 && o.index <= 14).map((o) => o.at), [15, 15, 15]);
  const blocks = [...z.flush()];
  assert.is(blocks.length, 0);
  const z2 = new MuseEegZipper({ maxLagSeqs: 3 });
  const all = pushAll(z2, packets);
  assert.is(all.length, 10);
  checkBlock(all[2], 12, 4, 0b0100);
  assert.equal(z2.stats.lostPackets, [0, 0, 1, 0]);
  assert.equal({ complete: z2.stats.blocksComplete, partial: z2.stats.blocksPartial }, { complete: 9, partial: 1 });
});

test('a sequence lost on every channel: no block for it, counted on every channel, order kept', () => {
  const z = new MuseEegZipper({ maxLagSeqs: 4 });
  const blocks = pushAll(z, inOrder(4, 0, 12).filter((p) => p.seq !== 5));
  assert.equal(blocks.map((b) => b.seqIndex), [0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11]);
  blocks.forEach((b) => assert.is(b.missingChannelMask, 0));
  assert.equal(z.stats.lostPackets, [1, 1, 1, 1]);
  assert.is(z.stats.seqsMissing, 1);
});

test('duplicates while open are ignored and counted; after emission they are late', () => {
  const z = new MuseEegZipper();
  pushAll(z, inOrder(4, 0, 7)); // past the start-up wait
  const p = inOrder(4, 7, 2);
  const out = [z.push(p[0]), z.push(p[0]), z.push(p[1]), z.push(p[2]), z.push(p[3]), z.push(p[3])].flat();
  assert.is(out.length, 1);
  checkBlock(out[0], 7, 4);
  assert.equal({ duplicates: z.stats.duplicates, late: z.stats.late }, { duplicates: 1, late: 1 });
  const rest = pushAll(z, p.slice(4));
  assert.is(rest.length, 1);
  checkBlock(rest[0], 8, 4);
});

test('16-bit wrap 65535 -> 0: indices continue, with channels reordered across the wrap', () => {
  const z = new MuseEegZipper({ channelCount: 5 });
  const packets = inOrder(5, 65530, 12);
  // Channel 4 lags two sequences behind the others, so it delivers 65535 after others delivered 0 and 1.
  const lagged = [...packets.filter((p) => p.channel !== 4)];
  const aux = packets.filter((p) => p.channel === 4);
  const merged: MuseEegChannelPacket[] = [];
  for (let i = 0; i < 12; i++) {
    merged.push(...lagged.slice(i * 4, i * 4 + 4));
    if (i >= 2) merged.push(aux[i - 2]);
  }
  merged.push(aux[10], aux[11]);
  const blocks = pushAll(z, merged);
  assert.equal(blocks.map((b) => b.seq), [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3, 4, 5]);
  blocks.forEach((b, i) => checkBlock(b, 65530 + i, 5));
  assert.equal(z.stats.lostPackets, [0, 0, 0, 0, 0]);
});

test('loss right at the wrap is counted once per channel', () => {
  const z = new MuseEegZipper({ maxLagSeqs: 2 });
  const blocks = pushAll(z, inOrder(4, 65533, 6).filter((p) => !(p.seq === 65535 && p.channel === 1) && p.seq !== 0));
  assert.equal(blocks.map((b) => b.seq), [65533, 65534, 65535, 1, 2]);
  assert.is(blocks[2].missingChannelMask, 0b0010);
  assert.equal(z.stats.lostPackets, [1, 2, 1, 1]);
});

test('a counter restart (far older sequence) closes open blocks and continues the index with a discontinuity', () => {
  const z = new MuseEegZipper({ maxLagSeqs: 4, resyncAfterSeqs: 64 });
  const before = [...inOrder(4, 5000, 3).flatMap((p) => z.push(p)), ...z.flush()];
  assert.is(before.length, 3);
  z.push(packet(0, 5003)); // left open
  const after = [...inOrder(4, 0, 2).flatMap((p) => z.push(p)), ...z.flush()];
  assert.equal(after.map((b) => [b.seqIndex, b.seq, b.discontinuity]), [
    [5003, 5003, false],
    [5004, 0, true],
    [5005, 1, false],
  ]);
  assert.is(after[0].missingChannelMask, 0b1110);
  assert.is(z.stats.resyncs, 1);
});

test('reset() forgets the sequence history: a new connection starts fresh', () => {
  const z = new MuseEegZipper();
  pushAll(z, inOrder(4, 300, 2));
  z.reset();
  const blocks = pushAll(z, inOrder(4, 10, 2));
  assert.equal(blocks.map((b) => b.seqIndex), [10, 11]);
  assert.is(z.stats.late, 0);
});

test('bad packets are refused with RangeError (a caller bug, not wire data)', () => {
  const z = new MuseEegZipper();
  assert.throws(() => z.push({ channel: 4, seq: 0, samplesUv: new Array(12).fill(0) }), RangeError);
  assert.throws(() => z.push({ channel: 0, seq: 65536, samplesUv: new Array(12).fill(0) }), RangeError);
  assert.throws(() => z.push({ channel: 0, seq: 0, samplesUv: new Array(11).fill(0) }), RangeError);
  assert.throws(() => new MuseEegZipper({ maxLagSeqs: 0 }), RangeError);
});

test('fuzz: random channels/sequences/duplicates never throw, stay bounded, emit strictly increasing indices', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ channel: fc.integer({ min: 0, max: 3 }), seq: fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 40 })) }), {
        maxLength: 300,
      }),
      (items) => {
        const z = new MuseEegZipper({ maxLagSeqs: 6 });
        let last = -Infinity;
        for (const { channel, seq } of items) {
          for (const b of z.push({ channel, seq, samplesUv: new Float32Array(12) })) {
            assert.ok(b.seqIndex > last, 'increasing');
            last = b.seqIndex;
          }
          assert.ok(z.openBlocks <= 6, `open ${z.openBlocks}`);
        }
        for (const b of z.flush()) {
          assert.ok(b.seqIndex > last);
          last = b.seqIndex;
        }
        assert.is(z.openBlocks, 0);
      },
    ),
    { numRuns: 500 },
  );
});

test('PPG layout: 3 channels of 6 samples, 93.75 ms per packet; wrong sizes refused', () => {
  const z = new MuseEegZipper({ channelCount: 3, samplesPerPacket: 6, packetPeriodUs: 93_750, maxLagSeqs: 2 });
  const out: MuseEegBlock[] = [];
  for (let seq = 0; seq < 6; seq++) for (let c = 0; c < 3; c++) out.push(...z.push({ channel: c, seq, samplesUv: [seq, seq, seq, seq, seq, c] }));
  out.push(...z.flush());
  assert.equal(out.map((b) => b.seqIndex), [0, 1, 2, 3, 4, 5]);
  assert.equal(out.map((b) => b.firstSampleIndex), [0, 6, 12, 18, 24, 30]);
  assert.equal(out.map((b) => b.tDeviceUs), [0, 93_750, 187_500, 281_250, 375_000, 468_750]);
  assert.equal(Array.from(out[2].samplesUv[1]), [2, 2, 2, 2, 2, 1]);
  assert.throws(() => z.push({ channel: 0, seq: 6, samplesUv: new Array<number>(12).fill(0) }), RangeError);
  assert.throws(() => z.push({ channel: 3, seq: 6, samplesUv: new Array<number>(6).fill(0) }), RangeError);
});

test.run();
