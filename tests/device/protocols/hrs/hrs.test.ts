import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameError, type FrameErrorCode } from '../../../../src/common/errors.js';
import {
  BATTERY_LEVEL_UUID,
  decodeBatteryLevel,
  decodeBodySensorLocation,
  decodeHeartRateMeasurement,
  encodeHeartRateMeasurement,
  encodeResetEnergyExpended,
  HRS_MEASUREMENT_UUID,
  HRS_SERVICE_UUID,
} from '../../../../src/device/protocols/hrs/index.js';

interface Valid<T> {
  name: string;
  hex: string;
  expected: T;
}
interface Invalid {
  name: string;
  hex: string;
  error: FrameErrorCode;
}
type Case<T> = Valid<T> | Invalid;
interface HrsVectors {
  measurement: Valid<ReturnType<typeof decodeHeartRateMeasurement>>[];
  measurementInvalid: Invalid[];
  bodySensorLocation: Case<ReturnType<typeof decodeBodySensorLocation>>[];
  battery: Case<number>[];
}

const vectors = JSON.parse(readFileSync(new URL('./vectors.json', import.meta.url), 'utf8')) as HrsVectors;
const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

function expectFrameError(fn: () => unknown, code: FrameErrorCode, name: string): void {
  try {
    fn();
    assert.unreachable(`${name}: decoded`);
  } catch (err) {
    assert.instance(err, FrameError, name);
    assert.is((err as FrameError).code, code, `${name}: ${(err as Error).message}`);
  }
}

function checkCases<T>(label: string, cases: Case<T>[], decode: (b: Uint8Array) => T): void {
  for (const v of cases) {
    test(`${label} ${v.name}`, () => {
      if ('error' in v) expectFrameError(() => decode(fromHex(v.hex)), v.error, v.name);
      else assert.equal(decode(fromHex(v.hex)), v.expected);
    });
  }
}

test('UUIDs are full 128-bit lowercase SIG UUIDs', () => {
  assert.is(HRS_SERVICE_UUID, '0000180d-0000-1000-8000-00805f9b34fb');
  assert.is(HRS_MEASUREMENT_UUID, '00002a37-0000-1000-8000-00805f9b34fb');
  assert.is(BATTERY_LEVEL_UUID, '00002a19-0000-1000-8000-00805f9b34fb');
});

test('the vector set covers every flag and every error code the decoders use', () => {
  const flags = vectors.measurement.reduce((acc, v) => acc | fromHex(v.hex)[0], 0);
  assert.is(flags & 0x1f, 0x1f);
  const codes = new Set(vectors.measurementInvalid.map((v) => v.error));
  assert.ok(codes.has('truncated') && codes.has('length'));
});

checkCases('measurement', vectors.measurement, decodeHeartRateMeasurement);
checkCases('measurement invalid', vectors.measurementInvalid, decodeHeartRateMeasurement);
checkCases('body sensor location', vectors.bodySensorLocation, decodeBodySensorLocation);
checkCases('battery', vectors.battery, decodeBatteryLevel);

test('encode reproduces the measurement vectors that have no reserved bits', () => {
  for (const v of vectors.measurement) {
    if (v.expected.flags & 0xe0) continue;
    const e = v.expected;
    const bytes = encodeHeartRateMeasurement({
      hrBpm: e.hrBpm,
      hrUint16: e.hrUint16,
      sensorContactDetected: e.sensorContactSupported ? (e.sensorContactDetected ?? false) : undefined,
      energyExpendedKj: e.energyExpendedKj ?? undefined,
      rrRaw1024: e.rrRaw1024,
    });
    assert.is(Buffer.from(bytes).toString('hex'), v.hex, v.name);
  }
  assert.equal(Array.from(encodeResetEnergyExpended()), [0x01]);
});

test('encode -> decode round trip for any field values', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffff }),
      fc.boolean(),
      fc.option(fc.boolean(), { nil: undefined }),
      fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }),
      fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 9 }),
      (hrBpm, hrUint16, sensorContactDetected, energyExpendedKj, rrRaw1024) => {
        const m = decodeHeartRateMeasurement(
          encodeHeartRateMeasurement({ hrBpm, hrUint16, sensorContactDetected, energyExpendedKj, rrRaw1024 }),
        );
        assert.is(m.hrBpm, hrBpm);
        assert.is(m.sensorContactDetected, sensorContactDetected ?? null);
        assert.is(m.energyExpendedKj, energyExpendedKj ?? null);
        assert.equal(m.rrRaw1024, rrRaw1024);
        assert.equal(m.rrMs, rrRaw1024.map((r) => (r * 1000) / 1024));
      },
    ),
    { numRuns: 500 },
  );
});

test('fuzz: random bytes decode or throw FrameError, nothing else', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
      for (const decode of [decodeHeartRateMeasurement, decodeBodySensorLocation, decodeBatteryLevel]) {
        try {
          decode(bytes);
        } catch (err) {
          if (!(err instanceof FrameError)) throw err;
        }
      }
    }),
    { numRuns: 3000 },
  );
});

test.run();
