// Cyton packet decoding against hand-computed vectors: 24-bit big-endian two's complement
// (positive, negative, both full scales), the accelerometer, footers, scale factors, text answers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameError } from '../../../../src/common/errors.js';
import {
  CytonTextAssembler,
  channelSettingsCommand,
  CYTON_DEFAULT_CHANNEL,
  decodeCytonPacket,
  isRailedCount,
  microvoltsPerCount,
  parseChannelSetAnswer,
  parseChannelSettingsCommand,
  parseCytonBanner,
} from '../../../../src/device/protocols/openbci/index.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

// Header, sample 0x2a, channels: 000001 7fffff 800000 ffffff 123456 edcbaa 000000 400000,
// aux 0010 fff0 1f40 (accel 16, -16, 8000 counts), footer c0.
const vector = hex('a0 2a 000001 7fffff 800000 ffffff 123456 edcbaa 000000 400000 0010 fff0 1f40 c0');

test('channel counts: 24-bit big-endian two\'s complement, both full scales', () => {
  const p = decodeCytonPacket(vector);
  assert.is(p.sampleNumber, 42);
  assert.equal([...p.counts], [1, 8388607, -8388608, -1, 1193046, -1193046, 0, 4194304]);
  assert.is(p.footer, 0xc0);
  assert.is(p.footerKind, 'standard-accel');
});

test('accelerometer: int16 big-endian x 0.002/16 g', () => {
  const p = decodeCytonPacket(vector);
  assert.ok(p.accelG !== null);
  const [x, y, z] = p.accelG;
  assert.ok(Math.abs(x - 0.002) < 1e-12 && Math.abs(y + 0.002) < 1e-12 && Math.abs(z - 1.0) < 1e-12, `${p.accelG}`);
});

test('all-zero aux in a 0xC0 packet is no new accelerometer reading; other footers keep aux raw', () => {
  const zeroAux = vector.slice();
  zeroAux.fill(0, 26, 32);
  assert.is(decodeCytonPacket(zeroAux).accelG, null);
  const raw = vector.slice();
  raw[32] = 0xc1;
  const p = decodeCytonPacket(raw);
  assert.is(p.accelG, null);
  assert.is(p.footerKind, 'standard-raw-aux');
  assert.equal([...p.aux], [0x00, 0x10, 0xff, 0xf0, 0x1f, 0x40]);
  raw[32] = 0xc9;
  assert.is(decodeCytonPacket(raw).footerKind, 'unknown');
});

test('wrong length, header or footer is a FrameError', () => {
  for (const [bytes, code] of [
    [vector.subarray(0, 32), 'length'],
    [Uint8Array.from([0xa1, ...vector.subarray(1)]), 'field'],
    [Uint8Array.from([...vector.subarray(0, 32), 0xb0]), 'field'],
  ] as const) {
    try {
      decodeCytonPacket(bytes);
      assert.unreachable('should throw');
    } catch (err) {
      assert.instance(err, FrameError);
      assert.is((err as FrameError).code, code);
    }
  }
});

test('scale: 4.5 V / gain / (2^23 - 1) in microvolts; full scale at gain 24 is 187500 uV', () => {
  assert.ok(Math.abs(8388607 * microvoltsPerCount(24) - 187_500) < 1e-6);
  assert.ok(Math.abs(microvoltsPerCount(1) - 4.5e6 / 8388607) < 1e-9);
  assert.ok(Math.abs(-8388608 * microvoltsPerCount(24) + 187_500.02235) < 1e-3);
  assert.ok(isRailedCount(8388607) && isRailedCount(-8388608) && isRailedCount(-8388607));
  assert.not.ok(isRailedCount(8388606) || isRailedCount(0) || isRailedCount(-8388606));
});

test('channel settings command: defaults, Daisy letters, round trip, and range errors', () => {
  assert.is(channelSettingsCommand(1, CYTON_DEFAULT_CHANNEL), 'x1060110X');
  assert.is(channelSettingsCommand(9, CYTON_DEFAULT_CHANNEL), 'xQ060110X');
  assert.is(channelSettingsCommand(16, { powerDown: true, gainX: 1, inputType: 'shorted', bias: false, srb2: false, srb1: true }), 'xI101001X');
  const parsed = parseChannelSettingsCommand('xU041101X');
  assert.equal(parsed, { channel: 15, settings: { powerDown: false, gainX: 8, inputType: 'shorted', bias: true, srb2: false, srb1: true } });
  assert.is(parseChannelSettingsCommand('x9060110X'), null);
  assert.is(parseChannelSettingsCommand('x1070110X'), null);
  assert.throws(() => channelSettingsCommand(17, CYTON_DEFAULT_CHANNEL), RangeError);
  assert.throws(() => channelSettingsCommand(0, CYTON_DEFAULT_CHANNEL), RangeError);
});

const banner = 'OpenBCI V3 8-16 channel\nOn Board ADS1299 Device ID: 0x3E\nOn Daisy ADS1299 Device ID: 0x3E\nLIS3DH Device ID: 0x33\nFirmware: v3.1.2\n$$$';

test('text answers: the banner (Daisy, firmware) and channel answers, split at every boundary', () => {
  const bytes = Uint8Array.from(`${banner}Success: Channel set for 3$$$Failure: Channel number 9 is not valid$$$`, (c) => c.charCodeAt(0));
  for (let cut = 0; cut <= bytes.length; cut++) {
    const t = new CytonTextAssembler();
    const msgs = [...t.push(bytes.subarray(0, cut)), ...t.push(bytes.subarray(cut))];
    assert.is(msgs.length, 3, `cut ${cut}`);
    const b = parseCytonBanner(msgs[0]);
    assert.ok(b && b.daisy && b.firmware === 'v3.1.2', `cut ${cut}`);
    assert.equal(parseChannelSetAnswer(msgs[1]), { ok: true, channel: 3 });
    assert.equal(parseChannelSetAnswer(msgs[2]), { ok: false, message: 'Channel number 9 is not valid' });
    assert.is(t.pendingBytes, 0);
  }
  assert.is(parseCytonBanner('OpenBCI V3 8-16 channel\nOn Board ADS1299 Device ID: 0x3E\n')?.daisy, false);
  assert.is(parseCytonBanner('garbage'), null);
});

test('text assembler is bounded: a long answer without $$$ keeps only its tail and counts the rest', () => {
  const t = new CytonTextAssembler(100);
  assert.equal(t.push(new Uint8Array(1000).fill(0x41)), []);
  assert.is(t.pendingBytes, 100);
  assert.is(t.stats.bytesDropped, 900);
  assert.equal(t.push(Uint8Array.from('$$$', (c) => c.charCodeAt(0))), ['A'.repeat(100)]);
});

test.run();
