// The quality judge of the fleet watch (src/fleet/watch.ts, QualityJudge): fed injected scores, it
// gives a verdict when the mean of the candidate's last `minSamples` scores is below the standby's
// baseline mean by more than `maxDrop`, never before `minSamples` scores, never on a thin baseline,
// and not on noise within the margin. Then through the real updater (tests/fleet/_watch-rig.ts: real
// slot, LiteRT and signed bundles): an R-peak candidate that outputs 0.5 everywhere (built with our
// .tflite writer, goldens made from its own outputs, so it passes load) is rolled back for quality
// long before its 1 h watch ends; the bundled model delivered again commits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeQualityDrop, QualityJudge } from '../../src/fleet/watch.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { constantOutput, ownGoldens } from '../fault/_bad-models.js';
import { watchRig } from './_watch-rig.js';

const rule = { maxDrop: 0.3, minSamples: 20 };
/** A good model's scores: 1 but for one implausible window in 16 (a pause, an artefact); mean of any 20 >= 0.9. */
const good = (i: number): number => (i % 16 === 5 ? 0 : 1);
const baseline = Array.from({ length: 64 }, (_v, i) => good(i));

function firstVerdict(judge: QualityJudge, samples: number[]): number | undefined {
  for (let i = 0; i < samples.length; i++) if (judge.observe(samples[i])) return i + 1;
  return undefined;
}

test('a collapsed candidate (all scores 0) is judged at its minSamples-th score, with the measured numbers', () => {
  const judge = new QualityJudge(baseline, rule);
  assert.ok(judge.active);
  assert.is(judge.baselineMean, 0.95); // the baseline's last 20: one 0
  for (let i = 1; i < rule.minSamples; i++) assert.is(judge.observe(0), undefined, `no verdict at score ${i}`);
  const v = judge.observe(0);
  assert.equal(v, { candidateMean: 0, baselineMean: 0.95, drop: 0.95, candidateRuns: 20, windowRuns: 20, baselineRuns: 20, maxDrop: 0.3 });
  assert.match(describeQualityDrop(v!, 2500), /^quality drop during the watch: mean quality 0\.000 over the last 20 runs is 0\.950 below the previous model's 0\.950 \(its last 20 runs\), over the 0\.3 limit; judged after 20 runs, 2\.5 s into the watch$/);
});

test('noise within the margin does not fire; just over it does', () => {
  // The good model itself, and a noisier one (a quarter of its windows implausible: drop 0.2 at most).
  assert.is(firstVerdict(new QualityJudge(baseline, rule), Array.from({ length: 500 }, (_v, i) => good(i))), undefined);
  assert.is(firstVerdict(new QualityJudge(baseline, rule), Array.from({ length: 500 }, (_v, i) => (i % 4 === 0 ? 0 : 1))), undefined);
  // A drop of exactly maxDrop is not over it (0.95 -> 0.65: 7 zeros in 20) ...
  const exact = Array.from({ length: 200 }, (_v, i) => (i % 20 < 7 ? 0 : 1));
  assert.is(firstVerdict(new QualityJudge(baseline, rule), exact), undefined);
  // ... 8 zeros in 20 (0.60, drop 0.35) is.
  const over = Array.from({ length: 200 }, (_v, i) => (i % 20 < 8 ? 0 : 1));
  assert.is(firstVerdict(new QualityJudge(baseline, rule), over), 20);
});

test('the window rolls: a model that degrades later is judged once its last 20 scores dropped too far', () => {
  const samples = [...Array(100).fill(1), ...Array(100).fill(0)];
  // last 20 at score 100 + k hold 20 - k ones; the mean < 0.65 once 20 - k < 13, at k = 8.
  assert.is(firstVerdict(new QualityJudge(baseline, rule), samples), 100 + 8);
});

test('inactive without a baseline: a standby with fewer than minSamples scores, or none', () => {
  const thin = new QualityJudge(baseline.slice(0, 19), rule);
  assert.not.ok(thin.active);
  assert.is(firstVerdict(thin, Array(500).fill(0)), undefined);
  assert.not.ok(new QualityJudge([], rule).active);
  assert.ok(new QualityJudge(baseline.slice(0, 20), rule).active);
});

test('the rule is checked; config defaults and bounds', () => {
  assert.throws(() => new QualityJudge(baseline, { maxDrop: 1.5, minSamples: 20 }), /maxDrop in \[0, 1\]/);
  assert.throws(() => new QualityJudge(baseline, { maxDrop: -0.1, minSamples: 20 }), /maxDrop in \[0, 1\]/);
  assert.throws(() => new QualityJudge(baseline, { maxDrop: 0.3, minSamples: 0 }), /minSamples >= 1/);
  const config = (fleet: Record<string, unknown>) => validateConfig({ version: 1, gatewayId: 'gw', fleet });
  assert.is(config({}).fleet.maxQualityDrop, 0.3);
  assert.is(config({}).fleet.qualityMinSamples, 20);
  assert.is(config({ maxQualityDrop: 0, qualityMinSamples: 64 }).fleet.qualityMinSamples, 64);
  for (const bad of [-0.01, 1.01, 'half']) assert.throws(() => config({ maxQualityDrop: bad }), /fleet\.maxQualityDrop/, String(bad));
  for (const bad of [4, 65, 12.5]) assert.throws(() => config({ qualityMinSamples: bad }), /fleet\.qualityMinSamples: Expected integer/, String(bad));
});

/** The constant-0.5 R-peak model, and golden outputs of validation windows 0 and 1 taken from its own run. */
async function constantModel(): Promise<{ tflite: Uint8Array; goldenWindows: number[]; goldenOutputs: Float32Array[] }> {
  const tflite = constantOutput(0.5);
  const goldenWindows = [0, 1];
  const goldenOutputs = await ownGoldens(tflite, goldenWindows);
  assert.ok(goldenOutputs.every((o) => o.every((p) => p === 0.5)), 'the model outputs 0.5 everywhere');
  return { tflite, goldenWindows, goldenOutputs };
}

test('updater: an R-peak candidate stuck at 0.5 passes load and goldens, then is rolled back for quality after 20 runs', async () => {
  const candidate = await constantModel();
  const rig = await watchRig({ latencyMs: [1], watchMs: 3_600_000, maxSlowdown: 5 });
  try {
    await rig.infer(30);
    const bundled = rig.slot.stage.info.version;
    assert.equal(rig.slot.stage.recentQuality(), Array(30).fill(1), 'the bundled model scores 1 on the rig window');
    await rig.deliver('0.2.0', candidate);
    const versions = await rig.infer(40);
    assert.equal(versions.slice(0, 20), Array(20).fill('0.2.0'), 'the candidate answered its 20 runs (valid probabilities, no failover)');
    assert.equal(versions.slice(20), Array(20).fill(bundled), 'then the standby, with the watch (1 h) far from over');
    const entry = rig.stateOf('0.2.0')!;
    assert.is(entry.state, 'rolled_back');
    assert.is(entry.activeVersion, bundled);
    assert.match(String(entry.error), /^quality drop during the watch: mean quality 0\.000 over the last 20 runs is 1\.000 below the previous model's 1\.000 \(its last 20 runs\), over the 0\.3 limit; judged after 20 runs/);
    assert.equal(entry.quality, { candidateMean: 0, baselineMean: 1, drop: 1, candidateRuns: 20, windowRuns: 20, baselineRuns: 20, maxDrop: 0.3 });
    assert.is(entry.latency, undefined);
  } finally {
    await rig.close();
  }
});

test('updater: with too thin a baseline the stuck candidate is not judged for quality (logged)', async () => {
  const candidate = await constantModel();
  const rig = await watchRig({ latencyMs: [1], watchMs: 3_600_000, maxSlowdown: 5 });
  try {
    await rig.infer(5);
    await rig.deliver('0.2.0', candidate);
    assert.equal(new Set(await rig.infer(60)), new Set(['0.2.0']));
    assert.ok(rig.logLines.some((l) => /the previous model has 5 quality score\(s\), under the 20 the watch needs; quality is not judged/.test(l)), rig.logLines.join('\n'));
  } finally {
    await rig.close();
  }
});

test('updater: a good candidate (the bundled model again) is judged for quality and commits at the end of the watch', async () => {
  const rig = await watchRig({ latencyMs: [1], watchMs: 300, maxSlowdown: 5, qualityMinSamples: 10 });
  try {
    await rig.infer(30);
    await rig.deliver('0.2.0');
    assert.not.ok(rig.logLines.some((l) => /quality is not judged/.test(l)), 'the judge is active');
    assert.equal(new Set(await rig.infer(60)), new Set(['0.2.0']));
    await rig.stateWhere('0.2.0 committed', () => rig.logLines.some((l) => /0\.2\.0 committed after 60 inference/.test(l)));
    assert.is(rig.stateOf('0.2.0')!.state, 'active');
    assert.is(rig.stateOf('0.2.0')!.quality, undefined);
  } finally {
    await rig.close();
  }
});

test.run();
