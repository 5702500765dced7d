// SimilarityStream over synthetic ECG with a stand-in embedder (the model-backed path is in
// golden.test.ts): windows, quality gating, chunking independence, gaps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { McSharryEcg } from '../../../hardware/signals/mcsharry.js';
import { SimilarityStream, type Embedder } from '../../../src/models/similarity/stream.js';
import { l2Normalize } from '../../../src/models/similarity/metrics.js';

const rateHz = 250;
// Embeds a segment as its first 8 samples after the R peak, normalised: same beats, same vector.
const embedder: Embedder & { calls: number } = {
  calls: 0,
  embed(segments) {
    this.calls += segments.length;
    return segments.map((s) => l2Normalize(s.subarray(63, 71)));
  },
};

function run(stream: SimilarityStream, x: Float32Array, chunk: number) {
  const reports = [];
  for (let i = 0; i < x.length; i += chunk) reports.push(...stream.push(x.subarray(i, i + chunk), i / rateHz));
  return reports;
}

test('one report per 10-s window; scores every N beats; identical whatever the chunking', () => {
  const x = new McSharryEcg({ sampleRateHz: rateHz, heartRateBpm: 72, noiseMicrovolts: 10, seed: 5 }).next(40 * rateHz);
  const template = l2Normalize(new McSharryEcg({ sampleRateHz: rateHz, heartRateBpm: 72, seed: 5 }).next(300).subarray(0, 8));
  const make = () => new SimilarityStream(rateHz, embedder, template, { threshold: -1, beatsPerScore: 4 });
  const a = run(make(), x, 250);
  const b = run(make(), x, 977);
  assert.is(a.length, 4);
  assert.equal(a.map((r) => r.startS), [0, 10, 20, 30]);
  assert.ok(a.every((r) => r.quality === 'good' && r.beats >= 8));
  const scores = a.flatMap((r) => r.scores);
  assert.is(scores.length, Math.floor(a.reduce((n, r) => n + r.beats, 0) / 4));
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  for (let i = 1; i < scores.length; i++) assert.ok(scores[i].t > scores[i - 1].t);
});

test('noisy windows are reported, not scored; a time gap restarts the window', () => {
  const noisy = new McSharryEcg({ sampleRateHz: rateHz, noiseMicrovolts: 3000, seed: 2 }).next(10 * rateHz);
  const stream = new SimilarityStream(rateHz, embedder, l2Normalize([1, 0, 0, 0, 0, 0, 0, 0]), { threshold: 0.5 });
  const before = embedder.calls;
  const [r] = stream.push(noisy, 0);
  assert.ok(r.quality !== 'good');
  assert.ok(r.reasons.length > 0);
  assert.equal(r.scores, []);
  assert.is(embedder.calls, before);
  assert.equal(stream.push(noisy.subarray(0, 1000), 100), []);
  // the gap at 100 s dropped the earlier partial window: this one starts at 100 s
  const [w] = stream.push(noisy.subarray(0, 1500), 104);
  assert.is(w.startS, 100);
});

test.run();
