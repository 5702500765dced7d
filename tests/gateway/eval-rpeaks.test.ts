import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DetectorName, RPeakDetector } from '../../src/streaming/ecg/detector.js';
import { evaluateRpeaks, runDetector, type EvalRecord } from '../../src/streaming/ecg/ec57-evaluate.js';
import { detectorFactories } from '../../src/streaming/ecg/registry.js';
import { formatDetectorTable, formatF1Matrix, formatSummaryTable } from '../../src/streaming/ecg/ec57-report.js';

/** Test-only detector: reports local maxima above a threshold, `delay` samples after the peak. */
class ThresholdDetector implements RPeakDetector {
  readonly name: DetectorName = 'two-average';
  readonly latencySamples: number;
  private index = 0;
  private pending: number[] = [];
  private previous = 0;
  private beforePrevious = 0;

  constructor(readonly sampleRateHz: number, private readonly thresholdUv = 500, private readonly delay = 2) {
    this.latencySamples = delay;
  }

  push(samples: Float32Array): number[] {
    const out: number[] = [];
    for (const x of samples) {
      // previous sample is a peak if it beats both neighbours and the threshold
      if (this.previous > this.thresholdUv && this.previous >= this.beforePrevious && this.previous > x) this.pending.push(this.index - 1);
      this.beforePrevious = this.previous;
      this.previous = x;
      while (this.pending.length > 0 && this.pending[0] + this.delay <= this.index) out.push(this.pending.shift() as number);
      this.index++;
    }
    return out;
  }

  flush(): number[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  reset(): void {
    this.index = 0;
    this.pending = [];
    this.previous = 0;
    this.beforePrevious = 0;
  }
}

function syntheticRecord(name: string, beats: number[], length: number, extra: number[] = []): EvalRecord {
  const microvolts = new Float32Array(length);
  for (const b of [...beats, ...extra]) {
    microvolts[b - 1] = 400;
    microvolts[b] = 1000;
    microvolts[b + 1] = 400;
  }
  return { name, sampleRateHz: 360, microvolts, annotations: beats.map((b) => ({ sampleIndex: b, symbol: 'N' })), channel: 'MLII' };
}

const beats = Array.from({ length: 40 }, (_, i) => 300 + i * 290);
const detector = { name: 'threshold', create: (fs: number) => new ThresholdDetector(fs) };

test('perfect detections score 100 %, whatever the chunk size', async () => {
  for (const chunkSeconds of [1, 0.01, 7.3]) {
    const [e] = await evaluateRpeaks({ records: [syntheticRecord('a', beats, 12_000)], detectors: [detector] }, { chunkSeconds });
    assert.is(e.gross.truePositives, 40);
    assert.is(e.gross.falsePositives, 0);
    assert.is(e.gross.f1, 1);
    assert.is(e.records[0].lateReports, 0);
  }
});

test('extra spikes are false positives; VF episodes are excluded unless asked', async () => {
  const rec = syntheticRecord('b', beats, 12_000, [5000 + 145]);
  const vf: EvalRecord = {
    ...rec,
    annotations: [...rec.annotations, { sampleIndex: 5100, symbol: '[' }, { sampleIndex: 5200, symbol: ']' }].sort((x, y) => x.sampleIndex - y.sampleIndex),
  };
  const [plain] = await evaluateRpeaks({ records: [rec], detectors: [detector] });
  assert.is(plain.gross.falsePositives, 1);
  const [excluded] = await evaluateRpeaks({ records: [vf], detectors: [detector] });
  assert.is(excluded.gross.falsePositives, 0);
  const [included] = await evaluateRpeaks({ records: [vf], detectors: [detector] }, { excludeVentricularFlutter: false });
  assert.is(included.gross.falsePositives, 1);
});

test('a throwing detector is reported per record and its beats count as missed', async () => {
  const broken = {
    name: 'broken',
    create: (): RPeakDetector => {
      throw new Error('boom');
    },
  };
  const seen: string[] = [];
  const [ok, bad] = await evaluateRpeaks(
    { records: [syntheticRecord('a', beats, 12_000), syntheticRecord('b', beats.slice(0, 10), 12_000)], detectors: [detector, broken] },
    { onResult: (r) => seen.push(`${r.record}:${r.detector}`) },
  );
  assert.equal(seen, ['a:threshold', 'a:broken', 'b:threshold', 'b:broken']);
  assert.is(ok.gross.truePositives, 50);
  assert.is(bad.records[0].error, 'boom');
  assert.is(bad.gross.falseNegatives, 50);
  assert.is(bad.gross.sensitivity, 0);
  const table = formatDetectorTable(bad);
  assert.match(table, /error: boom/);
  assert.match(table, /\| gross/);
  assert.match(formatSummaryTable([ok, bad]), /\| broken /);
  assert.match(formatF1Matrix([ok, bad]), /\| a +\| +100\.00 \| +0\.00 \|/);
});

test('runDetector counts late and invalid reports', () => {
  let calls = 0;
  const late: RPeakDetector = {
    name: 'swt',
    sampleRateHz: 360,
    latencySamples: 10,
    // Second call starts at sample 100: peak 50 is 50 samples late (> 10); 40 is out of order; 9999 is outside.
    push: () => (calls++ === 0 ? [] : [50, 40, 9999]),
    flush: () => [],
    reset: () => undefined,
  };
  const run = runDetector(late, new Float32Array(200), 100);
  assert.equal(run.peaks, [50]);
  assert.is(run.lateReports, 1);
  assert.is(run.maxReportDelaySamples, 50);
  assert.is(run.invalidDetections, 2);
});

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/gateway/cli.ts', 'eval', 'rpeaks', ...args], { encoding: 'utf8', timeout: 60_000 });
}

test('CLI: JSON for record 101 with the first registered detector, clean and with ma noise at 6 dB', () => {
  const first = Object.keys(detectorFactories)[0];
  if (first === undefined) {
    console.log('SKIP CLI scoring: no detectors registered yet');
    return;
  }
  const clean = cli('--data', '/work/shared/data/mitdb-train', '--records', '101', '--detector', first, '--json');
  assert.is(clean.status, 0, clean.stderr);
  const out = JSON.parse(clean.stdout) as { detectors: { detector: string; gross: { truePositives: number; falseNegatives: number } }[] };
  assert.equal(out.detectors.map((d) => d.detector), [first]);
  assert.is(out.detectors[0].gross.truePositives + out.detectors[0].gross.falseNegatives, 1865);
  const jsonPath = join(mkdtempSync(join(tmpdir(), 'wg-eval-')), 'out.json');
  const noisy = cli('--data', '/work/shared/data/mitdb-train', '--records', '101', '--detector', first, '--noise', 'ma', '--snr-db', '6', '--json-out', jsonPath);
  assert.is(noisy.status, 0, noisy.stderr);
  assert.match(noisy.stdout, /## gross summary/);
  assert.match(noisy.stdout, /noise ma at 6 dB/);
  const n = JSON.parse(readFileSync(jsonPath, 'utf8')) as { settings: { snrDb: number }; noise: { gain: number }[] };
  assert.is(n.settings.snrDb, 6);
  assert.ok(n.noise[0].gain > 0);
});

test('CLI: bad arguments exit 1 with a message', () => {
  const unknown = cli('--data', '/work/shared/data/mitdb-train', '--detector', 'nope');
  assert.is(unknown.status, 1);
  assert.match(unknown.stderr, /eval rpeaks: (unknown detector 'nope'|no R-peak detectors)/);
  const missing = cli('--data', '/work/shared/data/mitdb-train', '--records', '999');
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /999/);
});

test.run();
