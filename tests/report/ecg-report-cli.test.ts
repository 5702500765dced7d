// End to end: the CLI writes a self-contained report on a MIT-BIH excerpt and on an EDF file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEdf, loadWfdbRecord } from '../../src/streaming/formats/load.js';
import { BEAT_SYMBOLS } from '../../src/streaming/formats/wfdb-annotations.js';
import { toMicrovolts } from '../../src/streaming/formats/wfdb-signals.js';
import { createDetector, detectorFactories } from '../../src/streaming/ecg/registry.js';
import type { DetectorName } from '../../src/streaming/ecg/detector.js';

const MITDB_101 = '/work/shared/data/mitdb-train/101';
const EDF = '/work/shared/data/eegmat-train/Subject00_1.edf';
const dir = mkdtempSync(join(tmpdir(), 'wg-ecg-report-'));
const defaultDetector = ('pan-tompkins' in detectorFactories ? 'pan-tompkins' : Object.keys(detectorFactories)[0]) as DetectorName;

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/gateway/cli.ts', 'ecg', 'report', ...args], { encoding: 'utf8', timeout: 120_000 });
}

/** Independent count: the registry's detector on the same excerpt, 1 s chunks, then flush. */
function countBeats(microvolts: Float32Array, sampleRateHz: number, name: DetectorName): number {
  const detector = createDetector(name, sampleRateHz);
  const chunk = Math.round(sampleRateHz);
  let count = 0;
  for (let at = 0; at < microvolts.length; at += chunk) count += detector.push(microvolts.subarray(at, at + chunk)).length;
  return count + detector.flush().length;
}

function dataValue(html: string, key: string): string | undefined {
  return new RegExp(`data-key="${key}" data-value="([^"]*)"`).exec(html)?.[1];
}

function assertSelfContained(html: string) {
  assert.is((html.match(/<svg/g) ?? []).length, 7, 'seven charts');
  const urls = html.match(/https?:\/\/[^\s"'<>)]*/g) ?? [];
  const external = urls.filter((u) => u !== 'http://www.w3.org/2000/svg' && u !== 'http://www.w3.org/1999/xlink');
  assert.equal(external, [], 'no external resources');
  for (const tag of ['<script', '<link', '<img', '<iframe', '@import', 'url(']) assert.not.ok(html.includes(tag), `no ${tag}`);
}

test('MIT-BIH 101, 60 s excerpt: charts, beat count, Se/+P, attribution', () => {
  const out = join(dir, '101.html');
  const run = cli(MITDB_101, '--duration-s', '60', '--out', out);
  assert.is(run.status, 0, run.stderr);
  const html = readFileSync(out, 'utf8');
  assertSelfContained(html);
  return loadWfdbRecord(MITDB_101).then((rec) => {
    const s = rec.signals[0];
    const uv = toMicrovolts(s.physical.subarray(0, 60 * s.sampleRateHz), s.spec.units);
    const beats = countBeats(uv, s.sampleRateHz, defaultDetector);
    assert.is(dataValue(html, 'beats'), String(beats));
    assert.ok(html.includes(`<td>${defaultDetector}</td>`));
    const refs = (rec.annotations ?? []).filter((a) => BEAT_SYMBOLS.has(a.symbol) && a.sampleIndex < 60 * s.sampleRateHz).length;
    assert.is(dataValue(html, 'reference-beats'), String(refs));
    const se = Number(dataValue(html, 'se'));
    const ppv = Number(dataValue(html, 'ppv'));
    assert.ok(se > 0.9 && se <= 1 && ppv > 0.9 && ppv <= 1, `Se ${se} +P ${ppv}`);
    assert.ok(html.includes('MIT-BIH Arrhythmia Database'));
    assert.ok(run.stdout.includes(`${beats} beats`));
  });
});

test('EDF (eegmat) 60 s from 30 s: ECG channel chosen, no reference section', async () => {
  const out = join(dir, 'edf.html');
  const run = cli(EDF, '--start-s', '30', '--duration-s', '60', '--out', out);
  assert.is(run.status, 0, run.stderr);
  const html = readFileSync(out, 'utf8');
  assertSelfContained(html);
  const edf = await loadEdf(EDF);
  const ecg = edf.signals.find((s) => s.header.label.includes('ECG'));
  assert.ok(ecg);
  const fs = ecg.sampleRateHz;
  const uv = toMicrovolts(ecg.physical.subarray(30 * fs, 90 * fs), ecg.header.physicalDimension);
  assert.is(dataValue(html, 'beats'), String(countBeats(uv, fs, defaultDetector)));
  assert.is(Number(dataValue(html, 'duration-s')), 60);
  assert.ok(html.includes(ecg.header.label));
  assert.not.ok(html.includes('data-key="se"'));
  assert.ok(html.includes('Mental Arithmetic'));
  const hr = Number(dataValue(html, 'mean-hr-bpm'));
  assert.ok(hr > 40 && hr < 140, `mean HR ${hr}`);
});

test('errors reach stderr with exit code 1 (more cases in load-input.test.ts)', () => {
  const out = join(dir, 'x.html');
  const cases: [string[], RegExp][] = [
    [['/nonexistent/rec', '--out', out], /neither a WFDB record/],
    [[MITDB_101, '--detector', 'nope', '--duration-s', '10', '--out', out], /unknown detector 'nope'/],
    [[MITDB_101, '--duration-s', 'ten', '--out', out], /not a number/],
  ];
  for (const [args, message] of cases) {
    const run = cli(...args);
    assert.is(run.status, 1, args.join(' '));
    assert.match(run.stderr, message);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
