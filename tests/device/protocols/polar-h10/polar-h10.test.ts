import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameError, type FrameErrorCode } from '../../../../src/common/errors.js';
import {
  decodeH10DataFrame,
  decodePmdControlPoint,
  decodePmdFeatures,
  encodeGetMeasurementSettings,
  encodeStartAcc,
  encodeStartEcg,
  encodeStopMeasurement,
  PMD_CONTROL_POINT_UUID,
  PMD_DATA_UUID,
  PMD_SERVICE_UUID,
  PmdControlPointAssembler,
  pmdSampleTimesUnixUs,
  polarTimestampToUnixUs,
  type H10AccRangeG,
  type H10AccSampleRateHz,
  type H10DataFrame,
  type H10Stream,
  type PmdControlPointMessage,
} from '../../../../src/device/protocols/polar-h10/index.js';

interface Invalid {
  name: string;
  hex: string;
  error: FrameErrorCode;
}
interface CommandVector {
  name: string;
  call: 'getSettings' | 'startEcg' | 'startAcc' | 'stop';
  stream?: H10Stream;
  sampleRateHz?: H10AccSampleRateHz;
  rangeG?: H10AccRangeG;
  hex: string;
}
type PlainMessage = Record<string, unknown>;
interface PolarVectors {
  commands: CommandVector[];
  controlPoint: { name: string; hex: string; expected: PlainMessage }[];
  controlPointInvalid: Invalid[];
  features: ({ name: string; hex: string; expected: string[] } | Invalid)[];
  data: { name: string; hex: string; expected: PlainMessage & { timestampNs: string; lastSampleUnixUs: number } }[];
  dataInvalid: Invalid[];
}

const vectors = JSON.parse(readFileSync(new URL('./vectors.json', import.meta.url), 'utf8')) as PolarVectors;
const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function plainMessage(m: PmdControlPointMessage): PlainMessage {
  return m.kind === 'response' ? { ...m, parameters: toHex(m.parameters) } : { ...m };
}

function plainData(f: H10DataFrame): PlainMessage {
  const common = { timestampNs: f.timestampNs.toString(), lastSampleUnixUs: polarTimestampToUnixUs(f.timestampNs) };
  if (f.kind === 'ecg') return { kind: f.kind, ...common, samplesUv: Array.from(f.samplesUv) };
  return { kind: f.kind, ...common, frameType: f.frameType, xMg: Array.from(f.xMg), yMg: Array.from(f.yMg), zMg: Array.from(f.zMg) };
}

function expectFrameError(fn: () => unknown, code: FrameErrorCode, name: string): void {
  try {
    fn();
    assert.unreachable(`${name}: decoded`);
  } catch (err) {
    assert.instance(err, FrameError, name);
    assert.is((err as FrameError).code, code, `${name}: ${(err as Error).message}`);
  }
}

test('UUIDs are the PMD UUIDs, lowercase', () => {
  assert.is(PMD_SERVICE_UUID, 'fb005c80-02e7-f387-1cad-8acd2d8df0c8');
  assert.is(PMD_CONTROL_POINT_UUID, 'fb005c81-02e7-f387-1cad-8acd2d8df0c8');
  assert.is(PMD_DATA_UUID, 'fb005c82-02e7-f387-1cad-8acd2d8df0c8');
});

for (const v of vectors.commands) {
  test(`command ${v.name}`, () => {
    const bytes =
      v.call === 'getSettings'
        ? encodeGetMeasurementSettings(v.stream!)
        : v.call === 'stop'
          ? encodeStopMeasurement(v.stream!)
          : v.call === 'startEcg'
            ? encodeStartEcg()
            : encodeStartAcc({ sampleRateHz: v.sampleRateHz!, rangeG: v.rangeG! });
    assert.is(toHex(bytes), v.hex);
  });
}

test('ACC start refuses settings the H10 does not have', () => {
  expectFrameError(() => encodeStartAcc({ sampleRateHz: 52 as H10AccSampleRateHz, rangeG: 8 }), 'field', 'rate');
  expectFrameError(() => encodeStartAcc({ sampleRateHz: 50, rangeG: 16 as H10AccRangeG }), 'field', 'range');
});

for (const v of vectors.controlPoint) {
  test(`control point ${v.name}`, () => assert.equal(plainMessage(decodePmdControlPoint(fromHex(v.hex))), v.expected));
}
for (const v of vectors.controlPointInvalid) {
  test(`control point invalid ${v.name}`, () => expectFrameError(() => decodePmdControlPoint(fromHex(v.hex)), v.error, v.name));
}
for (const v of vectors.features) {
  test(`features ${v.name}`, () => {
    if ('error' in v) expectFrameError(() => decodePmdFeatures(fromHex(v.hex)), v.error, v.name);
    else assert.equal(decodePmdFeatures(fromHex(v.hex)), v.expected);
  });
}
for (const v of vectors.data) {
  test(`data ${v.name}`, () => assert.equal(plainData(decodeH10DataFrame(fromHex(v.hex))), v.expected));
}
for (const v of vectors.dataInvalid) {
  test(`data invalid ${v.name}`, () => expectFrameError(() => decodeH10DataFrame(fromHex(v.hex)), v.error, v.name));
}

test('data frames decode inside a larger buffer (byteOffset)', () => {
  const v = vectors.data[0];
  const pool = Buffer.alloc(512, 0x55);
  const bytes = fromHex(v.hex);
  pool.set(bytes, 101);
  assert.equal(plainData(decodeH10DataFrame(pool.subarray(101, 101 + bytes.length))), v.expected);
});

test('per-sample times: last sample = frame timestamp, earlier ones step back 1/130 s', () => {
  const ts = 599616023171427290n;
  const times = pmdSampleTimesUnixUs(ts, 73, 130);
  assert.is(times.length, 73);
  assert.is(times[72], polarTimestampToUnixUs(ts));
  assert.is(times[72], 1546300823171427);
  for (let i = 1; i < 73; i++) assert.ok(Math.abs(times[i] - times[i - 1] - 1e6 / 130) < 0.5, `step ${i}`);
  assert.ok(Math.abs(times[0] - (1546300823171427 - 72 * (1e6 / 130))) < 0.5);
  // Consecutive frames tile: the next frame's first sample is one period after this frame's last.
  const next = pmdSampleTimesUnixUs(ts + BigInt(Math.round((73 * 1e9) / 130)), 73, 130);
  assert.ok(Math.abs(next[0] - times[72] - 1e6 / 130) < 1);
  assert.throws(() => pmdSampleTimesUnixUs(ts, 3, 0), RangeError);
});

// A get-settings response for ACC, split into notifications that each carry the 5-byte header.
const accOffer = fromHex('000419003200640 0c8000101100002030200040008 00'.replace(/ /g, ''));
function splitResponse(params: Uint8Array, cuts: number[]): Uint8Array[] {
  const bounds = [0, ...cuts, params.length];
  return bounds.slice(1).map((end, i) => {
    const last = i === bounds.length - 2;
    return Uint8Array.of(0xf0, 0x01, 0x02, 0x00, last ? 0 : 1, ...params.subarray(bounds[i], end));
  });
}

test('assembler: a response split at every parameter boundary (1, 2 and 3 parts) assembles to the same settings', () => {
  const expected = { sampleRateHz: [25, 50, 100, 200], resolutionBits: [16], rangeG: [2, 4, 8] };
  const cutSets: number[][] = [[]];
  for (let a = 0; a <= accOffer.length; a++) {
    cutSets.push([a]);
    for (let b = a; b <= accOffer.length; b += 3) cutSets.push([a, b]);
  }
  const assembler = new PmdControlPointAssembler();
  for (const cuts of cutSets) {
    const parts = splitResponse(accOffer, cuts);
    const out = parts.map((p) => assembler.push(p));
    assert.equal(out.slice(0, -1), parts.slice(0, -1).map(() => null), `cuts ${cuts}`);
    const last = out[out.length - 1];
    assert.ok(last !== null && last.kind === 'response');
    assert.equal(last.settings, expected, `cuts ${cuts}`);
    assert.is(last.more, false);
    assert.is(toHex(last.parameters), toHex(accOffer));
  }
  assert.is(assembler.abandoned, 0);
});

test('assembler: notifications pass through mid-response; a different response abandons the partial one', () => {
  const a = new PmdControlPointAssembler();
  const [first] = splitResponse(accOffer, [6]);
  assert.is(a.push(first), null);
  const stopped = a.push(fromHex('0100'));
  assert.ok(stopped !== null && stopped.kind === 'measurement-stopped');
  const ecg = a.push(fromHex('f002000000'));
  assert.ok(ecg !== null && ecg.kind === 'response' && ecg.opCode === 2);
  assert.is(a.abandoned, 1);
  // The next complete response is not glued to the abandoned bytes.
  const again = splitResponse(accOffer, [4, 10]).map((p) => a.push(p));
  const last = again[2];
  assert.ok(last !== null && last.kind === 'response' && last.settings?.rangeG?.length === 3);
});

test('assembler: endless "more" responses are bounded', () => {
  const a = new PmdControlPointAssembler();
  const chunk = Uint8Array.of(0xf0, 0x01, 0x02, 0x00, 0x01, ...new Uint8Array(200));
  let thrown = 0;
  for (let i = 0; i < 50; i++) {
    try {
      a.push(chunk);
    } catch (err) {
      assert.instance(err, FrameError);
      assert.is((err as FrameError).code, 'length');
      thrown++;
    }
  }
  assert.ok(thrown >= 2, 'overflow reported and the buffer restarted');
});

test('fuzz: random bytes decode or throw FrameError, nothing else (all decoders and the assembler)', () => {
  const assembler = new PmdControlPointAssembler();
  const prefixed = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.tuple(fc.constantFrom(0x00, 0x02, 0xf0, 0x01, 0x0f), fc.uint8Array({ maxLength: 64 })).map(([b, rest]) =>
      Uint8Array.of(b, ...rest),
    ),
  );
  fc.assert(
    fc.property(prefixed, (bytes) => {
      for (const decode of [decodeH10DataFrame, decodePmdControlPoint, decodePmdFeatures, (b: Uint8Array) => assembler.push(b)]) {
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

test('fuzz: any valid ECG/ACC frame round-trips through the decoder', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.array(fc.integer({ min: -0x800000, max: 0x7fffff }), { minLength: 1, maxLength: 73 }),
      (ts, samples) => {
        const bytes = new Uint8Array(10 + samples.length * 3);
        new DataView(bytes.buffer).setBigUint64(1, ts, true);
        samples.forEach((s, i) => bytes.set([s & 0xff, (s >> 8) & 0xff, (s >> 16) & 0xff], 10 + i * 3));
        const f = decodeH10DataFrame(bytes);
        assert.ok(f.kind === 'ecg');
        assert.is(f.timestampNs, ts);
        assert.equal(Array.from(f.samplesUv), samples);
      },
    ),
    { numRuns: 500 },
  );
});

test.run();
