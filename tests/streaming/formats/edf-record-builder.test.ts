// Blocks -> EDF+ records: the same bytes however the stream is split into blocks, gaps filled and
// annotated, long gaps / steps back / layout changes restart the file, lead-off annotated.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EdfRecordBuilder } from '../../../src/streaming/formats/edf-record-builder.js';
import { encodeEdfHeader, type EncodedRecord } from '../../../src/streaming/formats/edf-writer.js';
import { parseEdf } from '../../../src/streaming/formats/edf.js';
import type { SampleBlock } from '../../../src/streaming/types.js';

const RATE = 10;
const signals = [0, 1].map((c) => ({ label: `EEG C${c}`, transducer: '', physicalDimension: 'uV', physicalMin: -1000, physicalMax: 1000, prefiltering: '', samplesPerRecord: RATE }));
const layout = { format: 'edf' as const, signals, annotationSamplesPerRecord: 40 };
const builder = (maxGapFillSamples = 30) =>
  new EdfRecordBuilder({ layout, sampleRateHz: RATE, channels: ['C0', 'C1'], firstSampleIndex: 1000, startFractionS: 0.5, maxGapFillSamples });

function block(first: number, n: number, over: Partial<SampleBlock> = {}): SampleBlock {
  const values = [0, 1].map((c) => Float32Array.from({ length: n }, (_, i) => ((first + i) % 97) * (c ? -3 : 5)));
  return { deviceId: 'd', stream: 'eeg', sampleRateHz: RATE, channels: ['C0', 'C1'], t0Us: 0, firstSampleIndex: first, values, ...over };
}

function file(records: EncodedRecord[]) {
  const header = encodeEdfHeader({ format: 'edf', startMs: 0, recording: { equipment: 't' }, numberOfRecords: -1, recordDurationS: 1, signals, annotationSamplesPerRecord: 40, contiguous: true });
  return parseEdf(Uint8Array.from([...header, ...records.flatMap((r) => [...r.bytes])]));
}

const bytesOf = (records: EncodedRecord[]) => records.flatMap((r) => [...r.bytes]);

test('split at every boundary: the records are byte-identical to one whole block', () => {
  const total = 47;
  const whole: EncodedRecord[] = [];
  const b = builder();
  assert.is(b.push(block(1000, total, { status: { leadOff: false } }), whole), 'ok');
  b.finish(whole);
  for (let cut = 1; cut < total; cut++) {
    const out: EncodedRecord[] = [];
    const s = builder();
    s.push(block(1000, cut, { status: { leadOff: false } }), out);
    const second = block(1000 + cut, total - cut, { status: { leadOff: false } });
    s.push(second, out);
    s.finish(out);
    assert.equal(bytesOf(out), bytesOf(whole), `cut at ${cut}`);
  }
  const f = file(whole);
  assert.is(f.header.numberOfRecords, 5);
  assert.equal([...f.recordOnsetsSeconds], [0.5, 1.5, 2.5, 3.5, 4.5], 'the first TAL holds the sub-second start');
  assert.equal([...f.signals[0].physical.subarray(0, 5)].map(Math.round), [0, 5, 10, 15, 20].map((v) => v + 0).map((v, i) => ((1000 + i) % 97) * 5));
  // The last record's 3 padding samples are missing and annotated.
  assert.equal(f.annotations.map((a) => [a.onsetSeconds, a.durationSeconds, a.texts[0]]), [[0.5 + 4.7, 0.3, 'gap']]);
});

test('an index gap up to maxGapFill is written as missing samples, annotated with onset and duration', () => {
  const out: EncodedRecord[] = [];
  const b = builder();
  b.push(block(1000, 12), out);
  assert.is(b.push(block(1017, 13), out), 'ok'); // 5 samples lost
  b.finish(out);
  const f = file(out);
  assert.equal(f.annotations.map((a) => [a.onsetSeconds, a.durationSeconds, a.texts[0]]), [[0.5 + 1.2, 0.5, 'gap']]);
  assert.is(f.signals[0].physical[12], -1000, 'missing = digital minimum = physical minimum');
  assert.is(b.counters.missing, 2 * 5);
});

test('NaN samples are missing too; a run across records is annotated per record', () => {
  const out: EncodedRecord[] = [];
  const b = builder();
  const x = block(1000, 20);
  x.values[1].fill(NaN, 8, 13);
  b.push(x, out);
  b.finish(out);
  assert.equal(file(out).annotations.map((a) => [a.onsetSeconds, a.durationSeconds]), [[1.3, 0.2], [1.5, 0.3]]);
});

test('restart: a gap beyond maxGapFill, a step back in time, another layout; a repeat is dropped and counted', () => {
  const out: EncodedRecord[] = [];
  const b = builder(30);
  b.push(block(1000, 10), out);
  assert.is(b.push(block(1041, 5), out), 'restart');
  assert.is(b.push(block(500, 5), out), 'restart');
  assert.is(b.push(block(1010, 5, { sampleRateHz: 20 }), out), 'restart');
  assert.is(b.push(block(1010, 5, { channels: ['C0', 'X'] }), out), 'restart');
  assert.is(b.push(block(1002, 5), out), 'ok');
  assert.is(b.counters.overlapping, 5);
  assert.is(b.push(block(1008, 5), out), 'ok', 'a partial overlap keeps the new part');
  assert.is(b.counters.overlapping, 7);
  assert.is(b.nextSampleIndex, 1013);
});

test('lead-off and lead-on are annotated where they change (not for an initial lead-on)', () => {
  const out: EncodedRecord[] = [];
  const b = builder();
  b.push(block(1000, 5, { status: { leadOff: false } }), out);
  b.push(block(1005, 5, { status: { leadOff: true } }), out);
  b.push(block(1010, 5, { status: { leadOff: true } }), out);
  b.annotate(1017, 'marker');
  b.push(block(1015, 5, { status: { leadOff: false } }), out);
  b.annotate(1020, 'after the last record');
  b.finish(out);
  assert.equal(file(out).annotations.map((a) => [a.onsetSeconds, a.texts[0]]), [[1, 'lead-off'], [2.2, 'marker'], [2, 'lead-on']]);
  assert.is(b.counters.talsDropped, 1, 'an annotation with no record left to hold it is counted');
});

test('annotations that do not fit in one record are carried to the next', () => {
  const out: EncodedRecord[] = [];
  const b = builder();
  for (let i = 0; i < 12; i++) b.annotate(1000 + i, `m${i}`);
  b.push(block(1000, 40), out);
  b.finish(out);
  const texts = file(out).annotations.map((a) => a.texts[0]);
  assert.equal(texts, Array.from({ length: 12 }, (_, i) => `m${i}`));
  assert.is(b.counters.talsDropped, 0);
});

test.run();
