// The R-peak CNN's search-back (Pan-Tompkins): a gap longer than 1.66 x the mean RR is searched
// again at a lower probability; only local maxima at least R from both neighbours qualify, the
// T-wave rule still applies, gaps beyond the bound are left alone, chunking does not matter, the
// declared latency covers the late decision, and the manifest's params parse strictly. The same
// rule in Python (training/rpeak_cnn_score.py) made tests/fixtures/rpeak-cnn/searchback-203.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseManifest } from '../../src/models/manifest.js';
import { RPEAK_CNN_DIR, type RPeakCnnConfig, rpeakCnnConfig } from '../../src/models/rpeak/cnn-config.js';
import { createCnnDetector, modelLatencySamples, type RPeakWindowModel } from '../../src/models/rpeak/cnn-detector.js';
import { type SearchBackRule, StreamingPeakPicker, searchBackMaxGapSamples, steepestSlope, type TWaveRule } from '../../src/models/rpeak/cnn-stream.js';
import { runDetector } from '../../src/streaming/ecg/ec57-evaluate.js';

const rule: SearchBackRule = { factor: 1.66, threshold: 0.25, rrMinSamples: 75, rrMaxSamples: 375, rrHistory: 8, initialRrSamples: 200 };

function bumps(length: number, at: [number, number][]): Float32Array {
  const p = new Float32Array(length);
  for (const [t, h] of at) for (let s = Math.max(0, t - 12); s < Math.min(length, t + 13); s++) p[s] = Math.max(p[s]!, h * Math.exp(-((s - t) ** 2) / 32));
  return p;
}

function pick(p: Float32Array, sb: SearchBackRule | undefined, chunk = p.length, tWave?: TWaveRule, ecgMv?: Float32Array): number[] {
  const slopeAt = ecgMv ? (t: number) => steepestSlope((k) => ecgMv[k] ?? Number.NaN, t) : undefined;
  const picker = new StreamingPeakPicker(0.5, 50, tWave, sb, slopeAt);
  const out: number[] = [];
  for (let i = 0; i < p.length; i += chunk) picker.push(p.subarray(i, i + chunk), out);
  picker.flush(out);
  return out;
}

/** Strong beats every 200 samples from 100, with extra bumps. */
function train(length: number, extra: [number, number][], skip: number[] = []): Float32Array {
  const beats: [number, number][] = [];
  for (let t = 100; t < length - 50; t += 200) if (!skip.includes(t)) beats.push([t, 0.95]);
  return bumps(length, [...beats, ...extra]);
}

test('a weak beat in a long gap is found with search-back and not without', () => {
  const p = train(2000, [[900, 0.35]], [900]); // the beat at 900 has probability 0.35 only
  assert.equal(pick(p, undefined), [100, 300, 500, 700, 1100, 1300, 1500, 1700, 1900]);
  assert.equal(pick(p, rule), [100, 300, 500, 700, 900, 1100, 1300, 1500, 1700, 1900]);
});

test('below the search-back threshold, in a short gap, or closer than R to a neighbour: nothing is added', () => {
  assert.equal(pick(train(2000, [[900, 0.2]], [900]), rule), [100, 300, 500, 700, 1100, 1300, 1500, 1700, 1900], 'below 0.25');
  // a weak bump between two beats 200 apart: the gap is not long (1.66 x 200 = 332)
  assert.equal(pick(train(1200, [[400, 0.4]]), rule), [100, 300, 500, 700, 900, 1100], 'short gap');
  // the only candidate in a long gap lies 30 samples before the next beat (a P wave)
  assert.equal(pick(train(2000, [[1070, 0.4]], [900]), rule), [100, 300, 500, 700, 1100, 1300, 1500, 1700, 1900], 'within R');
});

test('the strongest candidate of the gap wins; the T-wave rule applies to it', () => {
  const p = train(2000, [[780, 0.3], [900, 0.45]], [900]);
  assert.equal(pick(p, rule), [100, 300, 500, 700, 900, 1100, 1300, 1500, 1700, 1900]);
  const tw: TWaveRule = { windowSamples: 90, threshold: 0.8 };
  // 760 is a T wave of 700 (60 samples): rejected by the rule, so 900 is taken although weaker
  const q = train(2000, [[760, 0.45], [900, 0.3]], [900]);
  assert.equal(pick(q, rule, q.length, tw), [100, 300, 500, 700, 900, 1100, 1300, 1500, 1700, 1900]);
  assert.equal(pick(q, rule), [100, 300, 500, 700, 760, 1100, 1300, 1500, 1700, 1900], 'without the T-wave rule the stronger one');
});

test('a gap longer than ceil(1.66 x rrMax) is not searched (signal loss, not a missed beat)', () => {
  assert.is(searchBackMaxGapSamples(rule), 623);
  const gap = (next: number) => bumps(next + 300, [[100, 0.95], [300, 0.95], [500, 0.95], [800, 0.35], [next, 0.95], [next + 200, 0.95]]);
  assert.equal(pick(gap(1123), rule), [100, 300, 500, 800, 1123, 1323], 'gap 623: searched');
  assert.equal(pick(gap(1124), rule), [100, 300, 500, 1124, 1324], 'gap 624: not searched');
});

test('the same peaks for any chunking, and reset() starts over', () => {
  const p = train(6000, [[900, 0.35], [2500, 0.3], [4100, 0.4]], [900, 2500, 4100]);
  const whole = pick(p, rule);
  assert.ok(whole.includes(900) && whole.includes(2500) && whole.includes(4100));
  for (const chunk of [1, 7, 50, 256, 999]) assert.equal(pick(p, rule, chunk), whole, `chunk ${chunk}`);
  const picker = new StreamingPeakPicker(0.5, 50, undefined, rule);
  const first: number[] = [];
  picker.push(p, first);
  picker.reset();
  const again: number[] = [];
  picker.push(p, again);
  assert.equal(again, first);
});

test('the same peaks as the Python rule (search-back, T-wave slope test) on the int8 fold model probabilities of MIT-BIH 203', () => {
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/rpeak-cnn/searchback-203.json', import.meta.url), 'utf8')) as {
    probabilities: number[]; ecgMv: number[]; searchBack: SearchBackRule; tWave: TWaveRule | null; peaksWithout: number[]; peaksWith: number[]; peaksWithProbabilityOnlyTWave: number[];
  };
  const p = Float32Array.from(fixture.probabilities);
  const x = Float32Array.from(fixture.ecgMv);
  const tw = fixture.tWave ?? undefined;
  assert.ok(fixture.peaksWith.length > fixture.peaksWithout.length, 'the excerpt exercises search-back');
  assert.equal(pick(p, undefined, 256, tw, x), fixture.peaksWithout);
  assert.equal(pick(p, fixture.searchBack, 256, tw, x), fixture.peaksWith);
  if (!tw) throw new Error('the fixture needs a T-wave rule');
  const { slopeFraction: _f, ...probabilityOnly } = tw;
  assert.ok(fixture.peaksWithProbabilityOnlyTWave.length < fixture.peaksWith.length, 'the excerpt exercises the slope test');
  assert.equal(pick(p, fixture.searchBack, 256, probabilityOnly, x), fixture.peaksWithProbabilityOnlyTWave);
});

/** Plays a probability stream through the detector: window k returns P over its samples [kH - C, kH - C + W). */
class ScriptedModel implements RPeakWindowModel {
  private k = 0;
  constructor(
    readonly config: RPeakCnnConfig,
    private readonly stream: Float32Array,
  ) {}
  probabilities(): Float32Array {
    const { windowSamples: w, hopSamples: h, trustedStartSamples: c } = this.config;
    const start = this.k++ * h - c;
    return Float32Array.from({ length: w }, (_, i) => this.stream[start + i] ?? 0);
  }
}

test('latency: a search-back peak at the far end of the bound is still reported within latencySamples', () => {
  const config: RPeakCnnConfig = {
    name: 'scripted', version: '0', sampleRateHz: 250, windowSamples: 768, hopSamples: 256, trustedStartSamples: 256,
    normFloorMv: 0.01, normClip: 8, threshold: 0.5, refractorySamples: 50, searchBack: rule,
  };
  assert.is(modelLatencySamples(config), 768 - 256 + 50 - 2 + 623 - 50);
  // one-sample spikes: beats every 300 samples, then a weak one just R after the last and the next
  // one 623 samples (the longest gap searched) after the last, placed so that its decision sample
  // (t + R - 1 = 1792) opens a window's trusted centre: the latest a search-back peak can be decided
  const stream = new Float32Array(3000);
  for (const [t, v] of [[220, 0.95], [520, 0.95], [820, 0.95], [1120, 0.95], [1170, 0.4], [1743, 0.95], [2043, 0.95]] as const) stream[t] = v;
  const det = createCnnDetector(250, new ScriptedModel(config, stream));
  const r = runDetector(det, new Float32Array(3000), 1);
  assert.equal(r.peaks, [220, 520, 820, 1120, 1170, 1743, 2043]);
  assert.is(r.lateReports, 0);
  assert.ok(r.maxReportDelaySamples <= det.latencySamples, `${r.maxReportDelaySamples} <= ${det.latencySamples}`);
  assert.ok(r.maxReportDelaySamples > det.latencySamples - 10, `the bound is tight: ${r.maxReportDelaySamples} vs ${det.latencySamples}`);
});

test('manifest: params.searchBack is off when absent or false, complete and consistent when given', () => {
  const path = join(RPEAK_CNN_DIR, 'manifest.json');
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { params: Record<string, unknown> };
  const parse = () => rpeakCnnConfig(parseManifest(JSON.stringify(doc), path).manifest);
  delete doc.params.searchBack;
  assert.is(parse().searchBack, undefined);
  doc.params.searchBack = false;
  assert.is(parse().searchBack, undefined);
  doc.params.searchBack = { ...rule };
  assert.equal(parse().searchBack, rule);
  doc.params.searchBack = { ...rule, rrHistory: undefined };
  assert.throws(parse, /params\.searchBack\.rrHistory must be a positive integer/);
  doc.params.searchBack = { ...rule, threshold: 0.6 };
  assert.throws(parse, /must not exceed params\.threshold/);
  doc.params.searchBack = { ...rule, factor: 1 };
  assert.throws(parse, /factor must be above 1/);
  doc.params.searchBack = { ...rule, rrMinSamples: 400 };
  assert.throws(parse, /rrMinSamples must not exceed/);
  doc.params.searchBack = 1;
  assert.throws(parse, /must be an object or false/);
});

test.run();
