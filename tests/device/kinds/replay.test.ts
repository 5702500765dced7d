// The replay kind's session over a fake context: EDF+D skipped time and annotated gaps play as
// lost samples (firstSampleIndex jumps, counted), loop keeps the device clock running, the end says
// 'ended' once and is not replayed, speed paces real time, and BDF/EEG files replay as `eeg`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../../src/common/logger.js';
import type { DeviceStatusReport } from '../../../src/device/kinds/kind.js';
import { kind } from '../../../src/device/kinds/replay/index.js';
import { ReplayConfig } from '../../../src/device/kinds/replay/schema.js';
import { streamOfLabel } from '../../../src/device/kinds/replay/source.js';
import { encodeEdfHeader, encodeRecord, type EdfWriterSignal } from '../../../src/streaming/formats/edf-writer.js';
import type { SampleBlock } from '../../../src/streaming/types.js';
import { waitFor } from '../../_support/env.js';

const RATE = 100;

/** An EDF+/BDF+ file of `onsets.length` 1 s records at those onsets; sample value = time-line index. */
function writeFile(path: string, format: 'edf' | 'bdf', onsets: number[], labels: string[], tals: { onsetS: number; durationS?: number; text: string }[] = []): void {
  const signals: EdfWriterSignal[] = labels.map((label) => ({ label, transducer: '', physicalDimension: 'uV', physicalMin: -10000, physicalMax: 10000, prefiltering: '', samplesPerRecord: RATE }));
  const contiguous = onsets.every((t, r) => t === r);
  const parts = [encodeEdfHeader({ format, startMs: Date.UTC(2026, 0, 1), recording: { equipment: 't' }, numberOfRecords: onsets.length, recordDurationS: 1, signals, annotationSamplesPerRecord: 40, contiguous })];
  onsets.forEach((onset, r) => {
    const values = labels.map((_, c) => Float32Array.from({ length: RATE }, (_, i) => onset * RATE + i + c));
    parts.push(encodeRecord({ format, signals, annotationSamplesPerRecord: 40 }, values, onset, r === 0 ? tals : []).bytes);
  });
  writeFileSync(path, Buffer.concat(parts));
}

function run(config: Record<string, unknown>, onBlock: () => void = () => undefined) {
  const blocks: SampleBlock[] = [];
  const statuses: DeviceStatusReport[] = [];
  const cfg = Value.Default(ReplayConfig, structuredClone({ id: 'r', kind: 'replay', ...config })) as ReplayConfig;
  assert.ok(Value.Check(ReplayConfig, cfg), [...Value.Errors(ReplayConfig, cfg)].map((e) => `${e.path} ${e.message}`).join('; '));
  const session = kind.create({ deviceId: 'r', config: cfg, log: createMemoryLogger(), onBlock: (b) => (onBlock(), blocks.push(b)), onStatus: (s) => statuses.push(s) });
  session.start();
  return { blocks, statuses, session };
}

const dir = mkdtempSync(join(tmpdir(), 'wg-replay-'));

test('EDF+D: the time between records plays as lost samples; annotated gaps too; then ended, once', async () => {
  const path = join(dir, 'd.edf');
  // Records at 0, 1, 4 s (2 s skipped), and a 'gap' annotation over 0.5 s of the second record.
  writeFile(path, 'edf', [0, 1, 4], ['ECG'], [{ onsetS: 1.2, durationS: 0.5, text: 'gap' }]);
  const { blocks, statuses, session } = run({ transport: { type: 'replay', path }, speed: 100, blockSamples: 30 });
  try {
    await waitFor("'ended'", () => statuses.some((s) => s.reason === 'ended'), 10_000);
    const c = session.counters();
    assert.is(c.samplesLost, 200 + 50);
    assert.is(c.framesLost, 2);
    // Every played sample sits at its own time-line index, and values equal the index (within 1 step).
    let played = 0;
    for (const b of blocks) {
      assert.is(b.stream, 'ecg');
      assert.is(b.t0Us, (b.firstSampleIndex * 1e6) / RATE);
      b.values[0].forEach((v, i) => assert.ok(Math.abs(v - (b.firstSampleIndex + i)) < 0.5, `${v} at ${b.firstSampleIndex + i}`));
      played += b.values[0].length;
    }
    assert.is(played, 300 - 50);
    assert.ok(!blocks.some((b) => b.firstSampleIndex < 170 && b.firstSampleIndex + b.values[0].length > 120), 'nothing from the annotated gap');
    assert.is(c.framesOk, blocks.length);
    await new Promise((r) => setTimeout(r, 300));
    assert.is(statuses.filter((s) => s.reason === 'ended').length, 1, JSON.stringify(statuses));
    assert.is(blocks.length, c.framesOk, 'not replayed after the end');
  } finally {
    await session.stop();
  }
});

test('loop: the device clock keeps running across loops; startS/durationS choose the part', async () => {
  const path = join(dir, 'c.edf');
  writeFile(path, 'edf', [0, 1, 2], ['ECG', 'ECG2']);
  const { blocks, session } = run({ transport: { type: 'replay', path }, speed: 200, loop: true, startS: 1, durationS: 1, blockSamples: 50, channels: ['ECG2'] });
  try {
    await waitFor('5 loops', () => blocks.length >= 10, 10_000);
    assert.equal(blocks[0].channels, ['ECG2']);
    blocks.slice(0, 10).forEach((b, k) => {
      assert.is(b.firstSampleIndex, 50 * k);
      assert.ok(Math.abs(b.values[0][0] - (100 + ((50 * k) % 100) + 1)) < 0.5, `block ${k} starts with ${b.values[0][0]}`);
    });
  } finally {
    await session.stop();
  }
});

test('speed paces real time: 1 s of signal at 4x takes about 250 ms', async () => {
  const path = join(dir, 's.edf');
  writeFile(path, 'edf', [0], ['ECG']);
  const started = performance.now();
  const { statuses, session } = run({ transport: { type: 'replay', path }, speed: 4 });
  try {
    await waitFor("'ended'", () => statuses.some((s) => s.reason === 'ended'), 5_000);
    const ms = performance.now() - started;
    assert.ok(ms > 200 && ms < 1500, `${ms} ms`);
  } finally {
    await session.stop();
  }
});

test('BDF+ with EEG labels replays as eeg; a missing file reports the error and retries', async () => {
  const path = join(dir, 'e.bdf');
  writeFile(path, 'bdf', [0, 1], ['EEG Fp1', 'EEG Fp2', 'ECG']);
  const { blocks, statuses, session } = run({ transport: { type: 'replay', path }, speed: 100 });
  try {
    await waitFor("'ended'", () => statuses.some((s) => s.reason === 'ended'), 5_000);
    assert.equal(blocks[0].channels, ['EEG Fp1', 'EEG Fp2']);
    assert.is(blocks[0].stream, 'eeg');
    assert.is(blocks.reduce((n, b) => n + b.values[0].length, 0), 200);
  } finally {
    await session.stop();
  }
  const missing = run({ transport: { type: 'replay', path: join(dir, 'none.edf') }, reconnect: { initialDelayMs: 10, maxDelayMs: 100 } });
  try {
    await waitFor('an error status', () => missing.statuses.some((s) => !s.connected && /ENOENT|no such file/i.test(s.reason ?? '')), 5_000);
  } finally {
    await missing.session.stop();
  }
});

test('speed 1000 with tiny blocks: as fast as it goes, but the event loop keeps running', async () => {
  const path = join(dir, 'fast.edf');
  writeFile(path, 'edf', Array.from({ length: 120 }, (_, r) => r), ['ECG']);
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  const started = performance.now();
  // Each block costs 50 us downstream, more than its 10 us of signal: the pump falls behind for good.
  const busy = () => {
    const until = performance.now() + 0.05;
    while (performance.now() < until);
  };
  const { blocks, statuses, session } = run({ transport: { type: 'replay', path }, speed: 1000, blockSamples: 1 }, busy);
  try {
    await waitFor("'ended'", () => statuses.some((s) => s.reason === 'ended'), 20_000);
    const ms = performance.now() - started;
    assert.is(blocks.length, 12_000);
    assert.ok(ms > 500, `${ms} ms: behind, as intended`);
    // Timers fired throughout (not starved until the end).
    assert.ok(ticks >= ms / 50, `${ticks} timer ticks in ${ms.toFixed(0)} ms (at least one per 50 ms)`);
  } finally {
    clearInterval(ticker);
    await session.stop();
  }
});

test('stream type from labels', () => {
  for (const l of ['ECG', 'ECG I', 'ECG2', 'MLII', 'V1', 'EKG']) assert.is(streamOfLabel(l), 'ecg', l);
  for (const l of ['EEG Fp1', 'EEG Fp1-LE', 'Fp1', 'Cz', 'O2', 'Fc5.', 'TP10']) assert.is(streamOfLabel(l), 'eeg', l);
  for (const l of ['Resp', 'EDF Annotations', 'SpO2']) assert.is(streamOfLabel(l), undefined, l);
});

test.run();
