import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameError } from '../../../../src/common/errors.js';
import {
  CRC16_CHECK_VALUE,
  crc16CcittFalse,
  decodeGarmentFrame,
  encodeGarmentFrame,
  fragmentGarmentFrame,
  GARMENT_MAX_FRAME_BYTES,
} from '../../../../src/device/protocols/garment/index.js';
import { bleVectors, crcVectors, frameFromFields, frameVectors, fromHex, invalidVectors, plain, toHex } from './_vectors.js';

test('the vector set covers what SPEC.md promises', () => {
  assert.ok(frameVectors.length >= 6, 'frame vectors');
  assert.ok(invalidVectors.length >= 4, 'invalid vectors');
  const codes = new Set(invalidVectors.map((v) => v.error));
  for (const code of ['sync', 'crc', 'length', 'version', 'field', 'truncated'] as const) assert.ok(codes.has(code), code);
  assert.equal(new Set(bleVectors.map((v) => v.mtu)), new Set([23, 247]));
  assert.ok(frameVectors.some((v) => fromHex(v.hex).length === GARMENT_MAX_FRAME_BYTES), 'a max-size frame');
});

test('CRC-16/CCITT-FALSE check value', () => {
  assert.equal(crcVectors.length, 1);
  const ascii = new TextEncoder().encode(crcVectors[0].ascii);
  assert.equal(crc16CcittFalse(ascii), crcVectors[0].crc);
  assert.equal(crc16CcittFalse(ascii), CRC16_CHECK_VALUE);
  assert.equal(CRC16_CHECK_VALUE, 0x29b1);
  // Incremental use gives the same result as one pass.
  assert.equal(crc16CcittFalse(ascii, 4, 9, crc16CcittFalse(ascii, 0, 4)), 0x29b1);
});

for (const v of frameVectors) {
  test(`frame ${v.name}: encode(fields) == hex`, () => {
    assert.is(toHex(encodeGarmentFrame(frameFromFields(v.fields))), v.hex);
  });
  test(`frame ${v.name}: decode(hex) == fields`, () => {
    assert.equal(plain(decodeGarmentFrame(fromHex(v.hex))), v.fields);
  });
}

test('decode reads a frame inside a larger buffer (Buffer pool, byteOffset)', () => {
  const v = frameVectors[0];
  const pool = Buffer.alloc(4096, 0x77);
  const bytes = fromHex(v.hex);
  pool.set(bytes, 1000);
  assert.equal(plain(decodeGarmentFrame(pool.subarray(1000, 1000 + bytes.length))), v.fields);
  // A pooled Buffer from Buffer.from shares a larger ArrayBuffer too.
  assert.equal(plain(decodeGarmentFrame(Buffer.from(v.hex, 'hex'))), v.fields);
});

for (const v of invalidVectors) {
  test(`invalid ${v.name}: FrameError '${v.error}'`, () => {
    try {
      decodeGarmentFrame(fromHex(v.hex));
      assert.unreachable('decoded an invalid frame');
    } catch (err) {
      assert.instance(err, FrameError);
      assert.is((err as FrameError).code, v.error, (err as Error).message);
    }
  });
}

for (const v of bleVectors) {
  test(`ble ${v.name}: fragments == vector`, () => {
    const fragments = fragmentGarmentFrame(fromHex(v.frameHex), v.mtu, v.frameCounter);
    assert.equal(fragments.map(toHex), v.fragments);
    for (const f of fragments) assert.ok(f.length <= v.mtu - 3, 'fits the ATT payload');
  });
}

test('header layout matches the SPEC.md offsets (read with DataView, not typed-binary)', () => {
  const v = frameVectors.find((f) => f.name === 'ecg-status-flags');
  assert.ok(v);
  const b = fromHex(v.hex);
  const d = new DataView(b.buffer, b.byteOffset, b.length);
  assert.equal([b[0], b[1]], [0xa5, 0x5a]);
  assert.is(b[2], 1);
  assert.is(b[3], 30);
  assert.is(d.getUint16(4, true), b.length - 32);
  assert.is(d.getUint16(6, true), v.fields.seq);
  assert.is(d.getUint32(8, true), v.fields.deviceId);
  assert.is(d.getUint32(12, true), v.fields.tDeviceUs);
  assert.is(d.getFloat32(16, true), v.fields.microvoltsPerCount);
  assert.is(d.getUint16(20, true), v.fields.sampleRateHz);
  assert.is(d.getUint16(22, true), 0b101);
  assert.is(b[24], 1); // ecg
  assert.is(b[25], 3);
  assert.is(b[26], 1); // i16
  assert.is(b[27], 7);
  assert.is(d.getUint16(28, true), 0b0011); // saturated | lowBattery
  assert.is(d.getInt16(30, true), v.fields.samples[0]);
  assert.is(d.getInt16(32, true), v.fields.samples[1]);
  assert.is(d.getUint16(b.length - 2, true), crc16CcittFalse(b, 0, b.length - 2));
});

test.run();
