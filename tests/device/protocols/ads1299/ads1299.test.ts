// ADS1299 encoders and decoders: byte vectors from the datasheet's command and register tables,
// status word and 24-bit sample vectors (negative, full scale), frames split at every boundary, and
// fast-check round trips and robustness (any bytes either decode or throw FrameError).
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameError } from '../../../../src/common/errors.js';
import {
  ADS1299_FRAME_BYTES,
  ADS1299_GAINS,
  ADS1299_INPUTS,
  Ads1299FrameAssembler,
  config1ForRate,
  decodeChannelSetting,
  decodeFrame,
  decodeId,
  decodeReadRegisters,
  decodeStatusWord,
  encodeChannelSetting,
  encodeCommand,
  encodeFrame,
  encodeReadRegisters,
  encodeStatusWord,
  encodeWriteRegisters,
  microvoltsPerCount,
  rateFromConfig1,
  readInt24,
} from '../../../../src/device/protocols/ads1299/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s/g, ''), 'hex'));

test('opcodes (datasheet Table 10)', () => {
  const want: Record<string, number> = { WAKEUP: 0x02, STANDBY: 0x04, RESET: 0x06, START: 0x08, STOP: 0x0a, RDATAC: 0x10, SDATAC: 0x11, RDATA: 0x12 };
  for (const [name, op] of Object.entries(want)) assert.equal([...encodeCommand(name as 'RESET')], [op], name);
});

test('RREG / WREG frames: 001a aaaa / 010a aaaa, then n-1', () => {
  assert.is(hex(encodeReadRegisters(0x00, 1)), '200000', 'RREG ID');
  assert.is(hex(encodeReadRegisters(0x01, 23)), '211600' + '00'.repeat(22), 'RREG CONFIG1..CONFIG4');
  assert.is(hex(encodeWriteRegisters(0x03, [0xe0])), '4300e0', 'WREG CONFIG3 internal reference');
  assert.is(hex(encodeWriteRegisters(0x05, [0x60, 0x61])), '45016061', 'WREG CH1SET, CH2SET');
  assert.equal([...decodeReadRegisters(bytes('0000 3e'), 1)], [0x3e]);
  assert.throws(() => encodeReadRegisters(0x17, 2), (e: unknown) => e instanceof FrameError && e.code === 'length');
  assert.throws(() => encodeReadRegisters(0x18, 1), (e: unknown) => e instanceof FrameError && e.code === 'field');
  const isFrameError = (e: unknown): boolean => e instanceof FrameError;
  assert.throws(() => encodeWriteRegisters(0x01, [0x100]), isFrameError);
  assert.throws(() => encodeWriteRegisters(0x01, []), isFrameError);
  assert.throws(() => decodeReadRegisters(bytes('00003e'), 2), isFrameError);
});

test('CONFIG1 data rates: 250 SPS = 0x96 ... 16 kSPS = 0x90, reserved DR=111 refused', () => {
  const table: Array<[number, number]> = [[16000, 0x90], [8000, 0x91], [4000, 0x92], [2000, 0x93], [1000, 0x94], [500, 0x95], [250, 0x96]];
  for (const [rate, value] of table) {
    assert.is(config1ForRate(rate), value, `${rate}`);
    assert.is(rateFromConfig1(value), rate);
  }
  assert.throws(() => config1ForRate(300), /no data rate 300/);
  assert.throws(() => rateFromConfig1(0x97), /reserved/);
});

test('CHnSET: reset 0x61 = gain 24 shorted; 0x60 gain 24 normal; PD, SRB2 and the gain codes 0..6', () => {
  assert.equal(decodeChannelSetting(0x61), { powerDown: false, gain: 24, srb2: false, input: 'shorted' });
  assert.is(encodeChannelSetting({ powerDown: false, gain: 24, srb2: false, input: 'normal' }), 0x60);
  assert.is(encodeChannelSetting({ powerDown: true, gain: 1, srb2: true, input: 'test' }), 0x8d);
  assert.equal(ADS1299_GAINS.map((gain) => encodeChannelSetting({ powerDown: false, gain, srb2: false, input: 'normal' }) >> 4), [0, 1, 2, 3, 4, 5, 6]);
  assert.throws(() => decodeChannelSetting(0x70), /reserved/);
  fc.assert(
    fc.property(fc.boolean(), fc.constantFrom(...ADS1299_GAINS), fc.boolean(), fc.constantFrom(...ADS1299_INPUTS), (powerDown, gain, srb2, input) => {
      const s = { powerDown, gain, srb2, input };
      assert.equal(decodeChannelSetting(encodeChannelSetting(s)), s);
    }),
  );
});

test('ID register: 0x3E = ADS1299 8 channels; 0x3C / 0x3D the 4 / 6 channel parts; 0x00 / 0xFF no chip', () => {
  assert.equal(decodeId(0x3e), { id: 0x3e, revision: 1, channels: 8, isAds1299: true });
  assert.is(decodeId(0x3c).channels, 4);
  assert.is(decodeId(0x3d).channels, 6);
  assert.is(decodeId(0x00).isAds1299, false);
  assert.is(decodeId(0xff).channels, undefined);
  assert.is(decodeId(0x92).isAds1299, false, 'ADS1298-like DEV_ID');
});

test('status word: 1100 + LOFF_STATP + LOFF_STATN + GPIO[7:4]', () => {
  assert.equal(decodeStatusWord(bytes('c00000')), { loffStatP: 0, loffStatN: 0, gpio: 0 });
  assert.equal(decodeStatusWord(bytes('cff00f')), { loffStatP: 0xff, loffStatN: 0x00, gpio: 0x0f });
  assert.equal(decodeStatusWord(bytes('c0ff00')), { loffStatP: 0x0f, loffStatN: 0xf0, gpio: 0 });
  assert.equal(decodeStatusWord(bytes('c04018')), { loffStatP: 0x04, loffStatN: 0x01, gpio: 0x08 });
  assert.is(hex(encodeStatusWord({ loffStatP: 0x04, loffStatN: 0x01, gpio: 0x08 })), 'c04018');
  for (const bad of ['000000', 'ffffff', 'd00000', '800000']) {
    assert.throws(() => decodeStatusWord(bytes(bad)), (e: unknown) => e instanceof FrameError && e.code === 'sync', bad);
  }
});

test('24-bit two\'s complement samples: zero, ±1, full scale, and µV at gain 24 and 1', () => {
  const vectors: Array<[string, number]> = [
    ['000000', 0],
    ['000001', 1],
    ['ffffff', -1],
    ['7fffff', 8388607],
    ['800000', -8388608],
    ['123456', 0x123456],
    ['fedcba', -0x012346],
  ];
  for (const [h, code] of vectors) assert.is(readInt24(bytes(h), 0), code, h);
  // 2 x 4.5 V / 24 / 2^24 = 0.02235 µV per count; positive full scale = +187.5 mV at gain 24 (+4.5 V at gain 1).
  assert.ok(Math.abs(microvoltsPerCount(24) - 0.0223517) < 1e-6);
  assert.ok(Math.abs(8388607 * microvoltsPerCount(24) - 187_500) < 0.1);
  assert.ok(Math.abs(-8388608 * microvoltsPerCount(1) + 4_500_000) < 0.5);
  const frame = decodeFrame(bytes('c00000' + '000001' + 'ffffff' + '7fffff' + '800000' + '000000' + '123456' + 'fedcba' + '000000'));
  assert.equal([...frame.codes], [1, -1, 8388607, -8388608, 0, 0x123456, -0x012346, 0]);
  assert.throws(() => decodeFrame(new Uint8Array(26)), (e: unknown) => e instanceof FrameError && e.code === 'length');
});

const frameArb = fc.record({
  status: fc.record({ loffStatP: fc.integer({ min: 0, max: 255 }), loffStatN: fc.integer({ min: 0, max: 255 }), gpio: fc.integer({ min: 0, max: 15 }) }),
  codes: fc.array(fc.integer({ min: -0x800000, max: 0x7fffff }), { minLength: 8, maxLength: 8 }).map((a) => Int32Array.from(a)),
});

test('frames round-trip (fast-check)', () => {
  fc.assert(
    fc.property(frameArb, (f) => {
      const encoded = encodeFrame(f);
      assert.is(encoded.length, ADS1299_FRAME_BYTES);
      const back = decodeFrame(encoded);
      assert.equal(back.status, { ...f.status });
      assert.equal([...back.codes], [...f.codes]);
    }),
  );
});

test('any 27 bytes decode or throw FrameError, never anything else (fast-check)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), (b) => {
      try {
        const f = decodeFrame(b);
        assert.is(b.length, 27);
        assert.is(b[0] >> 4, 0xc);
        assert.is(f.codes.length, 8);
      } catch (err) {
        if (!(err instanceof FrameError)) throw err;
      }
    }),
  );
});

test('a stream of frames split at every boundary reassembles to the same frames', () => {
  const frames = [0, 1, 2].map((i) => encodeFrame({ status: { loffStatP: i, loffStatN: 0xff - i, gpio: i }, codes: Int32Array.from({ length: 8 }, (_, c) => (c - 4) * 100_000 * (i + 1)) }));
  const stream = Uint8Array.from(frames.flatMap((f) => [...f]));
  for (let cut = 0; cut <= stream.length; cut++) {
    const a = new Ads1299FrameAssembler();
    const out = [...a.push(stream.subarray(0, cut)), ...a.push(stream.subarray(cut))];
    assert.equal(out.map(hex), frames.map(hex), `cut at ${cut}`);
    assert.is(a.pendingBytes, 0);
  }
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 6 }), (cuts) => {
      const points = [0, ...cuts.sort((x, y) => x - y), stream.length];
      const a = new Ads1299FrameAssembler();
      const out: Uint8Array[] = [];
      for (let i = 1; i < points.length; i++) out.push(...a.push(stream.subarray(points[i - 1], points[i])));
      assert.equal(out.map(hex), frames.map(hex));
    }),
  );
});

test.run();
