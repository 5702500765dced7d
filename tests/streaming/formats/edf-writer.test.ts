// EDF+/BDF+ writer vectors, field by field against the specs (edfplus.info specs edf, edfplus,
// bdfplus; BioSemi BDF), sample encoding, TALs, and a fast-check round trip through our reader.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  asWritten,
  DIGITAL_RANGE,
  encodeEdfHeader,
  encodeRecord,
  encodeRecordCount,
  encodeTal,
  encodeTimeKeepingTal,
  formatNumberField,
  physicalStep,
  type EdfWriterHeader,
} from '../../../src/streaming/formats/edf-writer.js';
import { parseEdf, parseEdfHeader } from '../../../src/streaming/formats/edf.js';

const latin1 = new TextDecoder('latin1');
const text = (b: Uint8Array, from: number, width: number) => latin1.decode(b.subarray(from, from + width));

const ECG = { label: 'ECG', transducer: 'electrode', physicalDimension: 'uV', physicalMin: -10000, physicalMax: 10000, prefiltering: 'HP:0.5Hz', samplesPerRecord: 250 };
const header = (over: Partial<EdfWriterHeader> = {}): EdfWriterHeader => ({
  format: 'edf',
  startMs: Date.UTC(2026, 11, 1, 13, 5, 7, 250),
  recording: { equipment: 'weargate g1' },
  numberOfRecords: -1,
  recordDurationS: 1,
  signals: [ECG, { ...ECG, label: 'EEG Fp1', physicalMin: -3200.5, physicalMax: 3200.5 }],
  annotationSamplesPerRecord: 60,
  contiguous: true,
  ...over,
});

test('EDF+ header: every field at its offset and width (EDF spec table, EDF+ sections 2.1.3-2.1.4)', () => {
  const b = encodeEdfHeader(header());
  assert.is(b.length, 256 * 4);
  assert.is(text(b, 0, 8), '0       ');
  assert.is(text(b, 8, 80), 'X X X X'.padEnd(80));
  assert.is(text(b, 88, 80), 'Startdate 01-DEC-2026 X X weargate_g1'.padEnd(80)); // spaces inside a subfield become '_'
  assert.is(text(b, 168, 8), '01.12.26');
  assert.is(text(b, 176, 8), '13.05.07');
  assert.is(text(b, 184, 8), '1024    ');
  assert.is(text(b, 192, 44), 'EDF+C'.padEnd(44));
  assert.is(text(b, 236, 8), '-1      ');
  assert.is(text(b, 244, 8), '1       ');
  assert.is(text(b, 252, 4), '3   ');
  // Signal fields, column-wise: 3 x label(16), transducer(80), dimension(8), pmin, pmax, dmin, dmax (8), prefilter(80), samples(8), reserved(32).
  let o = 256;
  const col = (width: number) => {
    const out = [0, 1, 2].map((i) => text(b, o + i * width, width));
    o += 3 * width;
    return out;
  };
  assert.equal(col(16), ['ECG'.padEnd(16), 'EEG Fp1'.padEnd(16), 'EDF Annotations '.padEnd(16)]);
  assert.equal(col(80), ['electrode'.padEnd(80), 'electrode'.padEnd(80), ''.padEnd(80)]);
  assert.equal(col(8), ['uV      ', 'uV      ', '        ']);
  assert.equal(col(8), ['-10000  ', '-3200.5 ', '-1      ']);
  assert.equal(col(8), ['10000   ', '3200.5  ', '1       ']);
  assert.equal(col(8), ['-32768  ', '-32768  ', '-32768  ']);
  assert.equal(col(8), ['32767   ', '32767   ', '32767   ']);
  assert.equal(col(80), ['HP:0.5Hz'.padEnd(80), 'HP:0.5Hz'.padEnd(80), ''.padEnd(80)]);
  assert.equal(col(8), ['250     ', '250     ', '60      ']);
  assert.equal(col(32), [''.padEnd(32), ''.padEnd(32), ''.padEnd(32)]);
  assert.is(o, 1024);
  // Only printable ASCII in an EDF header.
  assert.ok(b.every((c) => c >= 0x20 && c <= 0x7e));
});

test('BDF+ header: version 0xFF + BIOSEMI, BDF+C/D, 24-bit digital range, BDF Annotations', () => {
  const b = encodeEdfHeader(header({ format: 'bdf', contiguous: false, numberOfRecords: 12 }));
  assert.is(b[0], 0xff);
  assert.is(text(b, 1, 7), 'BIOSEMI');
  assert.is(text(b, 192, 44), 'BDF+D'.padEnd(44));
  assert.is(text(b, 236, 8), '12      ');
  assert.is(text(b, 256 + 32, 16), 'BDF Annotations ');
  const dmin = 256 + 3 * (16 + 80 + 8 + 8 + 8);
  assert.is(text(b, dmin, 8), '-8388608');
  assert.is(text(b, dmin + 24, 8), '8388607 ');
  const parsed = parseEdfHeader(b);
  assert.is(parsed.format, 'bdf');
  assert.is(parsed.variant, 'EDF+D');
});

test('patient subfields, numeric fields that must fit 8 characters, the record count patch', () => {
  const b = encodeEdfHeader(header({ patient: { code: 'MCH-0234567', sex: 'F', birthdate: '02-MAY-1951', name: 'Haagse Harry' } }));
  assert.is(text(b, 8, 80).trimEnd(), 'MCH-0234567 F 02-MAY-1951 Haagse_Harry');
  assert.is(formatNumberField(-8388608), '-8388608');
  assert.is(formatNumberField(0.0039062), '0.003906');
  assert.is(formatNumberField(-187500.123), '-187500');
  assert.is(formatNumberField(1 / 3), '0.333333');
  assert.throws(() => formatNumberField(123456789012));
  assert.is(latin1.decode(encodeRecordCount(3600)), '3600    ');
});

test('TALs: "+onset[\\x15duration]\\x14text\\x14\\x00" and the time-keeping TAL', () => {
  assert.is(latin1.decode(encodeTimeKeepingTal(0.25)), '+0.25\x14\x14\x00');
  assert.is(latin1.decode(encodeTal({ onsetS: 12, durationS: 0.5, text: 'gap' })), '+12\x150.5\x14gap\x14\x00');
  assert.is(latin1.decode(encodeTal({ onsetS: 3.1234567, text: 'lead\x14off' })), '+3.1235\x14lead off\x14\x00');
});

test('16-bit samples: little-endian two\'s complement, negative, clipped (counted), NaN as the digital minimum', () => {
  const layout = { format: 'edf' as const, signals: [{ physicalMin: -32768, physicalMax: 32767, samplesPerRecord: 6 }], annotationSamplesPerRecord: 8 };
  const r = encodeRecord(layout, [Float32Array.from([0, 1, -1, 40000, -40000, NaN])], 0, []);
  assert.equal([...r.bytes.subarray(0, 12)], [0x00, 0x00, 0x01, 0x00, 0xff, 0xff, 0xff, 0x7f, 0x01, 0x80, 0x00, 0x80]);
  assert.is(r.clipped, 2);
  assert.is(r.missing, 1);
  assert.is(latin1.decode(r.bytes.subarray(12, 18)), '+0\x14\x14\x00\x00');
  assert.ok(r.bytes.subarray(16).every((x) => x === 0), 'unused annotation bytes are 0');
});

test('24-bit samples: 3 bytes little-endian, negative, clipped, NaN', () => {
  const layout = { format: 'bdf' as const, signals: [{ physicalMin: -8388608, physicalMax: 8388607, samplesPerRecord: 5 }], annotationSamplesPerRecord: 4 };
  const r = encodeRecord(layout, [Float32Array.from([-2, 1000, 9e6, -9e6, NaN])], 1, []);
  assert.equal([...r.bytes.subarray(0, 15)], [0xfe, 0xff, 0xff, 0xe8, 0x03, 0x00, 0xff, 0xff, 0x7f, 0x01, 0x00, 0x80, 0x00, 0x00, 0x80]);
  assert.is(r.clipped, 2);
  assert.is(r.missing, 1);
});

test('annotations beyond the annotation signal\'s bytes come back as overflow, in order', () => {
  const layout = { format: 'edf' as const, signals: [{ physicalMin: -1, physicalMax: 1, samplesPerRecord: 1 }], annotationSamplesPerRecord: 10 };
  const tals = [{ onsetS: 0.5, text: 'a' }, { onsetS: 0.6, text: 'bbbbbbbbbbbbbbbbbb' }, { onsetS: 0.7, text: 'c' }];
  const r = encodeRecord(layout, [Float32Array.of(0)], 0, tals);
  assert.equal(r.overflow.map((t) => t.text), ['bbbbbbbbbbbbbbbbbb', 'c'], 'order kept: nothing jumps ahead of what did not fit');
  const parsed = parseEdf(new Uint8Array([...encodeEdfHeader({ ...header(), signals: [{ ...ECG, physicalMin: -1, physicalMax: 1, samplesPerRecord: 1 }], annotationSamplesPerRecord: 10 }), ...r.bytes]));
  assert.equal(parsed.annotations.map((a) => a.texts), [['a']]);
});

test('round trip (fast-check): random signals, rates, durations, formats -> write -> our reader -> equal within quantisation', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('edf' as const, 'bdf' as const),
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 5 }),
      fc.double({ min: 1, max: 200_000, noNaN: true }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      (format, rateHz, channels, records, rangeUv, seed) => {
        let x = seed;
        const rand = () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
        const signals = Array.from({ length: channels }, (_, c) => ({ ...ECG, label: `EEG C${c}`, physicalMin: -rangeUv, physicalMax: rangeUv, samplesPerRecord: rateHz }));
        const h = header({ format, signals, numberOfRecords: records, annotationSamplesPerRecord: 30 });
        const layout = { format, signals, annotationSamplesPerRecord: 30 };
        const truth = signals.map(() => Float32Array.from({ length: rateHz * records }, () => rand() * rangeUv * 1.2));
        const parts: Uint8Array[] = [encodeEdfHeader(h)];
        let clipped = 0;
        for (let r = 0; r < records; r++) {
          const rec = encodeRecord(layout, truth.map((t) => t.subarray(r * rateHz, (r + 1) * rateHz)), r, r === 0 ? [{ onsetS: 0.5, text: 'marker' }] : []);
          clipped += rec.clipped;
          parts.push(rec.bytes);
        }
        const file = parseEdf(Uint8Array.from(parts.flatMap((p) => [...p])));
        assert.is(file.signals.length, channels);
        assert.equal([...file.recordOnsetsSeconds], Array.from({ length: records }, (_, r) => r));
        assert.equal(file.annotations.map((a) => [a.onsetSeconds, a.texts[0]]), [[0.5, 'marker']]);
        const step = physicalStep(format, -rangeUv, rangeUv);
        // The header holds 8 characters of each end of the range (a '-' costs one digit).
        const [lowUv, highUv] = [asWritten(-rangeUv), asWritten(rangeUv)];
        assert.ok(Math.abs(highUv - rangeUv) <= rangeUv * 1e-4 && Math.abs(lowUv + rangeUv) <= rangeUv * 1e-4);
        let beyond = 0;
        file.signals.forEach((s, c) => {
          assert.is(s.sampleRateHz, rateHz);
          for (let i = 0; i < truth[c].length; i++) {
            const want = Math.max(lowUv + step, Math.min(highUv, truth[c][i]));
            if (truth[c][i] < lowUv || truth[c][i] > highUv) beyond++;
            // Half a step of quantisation, plus float32 rounding of the physical value.
            const tolerance = step / 2 + Math.abs(want) * 2e-7 + 1e-9;
            if (Math.abs(s.physical[i] - want) > tolerance) throw new Error(`c${c}[${i}]: ${s.physical[i]} vs ${want} (step ${step})`);
          }
        });
        assert.is(clipped, beyond);
      },
    ),
    { numRuns: 150 },
  );
});

test('digital ranges are the formats\' (16-bit EDF, 24-bit BDF)', () => {
  assert.equal(DIGITAL_RANGE.edf, { min: -32768, max: 32767 });
  assert.equal(DIGITAL_RANGE.bdf, { min: -(2 ** 23), max: 2 ** 23 - 1 });
});

test.run();
