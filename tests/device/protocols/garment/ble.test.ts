import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  encodeGarmentFrame,
  fragmentGarmentFrame,
  GarmentBleReassembler,
  type GarmentFrame,
} from '../../../../src/device/protocols/garment/index.js';
import { arbitraryFrame } from './_arbitraries.js';
import { frameVectors, fromHex, plain } from './_vectors.js';

const mtus = [23, 24, 27, 50, 100, 185, 247, 251, 512, 517];
const byName = (name: string): Uint8Array => fromHex(frameVectors.find((v) => v.name === name)!.hex);
const maxFrame = byName('eeg-8ch-max-size');
const small = byName('ecg-1ch-i16');

function pushAll(r: GarmentBleReassembler, notifications: Uint8Array[]): GarmentFrame[] {
  return notifications.flatMap((n) => r.push(n));
}

test('every frame vector survives fragment -> reassemble at every MTU', () => {
  for (const mtu of mtus) {
    const r = new GarmentBleReassembler();
    frameVectors.forEach((v, counter) => {
      const fragments = fragmentGarmentFrame(fromHex(v.hex), mtu, counter);
      for (const f of fragments) assert.ok(f.length <= mtu - 3, `fragment ${f.length} > ${mtu - 3}`);
      assert.equal(pushAll(r, fragments).map(plain), [v.fields], `${v.name} at MTU ${mtu}`);
    });
    assert.is(r.stats.framesOk, frameVectors.length);
    assert.is(r.stats.framesIncomplete, 0);
  }
});

test('fragment header: counter, index, last flag; 59 fragments for a max frame at MTU 23', () => {
  const fragments = fragmentGarmentFrame(maxFrame, 23, 200);
  assert.is(fragments.length, Math.ceil(maxFrame.length / 18));
  fragments.forEach((f, i) => {
    assert.is(f[0], 200);
    assert.is(f[1], i | (i === fragments.length - 1 ? 0x80 : 0));
  });
});

test('fragmenting refuses bad MTUs, counters and frames too long for 128 fragments', () => {
  assert.throws(() => fragmentGarmentFrame(small, 22, 0), RangeError);
  assert.throws(() => fragmentGarmentFrame(small, 518, 0), RangeError);
  assert.throws(() => fragmentGarmentFrame(small, 23, 256), RangeError);
  assert.throws(() => fragmentGarmentFrame(new Uint8Array(0), 23, 0), RangeError);
  assert.throws(() => fragmentGarmentFrame(new Uint8Array(18 * 128 + 1), 23, 0), RangeError);
});

for (const [what, lose] of [
  ['first', () => 0],
  ['middle', (n: number) => Math.floor(n / 2)],
  ['last', (n: number) => n - 1],
] as const) {
  test(`a lost ${what} fragment drops that frame, is counted, and the next frame is fine`, () => {
    const r = new GarmentBleReassembler();
    const a = fragmentGarmentFrame(maxFrame, 23, 10);
    const lost = lose(a.length);
    const out = pushAll(r, [...a.slice(0, lost), ...a.slice(lost + 1), ...fragmentGarmentFrame(small, 23, 11)]);
    assert.equal(out.map(plain), [frameVectors.find((v) => v.name === 'ecg-1ch-i16')!.fields]);
    assert.is(r.stats.framesIncomplete, 1);
    assert.is(r.stats.framesOk, 1);
    assert.is(r.stats.fragmentsDiscarded, a.length - 1);
  });
}

test('the frame counter wraps 255 -> 0 without loss', () => {
  const r = new GarmentBleReassembler();
  const out = pushAll(r, [...fragmentGarmentFrame(maxFrame, 64, 255), ...fragmentGarmentFrame(maxFrame, 64, 0)]);
  assert.is(out.length, 2);
  assert.is(r.stats.framesIncomplete, 0);
});

test('short notifications are counted as malformed; a corrupted fragment shows up as a CRC error', () => {
  const r = new GarmentBleReassembler();
  assert.equal(r.push(new Uint8Array([1, 0x80])), []);
  const fragments = fragmentGarmentFrame(small, 23, 3);
  fragments[1][5] ^= 0x01;
  assert.equal(pushAll(r, fragments), []);
  assert.is(pushAll(r, fragmentGarmentFrame(small, 23, 4)).length, 1);
  assert.equal(
    { malformed: r.stats.malformedFragments, crc: r.stats.crcErrors, ok: r.stats.framesOk },
    { malformed: 1, crc: 1, ok: 1 },
  );
});

test('fragments that never end cannot grow the assembly past the largest frame', () => {
  const r = new GarmentBleReassembler();
  const filler = new Uint8Array(514).fill(0x11);
  for (let i = 0; i < 100; i++) {
    filler[0] = 9;
    filler[1] = i; // never the last flag
    assert.equal(r.push(filler), []);
  }
  assert.is(r.stats.lengthErrors, 1);
  assert.is(pushAll(r, fragmentGarmentFrame(small, 247, 10)).length, 1);
});

test('random notification loss: exactly the complete frames come out; each partial frame is counted once', () => {
  fc.assert(
    fc.property(
      fc.array(arbitraryFrame(60), { minLength: 1, maxLength: 12 }),
      fc.constantFrom(...mtus),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }),
      (frames, mtu, keepPattern) => {
        const r = new GarmentBleReassembler();
        const expected: GarmentFrame[] = [];
        let partial = 0;
        let lastSeenIsOpenPrefix = false;
        let k = 0;
        const delivered = frames.flatMap((frame, counter) => {
          const fragments = fragmentGarmentFrame(encodeGarmentFrame(frame), mtu, counter);
          const keep = fragments.map(() => keepPattern[k++ % keepPattern.length]);
          const kept = fragments.filter((_f, i) => keep[i]);
          if (kept.length === fragments.length) expected.push(frame);
          else if (kept.length > 0) partial++;
          if (kept.length > 0) lastSeenIsOpenPrefix = kept.length < fragments.length && keep.slice(0, kept.length).every(Boolean);
          return kept;
        });
        assert.equal(pushAll(r, delivered).map(plain), expected.map(plain));
        assert.is(r.stats.framesOk, expected.length);
        // A frame missing only its tail is noticed when the next frame starts: never, if nothing follows.
        assert.is(r.stats.framesIncomplete, partial - (lastSeenIsOpenPrefix ? 1 : 0));
      },
    ),
    { numRuns: 300 },
  );
});

test.run();
