// The slowdown judge of the fleet watch (src/fleet/watch.ts): fed injected run times, it gives a
// verdict as soon as the (low) median of the candidate's last `minSamples` runs is over `maxSlowdown`
// times the baseline's, never before `minSamples` runs, never on a thin baseline, and outliers in
// up to half the window (slow) or under half of it (fast) do not move it. Then the same through the real updater
// (tests/fleet/_watch-rig.ts: real slot, LiteRT and signed bundle, a fake clock timing the runs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeSlowdown, lowMedian, SlowdownJudge } from '../../src/fleet/watch.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { watchRig } from './_watch-rig.js';

const baseline = Array.from({ length: 64 }, (_v, i) => 1000 + (i % 7) * 10); // median 1030 µs
const rule = { maxSlowdown: 5, minSamples: 20 };

/** The index (1-based) of the first sample that gives a verdict, or undefined. */
function firstVerdict(judge: SlowdownJudge, samples: number[]): number | undefined {
  for (let i = 0; i < samples.length; i++) if (judge.observe(samples[i])) return i + 1;
  return undefined;
}

test('lowMedian: the ceil(n/2)-th smallest, order-free', () => {
  assert.is(lowMedian([3, 1, 2]), 2);
  assert.is(lowMedian([4, 1, 3, 2]), 2);
  assert.is(lowMedian([1030]), 1030);
});

test('a 50x slower candidate is judged at its minSamples-th run, with the measured numbers', () => {
  const judge = new SlowdownJudge(baseline, rule);
  assert.ok(judge.active);
  assert.is(judge.baselineMedianUs, 1030);
  for (let i = 1; i < rule.minSamples; i++) assert.is(judge.observe(51_500), undefined, `no verdict at run ${i}`);
  const v = judge.observe(51_500);
  assert.ok(v, 'verdict at run 20');
  assert.equal(v, { candidateMedianUs: 51_500, baselineMedianUs: 1030, ratio: 50, candidateRuns: 20, windowRuns: 20, baselineRuns: 64, maxSlowdown: 5 });
  assert.match(describeSlowdown(v, 3200), /median inference 51500 µs over the last 20 runs is 50\.0x the previous model's median 1030 µs \(64 runs\), over the 5x limit; judged after 20 runs, 3\.2 s into the watch/);
});

test('the ratio limit: at 5x no verdict, just over it a verdict', () => {
  assert.is(firstVerdict(new SlowdownJudge(baseline, rule), Array(200).fill(5 * 1030)), undefined);
  assert.is(firstVerdict(new SlowdownJudge(baseline, rule), Array(200).fill(5 * 1030 + 1)), 20);
});

test('outliers in up to half the window (slow) or under half (fast) do not move the verdict', () => {
  // A good model (1.1x) with half its runs stretched 100x (GC, a starved tick): never judged slow.
  const spiky = Array.from({ length: 400 }, (_v, i) => (i % 20 < 10 ? 103_000 : 1133));
  assert.is(firstVerdict(new SlowdownJudge(baseline, rule), spiky), undefined);
  // A 50x model with 9 of every 20 runs fast (cached, tiny input): judged as soon as 20 runs are in.
  const masked = Array.from({ length: 400 }, (_v, i) => (i % 20 < 9 ? 900 : 51_500));
  assert.is(firstVerdict(new SlowdownJudge(baseline, rule), masked), 20);
  // A slow start (warm-up) that ends: the first runs alone do not roll a good model back.
  const warmup = Array.from({ length: 400 }, (_v, i) => (i < 8 ? 80_000 : 1100));
  assert.is(firstVerdict(new SlowdownJudge(baseline, rule), warmup), undefined);
});

test('the window rolls: a model that becomes slow later is judged once 11 of the last 20 runs are slow', () => {
  const samples = [...Array(100).fill(1100), ...Array(100).fill(51_500)];
  assert.is(firstVerdict(new SlowdownJudge(baseline, rule), samples), 100 + 11);
});

test('a baseline thinner than minSamples: no verdict during the watch', () => {
  const judge = new SlowdownJudge(baseline.slice(0, 19), rule);
  assert.not.ok(judge.active);
  assert.is(firstVerdict(judge, Array(500).fill(1e6)), undefined);
  assert.ok(new SlowdownJudge(baseline.slice(0, 20), rule).active);
});

test('the rule is checked', () => {
  assert.throws(() => new SlowdownJudge(baseline, { maxSlowdown: 1, minSamples: 20 }), /maxSlowdown > 1/);
  assert.throws(() => new SlowdownJudge(baseline, { maxSlowdown: 5, minSamples: 0 }), /minSamples >= 1/);
  assert.throws(() => new SlowdownJudge(baseline, { maxSlowdown: 5, minSamples: 2.5 }), /integer minSamples/);
});

test('config: fleet.slowdownMinSamples defaults to 20, must be an integer in 5..64', () => {
  const config = (fleet: Record<string, unknown>) => validateConfig({ version: 1, gatewayId: 'gw', fleet });
  assert.is(config({}).fleet.slowdownMinSamples, 20);
  assert.is(config({}).fleet.maxSlowdown, 5);
  assert.is(config({ slowdownMinSamples: 64 }).fleet.slowdownMinSamples, 64);
  for (const bad of [4, 65, 12.5, 'many']) assert.throws(() => config({ slowdownMinSamples: bad }), /fleet\.slowdownMinSamples: Expected integer/, String(bad));
});

test('updater: a 50x slower candidate is rolled back during the watch after 20 runs; the standby answers the next', async () => {
  // The bundled model: 70 slow runs (100 ms; a few are its golden checks at load) then 64 of 1 ms;
  // the baseline is its last 64, all 1 ms.
  const rig = await watchRig({ latencyMs: [(run) => (run < 70 ? 100 : 1), 50], watchMs: 3_600_000, maxSlowdown: 5 });
  try {
    await rig.infer(134);
    const bundled = rig.slot.stage.info.version;
    await rig.deliver('0.2.0');
    const versions = await rig.infer(40);
    assert.equal(versions.slice(0, 20), Array(20).fill('0.2.0'), 'the candidate answered its 20 runs');
    assert.equal(versions.slice(20), Array(20).fill(bundled), 'then the standby, with the watch (1 h) far from over');
    const entry = rig.stateOf('0.2.0')!;
    assert.is(entry.state, 'rolled_back');
    assert.is(entry.activeVersion, bundled);
    assert.match(String(entry.error), /^slowdown during the watch: median inference 50000 µs over the last 20 runs is 50\.0x the previous model's median 1000 µs \(64 runs\), over the 5x limit; judged after 20 runs/);
    assert.equal(entry.latency, { candidateMedianUs: 50_000, baselineMedianUs: 1000, ratio: 50, candidateRuns: 20, windowRuns: 20, baselineRuns: 64, maxSlowdown: 5 });
  } finally {
    await rig.close();
  }
});

test('updater: a candidate within the limit (with outliers) keeps running; minSamples from the options', async () => {
  const rig = await watchRig({ latencyMs: [1, (run) => (run % 10 < 4 ? 200 : 3)], watchMs: 3_600_000, maxSlowdown: 5, slowdownMinSamples: 10 });
  try {
    await rig.infer(30);
    await rig.deliver('0.2.0');
    const versions = await rig.infer(200);
    assert.equal(new Set(versions), new Set(['0.2.0']), 'no rollback: 4 of 10 runs at 200x do not move the median');
    assert.is(rig.stateOf('0.2.0')!.state, 'active');
  } finally {
    await rig.close();
  }
});

test('updater: with too thin a baseline the end-of-watch decision still rolls a slow candidate back', async () => {
  const rig = await watchRig({ latencyMs: [1, 50], watchMs: 300, maxSlowdown: 5 });
  try {
    await rig.infer(5); // under the 20 runs a per-run judgement needs
    await rig.deliver('0.2.0');
    assert.equal(new Set(await rig.infer(100)), new Set(['0.2.0']), 'not judged during the watch');
    assert.ok(rig.logLines.some((l) => /under the 20 the watch needs to judge speed per run/.test(l)), rig.logLines.join('\n'));
    await rig.stateWhere('0.2.0 rolled back at the end of the watch', () => rig.stateOf('0.2.0')?.state === 'rolled_back');
    assert.match(String(rig.stateOf('0.2.0')!.error), /^inference takes 50000 µs, over 5x the previous 1000 µs$/);
  } finally {
    await rig.close();
  }
});

test.run();
