// Recording to EDF+/BDF+: (1) record encoding per core (blocks -> records, pure), (2) the event
// loop while the real recorder writes many device streams to disk at 10x real time: delay
// percentiles (perf_hooks) and the CPU one device-second of recording costs. Run: npm run bench -- recording
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createMemoryLogger } from '../src/common/logger.js';
import { StreamRecorder } from '../src/gateway/recording/stream-recorder.js';
import { EdfRecordBuilder } from '../src/streaming/formats/edf-record-builder.js';
import type { EncodedRecord } from '../src/streaming/formats/edf-writer.js';
import type { SampleBlock } from '../src/streaming/types.js';

function block(deviceId: string, stream: 'ecg' | 'eeg', rateHz: number, channels: number, first: number, n: number): SampleBlock {
  return {
    deviceId,
    stream,
    sampleRateHz: rateHz,
    channels: Array.from({ length: channels }, (_, c) => `C${c}`),
    t0Us: (first * 1e6) / rateHz,
    firstSampleIndex: first,
    values: Array.from({ length: channels }, (_, c) => Float32Array.from({ length: n }, (_, i) => 800 * Math.sin((first + i) / (5 + c)))),
    gatewayT0Ms: 1_800_000_000_000 + (first * 1000) / rateHz,
  };
}

function encodeThroughput(format: 'edf' | 'bdf', stream: 'ecg' | 'eeg', rateHz: number, channels: number): void {
  const signals = Array.from({ length: channels }, () => ({ physicalMin: -3200, physicalMax: 3200, samplesPerRecord: rateHz }));
  const builder = new EdfRecordBuilder({
    layout: { format, signals, annotationSamplesPerRecord: 64 },
    sampleRateHz: rateHz,
    channels: Array.from({ length: channels }, (_, c) => `C${c}`),
    firstSampleIndex: 0,
    startFractionS: 0,
    maxGapFillSamples: rateHz,
  });
  const blocks = Array.from({ length: 10 }, (_, k) => block('d', stream, rateHz, channels, k * (rateHz / 10), rateHz / 10));
  const seconds = 600;
  const started = performance.now();
  const out: EncodedRecord[] = [];
  for (let s = 0; s < seconds; s++) {
    for (let k = 0; k < 10; k++) builder.push({ ...blocks[k], firstSampleIndex: s * rateHz + k * (rateHz / 10) }, out);
    out.length = 0;
  }
  const ms = performance.now() - started;
  console.log(`encode ${format.toUpperCase()} ${channels} ch x ${rateHz} Hz: ${(seconds / (ms / 1000)).toFixed(0)} device-seconds/s per core (${((ms / seconds) * 1000).toFixed(0)} us per record)`);
}

async function eventLoop(devices: number, stream: 'ecg' | 'eeg', rateHz: number, channels: number, speed: number, seconds: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wg-bench-rec-'));
  const recorders = Array.from({ length: devices }, (_, d) =>
    new StreamRecorder({
      deviceId: `d${d}`,
      dir,
      format: 'auto',
      rangeUv: 3200,
      recordDurationS: 1,
      rotate: { maxMinutes: 60, maxMegabytes: 512 },
      maxGapFillS: 10,
      syncIntervalMs: 10_000 / speed,
      retryIntervalMs: 10_000,
      maxQueuedBytes: 16 << 20,
      log: createMemoryLogger(),
    }),
  );
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const blockSamples = rateHz / 10;
  const cpu0 = process.cpuUsage();
  histogram.enable();
  const started = performance.now();
  for (let t = 0; t < seconds * 10; t++) {
    for (let d = 0; d < devices; d++) recorders[d].push(block(`d${d}`, stream, rateHz, channels, t * blockSamples, blockSamples));
    const due = started + ((t + 1) * 100) / speed;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  }
  await Promise.all(recorders.map((r) => r.stop()));
  histogram.disable();
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const records = recorders.reduce((n, r) => n + r.stats.recordsWritten, 0);
  const dropped = recorders.reduce((n, r) => n + r.stats.samplesDropped, 0);
  console.log(
    `${devices} x ${stream} ${channels} ch ${rateHz} Hz at ${speed}x (${records} records, ${dropped} samples dropped): event-loop delay ` +
      `p50 ${(histogram.percentile(50) / 1e6).toFixed(2)} ms, p99 ${(histogram.percentile(99) / 1e6).toFixed(2)} ms, max ${(histogram.max / 1e6).toFixed(2)} ms; ` +
      `CPU ${(cpuMs / records).toFixed(3)} ms per device-second (all of it, block making included)`,
  );
  rmSync(dir, { recursive: true, force: true });
}

/** What one record's write and a flush to disk cost on this disk (on the thread pool, not the event loop). */
async function syncCost(): Promise<void> {
  const { EdfFile } = await import('../src/gateway/recording/edf-file.js');
  const dir = mkdtempSync(join(tmpdir(), 'wg-bench-sync-'));
  const record = new Uint8Array((2 * 250 + 96) * 2);
  for (const syncIntervalMs of [0, 10_000]) {
    const file = await EdfFile.create(join(dir, `s${syncIntervalMs}.edf`), new Uint8Array(768), syncIntervalMs);
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      await file.append(record);
      times.push(performance.now() - started);
    }
    await file.close(200);
    times.sort((a, b) => a - b);
    console.log(`append 1 record${syncIntervalMs === 0 ? ' + fdatasync each' : ', fdatasync every 10 s'}: median ${times[100].toFixed(3)} ms, p99 ${times[197].toFixed(3)} ms (awaited; the event loop runs meanwhile)`);
  }
  rmSync(dir, { recursive: true, force: true });
}

export async function run(): Promise<void> {
  await syncCost();
  encodeThroughput('edf', 'ecg', 250, 1);
  encodeThroughput('bdf', 'eeg', 250, 8);
  encodeThroughput('bdf', 'eeg', 500, 32);
  await eventLoop(4, 'ecg', 250, 1, 10, 30);
  await eventLoop(8, 'eeg', 250, 8, 10, 30);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
