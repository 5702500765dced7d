// The recorder on a real filesystem: kill -9 leaves a file readable up to its last whole record,
// rotation by duration and size, a clean stop writes the record count, and a full disk (a real
// tmpfs, tests/_support/small-disk.ts) is counted, never thrown, and recovered from on the next file.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../../src/common/logger.js';
import { StreamRecorder, type StreamRecorderOptions } from '../../../src/gateway/recording/stream-recorder.js';
import { physicalStep } from '../../../src/streaming/formats/edf-writer.js';
import { loadEdf } from '../../../src/streaming/formats/load.js';
import { waitFor } from '../../_support/env.js';
import { mountSmallDisk } from '../../_support/small-disk.js';
import { CHANNELS, RATE_HZ, sampleValue, testBlock } from './_signal.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'wg-rec-'));

function options(over: Partial<StreamRecorderOptions>): StreamRecorderOptions {
  return {
    deviceId: 'd1',
    dir: tmp(),
    format: 'edf',
    rangeUv: 10_000,
    recordDurationS: 1,
    rotate: { maxMinutes: 600, maxMegabytes: 1024 },
    maxGapFillS: 10,
    syncIntervalMs: 1000,
    retryIntervalMs: 1000,
    maxQueuedBytes: 16 * 1024 * 1024,
    log: createMemoryLogger(),
    ...over,
  };
}

function checkSamples(physical: Float32Array, channel: number, firstIndex: number, count: number, what: string): void {
  const step = physicalStep('edf', -10_000, 10_000);
  for (let i = 0; i < count; i++) {
    const want = sampleValue(channel, firstIndex + i);
    if (Math.abs(physical[i] - want) > step) throw new Error(`${what}: sample ${i} is ${physical[i]}, want ${want}`);
  }
}

const filesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort().map((f) => join(dir, f)) : []);

for (const format of ['edf', 'bdf'] as const) {
  test(`kill -9 while writing (${format}): the file reads up to its last whole record`, async () => {
    const dir = tmp();
    const path = join(dir, `crash.${format}`);
    const recordBytes = (2 * RATE_HZ + (format === 'bdf' ? 64 : 96)) * (format === 'bdf' ? 3 : 2);
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./_crash-writer.ts', import.meta.url).pathname, path, format], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('child did not start writing in 20 s')), 20_000);
        child.stdout!.on('data', (d: Buffer) => {
          if (d.toString().includes('writing')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`child exited (${code})`)));
      });
      // Let it run a little further, then kill it mid-stream.
      // the header (256 bytes + 256 per signal, the annotation signal included) comes before the records
      const headerBytesMax = 256 * (CHANNELS.length + 2);
      await waitFor('20 records on disk', () => existsSync(path) && statSync(path).size >= headerBytesMax + 20 * recordBytes, 20_000);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('close', r));
    const size = statSync(path).size;
    const edf = await loadEdf(path);
    assert.ok(edf.recordCountDerived, 'the header still says -1');
    const n = edf.header.numberOfRecords;
    assert.is(n, Math.floor((size - edf.header.headerBytes) / recordBytes));
    assert.is(edf.trailingBytes, size - edf.header.headerBytes - n * recordBytes);
    assert.ok(n >= 20, `${n} records`);
    assert.equal([...edf.recordOnsetsSeconds], Array.from({ length: n }, (_, r) => r));
    const step = physicalStep(format, -10_000, 10_000);
    CHANNELS.forEach((_, c) => {
      for (let i = 0; i < n * RATE_HZ; i++) {
        if (Math.abs(edf.signals[c].physical[i] - sampleValue(c, i)) > step) throw new Error(`channel ${c} sample ${i}`);
      }
    });
  });
}

test('clean stop: record count in the header, last partial record completed as a gap', async () => {
  const o = options({});
  const r = new StreamRecorder(o);
  for (let i = 0; i < 10; i++) r.push(testBlock(i * 100, 100));
  await r.stop();
  const [path] = filesIn(join(o.dir, 'd1'));
  assert.match(path, /d1-ecg-20261201T120000\.000Z\.edf$/);
  const edf = await loadEdf(path);
  assert.is(edf.recordCountDerived, false);
  assert.is(edf.header.numberOfRecords, 4);
  assert.is(edf.header.startTime, '12.00.00');
  assert.equal(edf.signals.map((s) => s.header.label), ['ECG', 'ECG2']);
  checkSamples(edf.signals[1].physical, 1, 0, 1000, 'ECG2');
  assert.equal(edf.annotations, [], '1000 samples are 4 whole records: nothing missing')
  assert.is(r.stats.samplesMissing, 0);
});

test('rotation by duration and by size: consecutive files, each closed with its count, samples continuous', async () => {
  for (const rotate of [{ maxMinutes: 5 / 60, maxMegabytes: 1024 }, { maxMinutes: 600, maxMegabytes: (1024 + 3 * (2 * RATE_HZ + 96) * 2) / (1024 * 1024) }]) {
    const o = options({ rotate });
    const r = new StreamRecorder(o);
    // 12 s, then a 20 s jump (beyond maxGapFillS: a new file, whatever the rotation says).
    for (let i = 0; i < 12; i++) r.push(testBlock(i * RATE_HZ, RATE_HZ));
    r.push(testBlock(32 * RATE_HZ, RATE_HZ));
    await r.stop();
    const files = filesIn(join(o.dir, 'd1'));
    const perFile = rotate.maxMinutes < 1 ? 5 : 3;
    const counts: number[] = [];
    let index = 0;
    for (const f of files.slice(0, -1)) {
      const edf = await loadEdf(f);
      assert.is(edf.recordCountDerived, false);
      counts.push(edf.header.numberOfRecords);
      checkSamples(edf.signals[0].physical, 0, index, edf.header.numberOfRecords * RATE_HZ, f);
      // Each file's start time is its first sample's gateway time.
      assert.is(edf.header.startTime, `12.00.${String(index / RATE_HZ).padStart(2, '0')}`);
      index += edf.header.numberOfRecords * RATE_HZ;
      if (rotate.maxMinutes >= 1) assert.ok(statSync(f).size <= rotate.maxMegabytes * 1024 * 1024, `${f} is ${statSync(f).size} bytes`);
    }
    assert.equal(counts, perFile === 5 ? [5, 5, 2] : [3, 3, 3, 3]);
    const last = await loadEdf(files.at(-1)!);
    assert.is(last.header.startTime, '12.00.32');
    checkSamples(last.signals[0].physical, 0, 32 * RATE_HZ, RATE_HZ, 'after the jump');
    assert.is(r.stats.files, files.length);
  }
});

test('a file with -1 records and a cut last record reads its whole records (reader)', async () => {
  const o = options({});
  const r = new StreamRecorder(o);
  for (let i = 0; i < 3; i++) r.push(testBlock(i * RATE_HZ, RATE_HZ));
  await r.stop();
  const [path] = filesIn(join(o.dir, 'd1'));
  const { readFileSync } = await import('node:fs');
  const bytes = new Uint8Array(readFileSync(path));
  bytes.set(new TextEncoder().encode('-1      '), 236);
  const { parseEdf } = await import('../../../src/streaming/formats/edf.js');
  const cut = parseEdf(bytes.subarray(0, bytes.length - 100));
  assert.is(cut.header.numberOfRecords, 2);
  assert.ok(cut.recordCountDerived);
  assert.is(cut.trailingBytes, (2 * RATE_HZ + 96) * 2 - 100);
  checkSamples(cut.signals[1].physical, 1, 0, 2 * RATE_HZ, 'cut');
});

test('disk full (real tmpfs): counted, never thrown; the next file after the retry interval records again', async () => {
  const disk = mountSmallDisk('recorder disk-full test', 512 * 1024);
  if (!disk) return;
  try {
    let nowMs = 0;
    const o = options({ dir: disk.dir, retryIntervalMs: 5000, nowMs: () => nowMs });
    const r = new StreamRecorder(o);
    r.push(testBlock(0, RATE_HZ)); // the first file opens while there is room
    await waitFor('first file', () => r.stats.files === 1 && r.stats.recordsWritten === 1);
    disk.fill();
    let index = RATE_HZ;
    // Records fail (ENOSPC) as soon as the page cache cannot take them; keep feeding until counted.
    for (let i = 0; i < 400 && r.stats.errors === 0; i++) {
      r.push(testBlock(index, RATE_HZ));
      index += RATE_HZ;
      await new Promise((res) => setTimeout(res, 2));
    }
    await waitFor('the fault counted', () => r.stats.errors >= 1);
    assert.match(r.stats.lastError!, /^full: /);
    assert.ok(r.degraded);
    // Within the retry interval: blocks are dropped and counted, no new file.
    const dropped = r.stats.samplesDropped;
    r.push(testBlock(index, RATE_HZ));
    index += RATE_HZ;
    assert.is(r.stats.samplesDropped, dropped + RATE_HZ);
    assert.is(r.stats.files, 1);
    // Space again, the interval passed: a new file opens and records.
    disk.free();
    nowMs += 5001;
    const written = r.stats.recordsWritten;
    for (let i = 0; i < 3; i++) {
      r.push(testBlock(index, RATE_HZ));
      index += RATE_HZ;
    }
    await r.stop();
    assert.is(r.stats.files, 2);
    assert.ok(r.stats.recordsWritten >= written + 3, JSON.stringify(r.stats));
    assert.not.ok(r.degraded);
    const files = filesIn(join(disk.dir, 'd1'));
    assert.is(files.length, 2);
    // The file cut by the full disk keeps -1 and reads up to its last whole record.
    const first = await loadEdf(files[0]);
    assert.ok(first.recordCountDerived);
    assert.ok(first.header.numberOfRecords >= 1);
    checkSamples(first.signals[0].physical, 0, 0, first.header.numberOfRecords * RATE_HZ, 'first file');
    const second = await loadEdf(files[1]);
    assert.is(second.header.numberOfRecords, 3);
  } finally {
    disk.unmount();
  }
});

test.run();
