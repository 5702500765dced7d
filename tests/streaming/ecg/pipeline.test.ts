// The live ECG pipeline as data (no broker, no timers): blocks in, events and payloads out, with
// the rules the extension used to hold — refused layouts, HR held back until the first quality
// window, commit after a message went out, silence folded into quality.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { syntheticSource } from '../../../hardware/signals/source.js';
import { EcgPipeline, type EcgEvent } from '../../../src/streaming/ecg/pipeline.js';
import type { SampleBlock } from '../../../src/streaming/types.js';

const rateHz = 250;
const options = { detector: 'pan-tompkins' as const, channel: 0, maxGapFillS: 2, hrvWindowS: 60, silenceGraceMs: 1000 };

function blocks(seconds: number, heartRateBpm = 72): { list: SampleBlock[]; truth: readonly number[] } {
  const source = syntheticSource({ sampleRateHz: rateHz, heartRateBpm, noiseMicrovolts: 10, seed: 3 });
  const list: SampleBlock[] = [];
  for (let i = 0; i < seconds * 10; i++) {
    const n = rateHz / 10;
    list.push({ deviceId: 'd', stream: 'ecg', sampleRateHz: rateHz, channels: ['ECG'], t0Us: (i * n * 1e6) / rateHz, firstSampleIndex: i * n, values: [source.next(n)], gatewayT0Ms: 1_800_000_000_000 + i * 100 });
  }
  return { list, truth: source.truthBeats ?? [] };
}

test('beats near the true R peaks, live HR, quality; HR held back until the first quality window; commit clears', () => {
  const p = new EcgPipeline(options);
  const { list, truth } = blocks(30);
  const events: EcgEvent[] = [];
  let hrBeforeQuality: unknown = 'not asked';
  list.forEach((b, i) => {
    events.push(...p.push(b, i * 100));
    if (i === 5) hrBeforeQuality = p.hr(i * 100);
  });
  assert.is(hrBeforeQuality, undefined, 'no HR before the first quality window');
  const beats = p.beats()!;
  assert.is(beats.sampleRateHz, rateHz);
  assert.is(beats.detector, 'pan-tompkins');
  const matched = beats.beats.filter((b) => truth.some((t) => Math.abs(t - b.sampleIndex) <= 0.05 * rateHz));
  assert.ok(matched.length >= beats.beats.length - 1 && beats.beats.length >= 30, `${matched.length} of ${beats.beats.length} beats match`);
  assert.ok(beats.beats.every((b) => b.t !== undefined && Math.abs(b.t - (1_800_000_000_000 + b.tUs / 1000)) <= 1), 'gateway time from the block mapping');
  const live = events.filter((e) => e.kind === 'hr-live');
  assert.ok(live.length > 10 && live.every((e) => e.kind === 'hr-live' && Math.abs(e.hrBpm - 72) < 6), 'live HR');
  assert.ok(events.some((e) => e.kind === 'signal-quality' && e.sqi > 0.5), 'quality windows');
  const hr = p.hr(3000)!;
  assert.ok(hr.payload.hrBpm !== null && Math.abs(hr.payload.hrBpm - 72) < 6, `hr ${hr.payload.hrBpm}`);
  assert.ok(hr.payload.rrMs.length > 20);
  assert.is(hr.silentNow, false);
  assert.is(hr.payload.quality.quality, 'good');
  p.commitBeats();
  p.commitHr();
  assert.is(p.beats(), undefined, 'committed beats are gone');
  assert.equal(p.hr(3000)!.payload.rrMs, [], 'committed RR are gone');
});

test('without a commit (the message could not go out) the results stay for the next try', () => {
  const p = new EcgPipeline(options);
  blocks(20).list.forEach((b, i) => p.push(b, i * 100));
  const first = p.beats()!.beats.length;
  const { list } = blocks(20);
  list.forEach((b, i) => p.push({ ...b, firstSampleIndex: b.firstSampleIndex + 5000, t0Us: b.t0Us + 20e6 }, 2000 + i * 100));
  assert.ok(p.beats()!.beats.length > first, 'beats accumulate until committed');
});

test('refused layouts: a missing channel and a rate the detector refuses, decided once per layout', () => {
  const p = new EcgPipeline({ ...options, channel: 1 });
  const b = blocks(1).list[0];
  assert.equal(p.push(b, 0).map((e) => e.kind === 'rejected' && e.code), ['ecg-channel']);
  const q = new EcgPipeline(options);
  const slow = { ...b, sampleRateHz: 10 };
  const events = q.push(slow, 0);
  assert.is(events.length, 1);
  assert.is(events[0].kind === 'rejected' && events[0].code, 'ecg-rate');
});

test('silence: no samples for longer than the grace makes quality say so, and silentNow', () => {
  const p = new EcgPipeline(options);
  blocks(20).list.forEach((b, i) => p.push(b, i * 100));
  const live = p.hr(19_950)!;
  assert.is(live.silentNow, false);
  const silent = p.hr(19_900 + 8000)!;
  assert.is(silent.silentNow, true);
  assert.ok(silent.payload.quality.sqi < live.payload.quality.sqi, `sqi ${silent.payload.quality.sqi} after 8 s of silence`);
});

test.run();
