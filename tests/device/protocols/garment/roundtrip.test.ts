import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameError, type FrameErrorCode } from '../../../../src/common/errors.js';
import {
  crc16CcittFalse,
  decodeGarmentFrame,
  encodeGarmentFrame,
  GARMENT_HEADER_BYTES,
  type GarmentFrame,
} from '../../../../src/device/protocols/garment/index.js';
import { arbitraryFrame } from './_arbitraries.js';
import { frameFromFields, frameVectors, plain } from './_vectors.js';

function errorCode(fn: () => unknown): FrameErrorCode | 'none' | 'other' {
  try {
    fn();
    return 'none';
  } catch (err) {
    return err instanceof FrameError ? err.code : 'other';
  }
}

test('decode(encode(frame)) == frame for random valid frames', () => {
  fc.assert(
    fc.property(arbitraryFrame(), (frame) => {
      const bytes = encodeGarmentFrame(frame);
      assert.equal(plain(decodeGarmentFrame(bytes)), plain(frame));
      assert.is(bytes.length, GARMENT_HEADER_BYTES + bytes[4] + (bytes[5] << 8) + 2);
    }),
    { numRuns: 500 },
  );
});

test('every single-byte corruption of a valid frame is rejected, never decoded wrong', () => {
  fc.assert(
    fc.property(arbitraryFrame(20), fc.nat(), fc.integer({ min: 1, max: 255 }), (frame, at, flip) => {
      const bytes = encodeGarmentFrame(frame);
      bytes[at % bytes.length] ^= flip;
      const code = errorCode(() => decodeGarmentFrame(bytes));
      assert.ok(code !== 'none' && code !== 'other', `corruption at ${at % bytes.length} gave ${code}`);
    }),
    { numRuns: 1000 },
  );
});

test('every proper prefix of a valid frame is truncated (or not even a magic)', () => {
  for (const v of frameVectors) {
    const bytes = encodeGarmentFrame(frameFromFields(v.fields));
    for (let n = 0; n < bytes.length; n++) {
      const code = errorCode(() => decodeGarmentFrame(bytes.subarray(0, n)));
      assert.is(code, 'truncated', `${v.name} cut at ${n}`);
    }
  }
});

test('arbitrary bytes only ever raise FrameError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1200 }), fc.boolean(), (bytes, withMagic) => {
      if (withMagic && bytes.length >= 2) bytes.set([0xa5, 0x5a]);
      const code = errorCode(() => decodeGarmentFrame(bytes));
      assert.ok(code !== 'other');
    }),
    { numRuns: 2000 },
  );
});

const base = (): GarmentFrame => frameFromFields(frameVectors.find((v) => v.name === 'exg-3ch-i24')!.fields);
const encoderCases: Array<[string, (f: GarmentFrame) => void, FrameErrorCode]> = [
  ['version 2', (f) => ((f as { version: number }).version = 2), 'version'],
  ['i24 sample above the rail', (f) => (f.samples[4] = 0x800000), 'field'],
  ['i16 sample below the rail', (f) => ((f.sampleFormat = 'i16'), (f.samples[0] = -32769)), 'field'],
  ['samples not a multiple of channels', (f) => (f.samples = f.samples.subarray(1)), 'length'],
  ['payload > 1024 bytes', (f) => (f.samples = new Int32Array(342 * 3)), 'length'],
  ['seq 65536', (f) => (f.seq = 65536), 'field'],
  ['negative tDeviceUs', (f) => (f.tDeviceUs = -1), 'field'],
  ['fractional deviceId', (f) => (f.deviceId = 1.5), 'field'],
  ['sample rate 0', (f) => (f.sampleRateHz = 0), 'field'],
  ['sample rate 10001', (f) => (f.sampleRateHz = 10_001), 'field'],
  ['17 channels', (f) => ((f.channelCount = 17), (f.samples = new Int32Array(17))), 'field'],
  ['lead-off bit for a missing channel', (f) => (f.status.leadOffMask = 0b1000), 'field'],
  ['battery 101 %', (f) => (f.status.batteryPercent = 101), 'field'],
  ['NaN scale', (f) => (f.microvoltsPerCount = Number.NaN), 'field'],
  ['negative scale', (f) => (f.microvoltsPerCount = -1), 'field'],
  ['unknown stream', (f) => ((f as { stream: string }).stream = 'emg'), 'field'],
];
for (const [what, mutate, code] of encoderCases) {
  test(`encode refuses ${what} (FrameError '${code}')`, () => {
    const frame = base();
    mutate(frame);
    assert.is(errorCode(() => encodeGarmentFrame(frame)), code);
  });
}

test('the encoder rounds the scale to f32 and the decoder returns that f32', () => {
  const frame = { ...base(), microvoltsPerCount: 0.1 };
  assert.is(decodeGarmentFrame(encodeGarmentFrame(frame)).microvoltsPerCount, Math.fround(0.1));
});

test('reserved flag bits are ignored by the decoder (SPEC.md 3.4)', () => {
  const v = frameVectors.find((f) => f.name === 'ecg-status-flags')!;
  const bytes = encodeGarmentFrame(frameFromFields(v.fields));
  const view = new DataView(bytes.buffer);
  view.setUint16(28, view.getUint16(28, true) | 0xfff0, true);
  view.setUint16(bytes.length - 2, crc16CcittFalse(bytes, 0, bytes.length - 2), true);
  assert.equal(plain(decodeGarmentFrame(bytes)), v.fields);
});

test.run();
