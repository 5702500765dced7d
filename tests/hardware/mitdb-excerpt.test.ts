// The MIT-BIH 101 excerpt shipped for the demo: it loads with the project's WFDB reader, has the
// expected length and annotations, the demo config points at it, and the cutter reproduces it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cutMitAnnotations, cutRecord } from '../../hardware/cut-mitdb-excerpt.js';
import { validateSimulators } from '../../hardware/sim-config.js';
import { RecordSource } from '../../hardware/signals/source.js';
import { readConfigDocument } from '../../src/gateway/config/load.js';
import { loadWfdbRecord } from '../../src/streaming/formats/load.js';
import { isBeatAnnotation, parseWfdbAnnotations } from '../../src/streaming/formats/wfdb-annotations.js';

const excerptDir = new URL('../../hardware/data/mitdb-101-excerpt/', import.meta.url).pathname;
const excerpt = join(excerptDir, '101');
const fullRecord = new URL('../../../shared/data/mitdb-train/101', import.meta.url).pathname;
const frames = 5 * 60 * 360;

test('the excerpt loads: 2 signals (MLII, V1) x 108000 samples at 360 Hz, checksums verified', async () => {
  const rec = await loadWfdbRecord(excerpt); // verifies the header checksums against the samples
  assert.is(rec.header.sampleRateHz, 360);
  assert.is(rec.header.samplesPerSignal, frames);
  assert.equal(rec.signals.map((s) => s.spec.description), ['MLII', 'V1']);
  assert.equal(rec.signals.map((s) => s.counts.length), [frames, frames]);
  for (const s of rec.signals) assert.ok(s.physical.every((v) => Number.isFinite(v)), 'no invalid samples');
});

test('the excerpt has the 348 annotations of the first 5 minutes, 342 beats (all N)', async () => {
  const rec = await loadWfdbRecord(excerpt);
  const annotations = rec.annotations!;
  assert.is(annotations.length, 348);
  const beats = annotations.filter(isBeatAnnotation);
  assert.is(beats.length, 342);
  assert.ok(beats.every((b) => b.symbol === 'N'));
  assert.is(beats[0].sampleIndex, 83);
  assert.is(beats.at(-1)!.sampleIndex, 107918);
  assert.ok(annotations.every((a) => a.sampleIndex < frames));
  assert.is(annotations[0].aux, '(N'); // the rhythm annotation survives the cut
});

test('the demo config replays the excerpt, and the replay loops without gaps', async () => {
  const configPath = new URL('../../config/demo.yaml', import.meta.url).pathname;
  const doc = readConfigDocument(configPath) as { simulators?: unknown };
  const sims = validateSimulators(doc.simulators, join(configPath, '..'));
  const replay = sims.find((s) => s.source.type === 'wfdb');
  assert.ok(replay && replay.kind === 'garment' && replay.source.type === 'wfdb');
  assert.is(replay.source.record, excerpt);
  assert.ok(replay.source.loop);
  const source = await RecordSource.fromWfdb(replay.source.record, 0, 250, true, replay.deviceId);
  const loopSamples = 300 * 250;
  const twoLoops = source.next(2 * loopSamples + 10);
  assert.ok(twoLoops.every((v) => Number.isFinite(v)), 'a looping replay never runs dry');
  for (let i = 0; i < 100; i++) assert.is(twoLoops[i + loopSamples], twoLoops[i]);
});

test('annotation cut: keeps modifiers with their annotation, drops the SKIP that leads past the end', () => {
  const word = (code: number, value: number): number[] => {
    const w = (code << 10) | value;
    return [w & 0xff, w >> 8];
  };
  const bytes = new Uint8Array([
    ...word(1, 100), // N at 100
    ...word(63, 2), 0x28, 0x4e, // AUX "(N" on it
    ...word(5, 50), // V at 150
    ...word(59, 0), 0x00, 0x00, 0x10, 0x00, // SKIP 16
    ...word(1, 900), // N at 1066
    0, 0,
  ]);
  const cut = parseWfdbAnnotations(cutMitAnnotations(bytes, 1000));
  assert.equal(cut.map((a) => [a.sampleIndex, a.symbol, a.aux]), [[100, 'N', '(N'], [150, 'V', '']]);
  assert.is(parseWfdbAnnotations(cutMitAnnotations(bytes, 2000)).length, 3);
});

test('the cutter reproduces the shipped files from the full record', () => {
  if (!existsSync(`${fullRecord}.hea`)) {
    console.log(`SKIP excerpt reproduction: ${fullRecord} not present (the excerpt itself is tested above)`);
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'wg-excerpt-'));
  try {
    assert.is(cutRecord(fullRecord, out, 5), frames);
    for (const ext of ['hea', 'dat', 'atr']) {
      assert.ok(readFileSync(join(out, `101.${ext}`)).equals(readFileSync(`${excerpt}.${ext}`)), `101.${ext} differs`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the excerpt equals the first 5 minutes of the full record', async () => {
  if (!existsSync(`${fullRecord}.hea`)) return;
  const [part, full] = await Promise.all([loadWfdbRecord(excerpt), loadWfdbRecord(fullRecord)]);
  for (let c = 0; c < 2; c++) assert.equal(part.signals[c].counts, full.signals[c].counts.subarray(0, frames));
  assert.equal(part.annotations, full.annotations!.filter((a) => a.sampleIndex < frames));
});

test.run();
