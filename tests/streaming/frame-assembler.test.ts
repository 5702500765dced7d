import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { CounterUnwrapper } from '../../src/streaming/unwrap.js';
import { FrameAssembler, type RawFrameInput } from '../../src/streaming/frame-assembler.js';

const rateHz = 250;
const perFrame = 25;
function frame(seqUnwrapped: number, startUs = 0): RawFrameInput {
  const tUs = startUs + (seqUnwrapped * perFrame * 1e6) / rateHz;
  return {
    seq: seqUnwrapped % 65536,
    tDeviceUs: Math.round(tUs) % 2 ** 32,
    sampleRateHz: rateHz,
    channels: ['ECG'],
    values: [new Float32Array(perFrame).fill(seqUnwrapped)],
  };
}

test('unwrapper follows u16 wrap-around forwards and tolerates a late packet', () => {
  const u = new CounterUnwrapper(16);
  assert.is(u.unwrap(65534), 65534);
  assert.is(u.unwrap(65535), 65535);
  assert.is(u.unwrap(0), 65536);
  assert.is(u.unwrap(65535), 65535); // late packet maps backwards, not a period ahead
  assert.is(u.unwrap(1), 65537);
});

test('unwrapper is monotonic over long random-step runs', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 30000 }), { minLength: 1, maxLength: 200 }), (steps) => {
      const u = new CounterUnwrapper(16);
      let truth = 12345;
      u.unwrap(truth % 65536);
      for (const step of steps) {
        truth += step;
        if (u.unwrap(truth % 65536) !== truth) return false;
      }
      return true;
    }),
  );
});

test('contiguous frames give contiguous sample indices across the seq and clock wrap', () => {
  const a = new FrameAssembler({ deviceId: 'd', stream: 'ecg', seqBits: 16, clockBits: 32 });
  let expected = 0;
  // Start near the u32 µs wrap (71.6 min) and the u16 seq wrap.
  const startSeq = 65530;
  for (let s = startSeq; s < startSeq + 20; s++) {
    const block = a.push(frame(s, 2 ** 32 - 300_000 - (startSeq * perFrame * 1e6) / rateHz))!;
    assert.is(block.firstSampleIndex, expected);
    expected += perFrame;
  }
  assert.equal(a.stats, { framesOk: 20, framesLost: 0, samplesLost: 0, duplicates: 0, restarts: 0 });
});

test('a gap is counted in frames and samples, duplicates are dropped', () => {
  const a = new FrameAssembler({ deviceId: 'd', stream: 'ecg', seqBits: 16, clockBits: 32 });
  a.push(frame(0));
  a.push(frame(1));
  const after = a.push(frame(5))!;
  assert.is(after.firstSampleIndex, 5 * perFrame);
  assert.is(a.stats.framesLost, 3);
  assert.is(a.stats.samplesLost, 3 * perFrame);
  assert.is(a.push(frame(5)), undefined);
  assert.is(a.push(frame(2)), undefined);
  assert.is(a.stats.duplicates, 2);
  assert.is(a.push(frame(6))!.firstSampleIndex, 6 * perFrame);
});

test('after a device restart, indices continue and never go backwards', () => {
  const a = new FrameAssembler({ deviceId: 'd', stream: 'ecg', seqBits: 16, clockBits: 32 });
  a.push(frame(100));
  a.push(frame(101));
  a.reset();
  const b = a.push(frame(0))!;
  assert.is(b.firstSampleIndex, 2 * perFrame);
  assert.is(a.push(frame(1))!.firstSampleIndex, 3 * perFrame);
});

test('a change of sample rate restarts the stream and is counted', () => {
  const a = new FrameAssembler({ deviceId: 'd', stream: 'ecg', seqBits: 16, clockBits: 32 });
  a.push(frame(0));
  const other = { ...frame(1), sampleRateHz: 500 };
  const b = a.push(other)!;
  assert.is(a.stats.restarts, 1);
  assert.is(b.sampleRateHz, 500);
  assert.ok(b.firstSampleIndex >= perFrame);
});

test.run();
