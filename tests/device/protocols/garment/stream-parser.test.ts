import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  encodeGarmentFrame,
  GARMENT_ENVELOPE_BYTES,
  GARMENT_HEADER_BYTES,
  GARMENT_MAX_ENVELOPE_FRAME_BYTES,
  GARMENT_SAMPLE_FORMAT_BYTES,
  GarmentStreamParser,
  type GarmentFrame,
  type GarmentParserStats,
} from '../../../../src/device/protocols/garment/index.js';
import { envelopeFrameBytes, readEnvelope } from '../../../../src/device/protocols/garment/frame.js';
import { envelopeFrameBytesAt } from '../../../../src/device/protocols/garment/stream-parser.js';
import { checkEnvelope } from '../../../../src/device/protocols/garment/validate.js';
import { arbitraryFrame } from './_arbitraries.js';
import { concat, frameVectors, fromHex, plain, streamVectors } from './_vectors.js';

const mixed = streamVectors.find((v) => v.name === 'stream-mixed')!;
const mixedBytes = fromHex(mixed.hex);
const expectedFrames = mixed.frames.map((name) => frameVectors.find((v) => v.name === name)!.fields);
const bufferLimitBytes = 2 * GARMENT_MAX_ENVELOPE_FRAME_BYTES;

/** The counters SPEC.md section 6 defines (the vectors' `stats`), without the CRC-budget counters. */
function wire(s: GarmentParserStats): GarmentParserStats {
  return { framesOk: s.framesOk, crcErrors: s.crcErrors, lengthErrors: s.lengthErrors, versionErrors: s.versionErrors, fieldErrors: s.fieldErrors, bytesSkipped: s.bytesSkipped };
}

/** Feeds `bytes` cut at `cuts` (sorted offsets) and returns what came out. */
function feed(bytes: Uint8Array, cuts: number[], parser = new GarmentStreamParser()) {
  const frames: GarmentFrame[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    frames.push(...parser.push(bytes.subarray(from, cut)));
    assert.ok(parser.bufferedBytes <= bufferLimitBytes);
    from = cut;
  }
  assert.is(parser.stats.candidatesSkipped, 0, 'real traffic never exhausts the CRC budget');
  return { frames, stats: wire(parser.stats), buffered: parser.bufferedBytes };
}

function frameWireBytes(f: GarmentFrame): number {
  return GARMENT_HEADER_BYTES + f.samples.length * GARMENT_SAMPLE_FORMAT_BYTES[f.sampleFormat] + 2;
}

test('stream-mixed vector in one chunk: the listed frames and the vector stats', () => {
  const out = feed(mixedBytes, []);
  assert.equal(out.frames.map(plain), expectedFrames);
  assert.equal(out.stats, mixed.stats);
  assert.is(out.buffered, 0);
});

test('stream-mixed split at every boundary gives the same frames and counts', () => {
  const want = expectedFrames.map((f) => `${f.deviceId}/${f.seq}/${f.samples.length}`);
  for (let cut = 0; cut <= mixedBytes.length; cut++) {
    const out = feed(mixedBytes, [cut]);
    const got = out.frames.map((f) => `${f.deviceId}/${f.seq}/${f.samples.length}`);
    if (got.join() !== want.join()) assert.equal(got, want, `cut at ${cut}`);
    if (JSON.stringify(out.stats) !== JSON.stringify(mixed.stats)) assert.equal(out.stats, mixed.stats, `cut at ${cut}`);
  }
});

test('stream-mixed one byte at a time', () => {
  const out = feed(mixedBytes, Array.from({ length: mixedBytes.length }, (_v, i) => i));
  assert.equal(out.frames.map(plain), expectedFrames);
  assert.equal(out.stats, mixed.stats);
});

test('stream-mixed under random chunkings (fast-check)', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 0, max: mixedBytes.length }), { maxLength: 200 }), (cuts) => {
      const out = feed(mixedBytes, cuts.sort((a, b) => a - b));
      assert.equal(out.frames.map(plain), expectedFrames);
      assert.equal(out.stats, mixed.stats);
    }),
    { numRuns: 300 },
  );
});

test('random frames between random garbage come out whole, in order, under random chunking', () => {
  const noMagicStart = fc.uint8Array({ maxLength: 80 }).map((g) => g.map((b) => (b === 0xa5 ? 0 : b)));
  fc.assert(
    fc.property(
      fc.array(fc.tuple(noMagicStart, arbitraryFrame(40)), { minLength: 1, maxLength: 8 }),
      fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 }),
      (pieces, chunkSizes) => {
        const bytes = concat(pieces.flatMap(([g, f]) => [g, encodeGarmentFrame(f)]));
        const parser = new GarmentStreamParser();
        const frames: GarmentFrame[] = [];
        for (let at = 0, i = 0; at < bytes.length; at += chunkSizes[i++ % chunkSizes.length]) {
          frames.push(...parser.push(bytes.subarray(at, at + chunkSizes[i % chunkSizes.length])));
        }
        assert.equal(frames.map(plain), pieces.map(([, f]) => plain(f)));
        const garbageBytes = pieces.reduce((n, [g]) => n + g.length, 0);
        assert.equal(parser.stats, {
          framesOk: pieces.length,
          crcErrors: 0,
          lengthErrors: 0,
          versionErrors: 0,
          fieldErrors: 0,
          bytesSkipped: garbageBytes,
          candidatesSkipped: 0,
          crcBytesChecked: bytes.length - garbageBytes - 2 * pieces.length,
        });
      },
    ),
    { numRuns: 200 },
  );
});

test('corrupted streams never throw, and every byte is accounted for', () => {
  fc.assert(
    fc.property(
      fc.array(arbitraryFrame(30), { minLength: 1, maxLength: 6 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }),
      fc.uint8Array({ maxLength: 300 }),
      fc.integer({ min: 1, max: 97 }),
      (frames, edits, noise, chunkBytes) => {
        const bytes = concat([...frames.map(encodeGarmentFrame), noise]);
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        const parser = new GarmentStreamParser();
        let goodBytes = 0;
        for (let at = 0; at < bytes.length; at += chunkBytes) {
          for (const f of parser.push(bytes.subarray(at, at + chunkBytes))) goodBytes += frameWireBytes(f);
        }
        assert.is(goodBytes + parser.stats.bytesSkipped + parser.bufferedBytes, bytes.length);
        assert.is(parser.stats.candidatesSkipped, 0, 'random corruption never exhausts the CRC budget');
      },
    ),
    { numRuns: 300 },
  );
});

test('endless garbage keeps the buffer bounded and the parser answering', () => {
  const parser = new GarmentStreamParser();
  // False magics announcing the largest envelope frame: the parser must keep rescanning them.
  const falseMagics = new Uint8Array(6 * 1000);
  for (let i = 0; i < falseMagics.length; i += 6) falseMagics.set([0xa5, 0x5a, 0x01, 0xff, 0x00, 0x04], i);
  const random = Uint8Array.from({ length: 64 * 1024 }, (_v, i) => (Math.imul(i + 1, 2654435761) >>> 13) & 0xff);
  const onlyFirstMagicByte = new Uint8Array(64 * 1024).fill(0xa5);
  let pushed = 0;
  for (const chunk of [falseMagics, random, onlyFirstMagicByte, falseMagics, random]) {
    for (let round = 0; round < 4; round++) {
      assert.equal(parser.push(chunk), []);
      pushed += chunk.length;
      assert.ok(parser.bufferedBytes <= bufferLimitBytes, `buffered ${parser.bufferedBytes}`);
    }
  }
  assert.is(parser.stats.bytesSkipped + parser.bufferedBytes, pushed);
  const s = parser.stats;
  assert.ok(s.lengthErrors + s.crcErrors + s.candidatesSkipped > 1000);
  // And it still finds the next real frame.
  const good = fromHex(frameVectors[0].hex);
  const frames = parser.push(concat([new Uint8Array(GARMENT_MAX_ENVELOPE_FRAME_BYTES), good]));
  assert.equal(frames.map(plain), [frameVectors[0].fields]);
});

/** A false magic every 6 bytes, each announcing the largest frame any version can describe, CRC wrong. */
function crafted(bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i + 6 <= bytes; i += 6) out.set([0xa5, 0x5a, 0x01, 0xff, 0x00, 0x04], i);
  return out;
}

test('crafted false magics: CRC work per input byte stays bounded, and real frames are still found', () => {
  const good = fromHex(frameVectors[0].hex);
  const attack = crafted(1 << 20);
  // One frame right after the attack (inside its last false spans: may be skipped), one after a clean stretch.
  const bytes = concat([attack, good, new Uint8Array(GARMENT_MAX_ENVELOPE_FRAME_BYTES), good]);
  for (const chunkBytes of [bytes.length, 4096, 61]) {
    const parser = new GarmentStreamParser();
    const frames: GarmentFrame[] = [];
    for (let at = 0; at < bytes.length; at += chunkBytes) frames.push(...parser.push(bytes.subarray(at, at + chunkBytes)));
    const s = parser.stats;
    const perByte = s.crcBytesChecked / bytes.length;
    assert.ok(perByte < 40, `${perByte.toFixed(1)} CRC bytes per input byte (chunks of ${chunkBytes})`);
    assert.ok(s.candidatesSkipped > 100_000, `skipped ${s.candidatesSkipped}`);
    assert.ok(frames.length >= 1, `chunks of ${chunkBytes}: the frame after the attack is found`);
    assert.equal(plain(frames.at(-1)!), frameVectors[0].fields);
    assert.is(s.bytesSkipped + parser.bufferedBytes + frames.length * good.length, bytes.length, 'every byte accounted for');
  }
});

test("the parser's envelope rule is checkEnvelope's (SPEC.md rule 3)", () => {
  const bytes = new Uint8Array(GARMENT_ENVELOPE_BYTES);
  const payloads = [...Array.from({ length: 1100 }, (_v, i) => i), 0x4000, 0xfffe, 0xffff];
  for (let headerBytes = 0; headerBytes < 256; headerBytes++) {
    for (const payloadBytes of payloads) {
      bytes.set([0xa5, 0x5a, 1, headerBytes, payloadBytes & 0xff, payloadBytes >> 8]);
      let expected: number | null;
      try {
        const envelope = readEnvelope(bytes);
        checkEnvelope(envelope);
        expected = envelopeFrameBytes(envelope);
      } catch {
        expected = null;
      }
      if (envelopeFrameBytesAt(bytes, 0) !== expected) assert.is(envelopeFrameBytesAt(bytes, 0), expected, `${headerBytes}/${payloadBytes}`);
    }
  }
});

test('one huge chunk is processed through the bounded buffer', () => {
  const good = fromHex(frameVectors.find((v) => v.name === 'eeg-8ch-max-size')!.hex);
  const bytes = concat(Array.from({ length: 200 }, () => good));
  const parser = new GarmentStreamParser();
  assert.is(parser.push(bytes).length, 200);
  assert.is(parser.bufferedBytes, 0);
});

test('reset() drops a partial frame and counts its bytes as skipped', () => {
  const good = fromHex(frameVectors[0].hex);
  const parser = new GarmentStreamParser();
  assert.equal(parser.push(good.subarray(0, 10)), []);
  parser.reset();
  assert.is(parser.stats.bytesSkipped, 10);
  assert.is(parser.push(good).length, 1);
});

test.run();
