import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameError, type FrameErrorCode } from '../../../../src/common/errors.js';
import {
  decodeMuseControlChunk,
  decodeMuseEegPacket,
  decodeMusePpgPacket,
  decodeMuseTelemetry,
  encodeMuseCommand,
  MUSE_COMMANDS,
  MUSE_CONTROL_UUID,
  MUSE_EEG_PACKET_PERIOD_US,
  MUSE_EEG_UUIDS,
  MUSE_PPG_UUIDS,
  MUSE_SERVICE_UUID,
  MUSE_TELEMETRY_UUID,
  MuseControlAssembler,
} from '../../../../src/device/protocols/muse/index.js';

interface Invalid {
  name: string;
  hex: string;
  error: FrameErrorCode;
}
interface MuseVectors {
  commands: { command: string; hex: string }[];
  commandsInvalid: { command: string; error: FrameErrorCode }[];
  eeg: { name: string; hex: string; expected: { seq: number; samplesRaw: number[]; samplesUv: number[] } }[];
  eegInvalid: Invalid[];
  ppg: { name: string; hex: string; expected: { seq: number; samplesRaw: number[] } }[];
  ppgInvalid: Invalid[];
  telemetry: { name: string; hex: string; expected: Record<string, number> }[];
  telemetryInvalid: Invalid[];
  controlChunks: { name: string; hex: string; expected: string }[];
  controlChunksInvalid: Invalid[];
}

const vectors = JSON.parse(readFileSync(new URL('./vectors.json', import.meta.url), 'utf8')) as MuseVectors;
const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function expectFrameError(fn: () => unknown, code: FrameErrorCode, name: string): void {
  try {
    fn();
    assert.unreachable(`${name}: decoded`);
  } catch (err) {
    assert.instance(err, FrameError, name);
    assert.is((err as FrameError).code, code, `${name}: ${(err as Error).message}`);
  }
}

test('UUIDs match muse-js, full 128-bit lowercase', () => {
  assert.is(MUSE_SERVICE_UUID, '0000fe8d-0000-1000-8000-00805f9b34fb');
  assert.is(MUSE_CONTROL_UUID, '273e0001-4c4d-454d-96be-f03bac821358');
  assert.is(MUSE_TELEMETRY_UUID, '273e000b-4c4d-454d-96be-f03bac821358');
  assert.equal(
    Object.values(MUSE_EEG_UUIDS).map((u) => u.slice(4, 8)),
    ['0003', '0004', '0005', '0006', '0007'],
  );
  assert.equal(Object.values(MUSE_PPG_UUIDS).map((u) => u.slice(4, 8)), ['000f', '0010', '0011']);
  assert.is(MUSE_EEG_PACKET_PERIOD_US, 46875);
});

for (const v of vectors.commands) {
  test(`command ${v.command}`, () => assert.is(toHex(encodeMuseCommand(v.command)), v.hex));
}
test('every named command is in the vectors', () => {
  const covered = new Set(vectors.commands.map((v) => v.command));
  for (const c of Object.values(MUSE_COMMANDS)) assert.ok(covered.has(c), c);
});
for (const v of vectors.commandsInvalid) {
  test(`command invalid ${JSON.stringify(v.command)}`, () => expectFrameError(() => encodeMuseCommand(v.command), v.error, v.command));
}

for (const v of vectors.eeg) {
  test(`eeg ${v.name}`, () => {
    const p = decodeMuseEegPacket(fromHex(v.hex));
    assert.equal({ seq: p.seq, samplesRaw: Array.from(p.samplesRaw), samplesUv: Array.from(p.samplesUv) }, v.expected);
  });
}
for (const v of vectors.ppg) {
  test(`ppg ${v.name}`, () => {
    const p = decodeMusePpgPacket(fromHex(v.hex));
    assert.equal({ seq: p.seq, samplesRaw: Array.from(p.samplesRaw) }, v.expected);
  });
}
for (const v of vectors.telemetry) {
  test(`telemetry ${v.name}`, () => {
    const t = decodeMuseTelemetry(fromHex(v.hex));
    for (const [key, want] of Object.entries(v.expected)) {
      const got = t[key as keyof typeof t];
      assert.ok(Math.abs(got - want) < 1e-9, `${key}: ${got} != ${want}`);
    }
  });
}
for (const v of vectors.controlChunks) {
  test(`control chunk ${v.name}`, () => assert.is(decodeMuseControlChunk(fromHex(v.hex)), v.expected));
}
for (const [label, cases, decode] of [
  ['eeg', vectors.eegInvalid, decodeMuseEegPacket],
  ['ppg', vectors.ppgInvalid, decodeMusePpgPacket],
  ['telemetry', vectors.telemetryInvalid, decodeMuseTelemetry],
  ['control chunk', vectors.controlChunksInvalid, decodeMuseControlChunk],
] as const) {
  for (const v of cases) {
    test(`${label} invalid ${v.name}`, () => expectFrameError(() => decode(fromHex(v.hex)), v.error, v.name));
  }
}

test('EEG decoding matches the 12-bit packing for any samples (encode by hand, decode)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffff }), fc.array(fc.integer({ min: 0, max: 0xfff }), { minLength: 12, maxLength: 12 }), (seq, raw) => {
      const bytes = new Uint8Array(20);
      bytes[0] = seq >> 8;
      bytes[1] = seq & 0xff;
      for (let i = 0; i < 12; i += 2) {
        const at = 2 + (i / 2) * 3;
        bytes[at] = raw[i] >> 4;
        bytes[at + 1] = ((raw[i] & 0xf) << 4) | (raw[i + 1] >> 8);
        bytes[at + 2] = raw[i + 1] & 0xff;
      }
      const p = decodeMuseEegPacket(bytes);
      assert.is(p.seq, seq);
      assert.equal(Array.from(p.samplesRaw), raw);
      assert.equal(Array.from(p.samplesUv), raw.map((n) => (n - 0x800) * 0.48828125));
    }),
    { numRuns: 500 },
  );
});

// A device info response, as the headset sends it: length-prefixed chunks of up to 19 characters.
const info = '{"ap":"headset","sp":"Blackcomb_revE","tp":"consumer","hw":"10.1","bn":2,"fw":"1.3.4","bl":"1.0.0","pv":1,"rc":0}';
function chunk(text: string): Uint8Array {
  if (text.length > 255) throw new RangeError('chunk too long');
  return Uint8Array.of(text.length, ...Array.from(text, (c) => c.charCodeAt(0)));
}

test('control responses reassemble from chunks split at every boundary (two and three chunks)', () => {
  const expected = JSON.parse(info) as Record<string, unknown>;
  const a = new MuseControlAssembler();
  for (let i = 0; i <= info.length; i++) {
    for (let j = i; j <= info.length; j += 7) {
      const parts = [info.slice(0, i), info.slice(i, j), info.slice(j)];
      const out = parts.flatMap((p) => a.push(chunk(p)));
      assert.equal(out, [expected], `split at ${i}, ${j}`);
    }
  }
  assert.is(a.responsesRejected, 0);
  assert.is(a.charactersSkipped, 0);
});

test('control responses: 19-character notifications, two responses back to back, garbage between', () => {
  const a = new MuseControlAssembler();
  const stream = `${info}xx{"rc":0}`;
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < stream.length; i += 19) out.push(...a.push(chunk(stream.slice(i, i + 19))));
  assert.equal(out, [JSON.parse(info), { rc: 0 }]);
  assert.is(a.charactersSkipped, 2);
});

test('control responses: bad JSON and endless text are counted, not thrown; the next response is fine', () => {
  const a = new MuseControlAssembler();
  assert.equal(a.push(chunk('{"rc":}')), []);
  assert.is(a.responsesRejected, 1);
  for (let i = 0; i < 300; i++) a.push(chunk('aaaaaaaaaaaaaaaaaa'));
  assert.is(a.responsesRejected, 1, 'text outside a response is skipped');
  a.push(chunk('{'));
  for (let i = 0; i < 300; i++) a.push(chunk('aaaaaaaaaaaaaaaaaa'));
  assert.is(a.responsesRejected, 2, 'an endless response is dropped at the bound');
  a.push(chunk('{"cut":'));
  assert.equal(a.push(chunk('{"rc":0}')), [{ rc: 0 }]);
  assert.is(a.responsesRejected, 3, 'the cut-off response is counted when the next one starts');
});

test('fuzz: random bytes decode or throw FrameError, nothing else', () => {
  const a = new MuseControlAssembler();
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
      for (const decode of [decodeMuseEegPacket, decodeMusePpgPacket, decodeMuseTelemetry, decodeMuseControlChunk, (b: Uint8Array) => a.push(b)]) {
        try {
          decode(bytes);
        } catch (err) {
          if (!(err instanceof FrameError)) throw err;
        }
      }
    }),
    { numRuns: 5000 },
  );
});

test.run();
