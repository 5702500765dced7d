// Enrollment gate, pure parts: windows and refusals from synthetic ECG (McSharry model) and from
// crafted analyses; the model-backed path is in enroll-model.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { McSharryEcg } from '../../../hardware/signals/mcsharry.js';
import { analyzeEnrollment, defaultEnrollmentPolicy, enrollTemplate, type EnrollmentAnalysis } from '../../../src/models/similarity/enroll.js';
import { SEGMENT_SAMPLES } from '../../../src/models/similarity/preprocess.js';
import { l2Normalize } from '../../../src/models/similarity/metrics.js';

const rateHz = 250;
const ecg = (seconds: number, noiseMicrovolts = 10, seed = 3) =>
  new McSharryEcg({ sampleRateHz: rateHz, heartRateBpm: 70, noiseMicrovolts, seed }).next(seconds * rateHz);

test('clean synthetic ECG: every 10-s window good, one segment per beat with a whole window', () => {
  const a = analyzeEnrollment(ecg(60), rateHz);
  assert.is(a.windows.length, 6);
  assert.ok(a.windows.every((w) => w.quality === 'good'), JSON.stringify(a.windows));
  assert.ok(a.segments.length >= 6 * 8 && a.segments.length <= 6 * 12, `${a.segments.length} segments`);
  assert.ok(a.segments.every((s) => s.values.length === SEGMENT_SAMPLES));
  for (let i = 1; i < a.segments.length; i++) assert.ok(a.segments[i].rIndex > a.segments[i - 1].rIndex);
});

test('noise-only windows are not good and give no segments', () => {
  const a = analyzeEnrollment(ecg(30, 3000), rateHz);
  assert.ok(a.windows.every((w) => w.quality !== 'good'));
  assert.is(a.segments.length, 0);
});

const unit = (k: number, dim = 8) => l2Normalize(Array.from({ length: dim }, (_, i) => (i === k ? 1 : 0.05)));
function crafted(durationS: number, good: number, bad: number, segments: number): EnrollmentAnalysis {
  const windows = [
    ...Array.from({ length: good }, (_, i) => ({ startS: 10 * i, quality: 'good' as const, sqi: 0.9, reasons: [], segments: 0 })),
    ...Array.from({ length: bad }, (_, i) => ({ startS: 10 * (good + i), quality: 'poor' as const, sqi: 0.5, reasons: ['kurtosis 3.2 < 5'], segments: 0 })),
  ];
  return { durationS, windows, segments: Array.from({ length: segments }, (_, i) => ({ rIndex: i, values: new Float32Array(SEGMENT_SAMPLES) })) };
}

test('refusals name the reason: too short, poor signal, too few beats, inconsistent beats', () => {
  const p = defaultEnrollmentPolicy;
  const short = enrollTemplate(crafted(60, 6, 0, 70), Array.from({ length: 70 }, () => unit(0)), p);
  assert.is(short.ok, false);
  assert.match(short.ok ? '' : short.reason, /too little signal: 60 s/);

  const poor = enrollTemplate(crafted(180, 9, 9, 100), Array.from({ length: 100 }, () => unit(0)), p);
  assert.is(poor.ok, false);
  assert.match(poor.ok ? '' : poor.reason, /poor signal: 9 of 18 10-s windows good.*kurtosis # < # \(9 windows\)/);

  const few = enrollTemplate(crafted(180, 18, 0, 50), Array.from({ length: 50 }, () => unit(0)), p);
  assert.match(few.ok ? '' : few.reason, /too few clean beats: 50/);

  const mixed = enrollTemplate(crafted(180, 18, 0, 120), Array.from({ length: 120 }, (_, i) => unit(i % 4)), p);
  assert.is(mixed.ok, false);
  assert.match(mixed.ok ? '' : mixed.reason, /inconsistent beats/);
  assert.ok(mixed.stats.consistency !== null && mixed.stats.consistency < p.minConsistency);
});

test('a consistent enrollment gives a unit template and its stats', () => {
  const embeddings = Array.from({ length: 120 }, (_, i) => l2Normalize(Array.from({ length: 8 }, (_, k) => (k === 0 ? 1 : 0.02 * Math.sin(i + k)))));
  const r = enrollTemplate(crafted(180, 18, 0, 120), embeddings);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.ok(Math.abs(Math.hypot(...r.template) - 1) < 1e-5);
  assert.ok((r.stats.consistency ?? 0) > 0.99);
  assert.equal([r.stats.windows, r.stats.goodWindows, r.stats.segments], [18, 18, 120]);
  assert.throws(() => enrollTemplate(crafted(180, 18, 0, 120), embeddings.slice(1)));
});

test.run();
