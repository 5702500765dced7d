// fast-check generators of valid garment frames (every field inside the SPEC.md limits).
import fc from 'fast-check';
import {
  GARMENT_MAX_PAYLOAD_BYTES,
  GARMENT_SAMPLE_FORMAT_BYTES,
  GARMENT_SAMPLE_RANGE,
  type GarmentFrame,
  type GarmentSampleFormat,
} from '../../../../src/device/protocols/garment/index.js';

export function arbitraryFrame(maxInstants = Infinity): fc.Arbitrary<GarmentFrame> {
  return fc
    .record({
      channelCount: fc.integer({ min: 1, max: 16 }),
      sampleFormat: fc.constantFrom<GarmentSampleFormat>('i16', 'i24'),
    })
    .chain(({ channelCount, sampleFormat }) => {
      const bytesPerInstant = channelCount * GARMENT_SAMPLE_FORMAT_BYTES[sampleFormat];
      const instants = Math.min(maxInstants, Math.floor(GARMENT_MAX_PAYLOAD_BYTES / bytesPerInstant));
      const { min, max } = GARMENT_SAMPLE_RANGE[sampleFormat];
      return fc.record({
        version: fc.constant(1 as const),
        deviceId: fc.integer({ min: 0, max: 0xffffffff }),
        stream: fc.constantFrom('ecg', 'acc', 'ppg', 'eeg' as const),
        seq: fc.integer({ min: 0, max: 0xffff }),
        tDeviceUs: fc.integer({ min: 0, max: 0xffffffff }),
        sampleRateHz: fc.integer({ min: 1, max: 10_000 }),
        channelCount: fc.constant(channelCount),
        sampleFormat: fc.constant(sampleFormat),
        microvoltsPerCount: fc
          .float({ min: Math.fround(1e-30), max: Math.fround(1e30), noNaN: true, noDefaultInfinity: true })
          .map(Math.fround),
        status: fc.record({
          leadOffMask: fc.integer({ min: 0, max: 2 ** channelCount - 1 }),
          batteryPercent: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
          saturated: fc.boolean(),
          lowBattery: fc.boolean(),
          charging: fc.boolean(),
          clockReset: fc.boolean(),
        }),
        samples: fc
          .integer({ min: 0, max: instants })
          .chain((n) => fc.array(fc.integer({ min, max }), { minLength: n * channelCount, maxLength: n * channelCount }))
          .map((values) => Int32Array.from(values)),
      });
    });
}
