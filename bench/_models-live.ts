// The ECG models live in the daemon, end to end at real time: a simulated garment replays the
// shipped MIT-BIH 101 excerpt (250 Hz, 25-sample frames) over a real PTY into the real Controller
// (serialport -> protocol -> int8 R-peak CNN -> beats; similarity to an enrolled athlete every 8
// beats -> SQLite outbox -> embedded aedes broker on loopback -> an MQTT subscriber in this process).
//
// Measured per published beat:
// - window -> broker: from the arrival at the gateway of the device block holding the last sample
//   of the CNN window that decided the beat, to the subscriber receiving the beats message (the
//   beats batch interval, `ecg.beatsPublishIntervalS`, is part of it: a beat waits for its batch);
// - R peak -> broker: from the arrival of the block holding the R peak (the detector's algorithmic
//   latency, 2.24 s for the CNN, is part of it).
// Block arrival times come from a `device:block` listener registered before the gateway's own, so
// they are taken before any processing. CPU: process CPU time / signal time of the whole process
// (simulator, gateway, broker, subscriber), for the models-on run and a classic-detector run
// (pan-tompkins, similarity off), so their difference is what the two models cost.
// Run: npm run bench -- models   (after the per-window tables; a helper module, hence the _)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync } from 'mqtt';
import { createLogger } from '../src/common/logger.js';
import { validateConfig } from '../src/gateway/config/load.js';
import { Controller } from '../src/gateway/controller.js';
import { ensureDemoAthlete } from '../hardware/demo-athlete.js';
import { createSimulatedGarment } from '../hardware/simulators.js';

const EXCERPT = fileURLToPath(new URL('../hardware/data/mitdb-101-excerpt/101', import.meta.url));
const RATE_HZ = 250;
// The CNN's stitching (docs/models/rpeak-cnn.md): window j covers model samples [256j - 256, 256j + 512)
// and runs when sample 256j + 511 arrives (+1 for the linear resampler); a peak at k is decided once
// p[k + R - 1] is known (R = 50), i.e. by the window whose centre [256j, 256j + 256) holds k + 49.
const HOP = 256;
const REFRACTORY = 50;
// The detector's sample 0 is the first block the gateway gets (the garment starts after the gateway is up).
const decidingSample = (k: number, origin: number): number => origin + HOP * Math.floor((k - origin + REFRACTORY - 1) / HOP) + 2 * HOP - 1 + 1;

interface Block {
  first: number;
  count: number;
  atMs: number;
}

interface LiveRun {
  label: string;
  signalS: number;
  cpuShare: number;
  beats: number;
  windowToBrokerMs: number[];
  peakToBrokerMs: number[];
  similarityMessages: number;
  unmatched: number;
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

async function liveRun(label: string, detector: 'cnn' | 'pan-tompkins', similarity: boolean, seconds: number): Promise<LiveRun> {
  const dir = mkdtempSync(join(tmpdir(), 'wg-bench-live-'));
  const log = createLogger('bench', { level: 'warn' });
  const dataDir = join(dir, 'state');
  if (similarity) await ensureDemoAthlete(dataDir, 'g1', log);
  const garment = await createSimulatedGarment({
    kind: 'garment', deviceId: 101, link: { type: 'pty', path: join(dir, 'tty-g1') }, sampleRateHz: RATE_HZ, samplesPerFrame: 25,
    microvoltsPerCount: 0.5, source: { type: 'wfdb', record: EXCERPT, channel: 0, loop: true },
  });
  const config = validateConfig({
    version: 1, gatewayId: 'bench', dataDir, logLevel: 'warn', mqtt: { embeddedBroker: { port: 0 } }, statusLine: { enabled: false },
    similarity: { enabled: similarity },
    devices: [{ id: 'g1', kind: 'garment', transport: { type: 'serial', path: join(dir, 'tty-g1') }, ecg: { detector, beatsPublishIntervalS: 1 } }],
  });
  const controller = new Controller({ config, log });
  const blocks: Block[] = [];
  controller.bus.on('device:block', ({ block }) => {
    if (block.stream === 'ecg') blocks.push({ first: block.firstSampleIndex, count: block.values[0]?.length ?? 0, atMs: performance.now() });
  });
  const arrival = (sample: number): number | undefined => {
    for (let i = blocks.length - 1; i >= 0; i--) if (sample >= blocks[i].first && sample < blocks[i].first + blocks[i].count) return blocks[i].atMs;
    return undefined;
  };
  const run: LiveRun = { label, signalS: seconds, cpuShare: 0, beats: 0, windowToBrokerMs: [], peakToBrokerMs: [], similarityMessages: 0, unmatched: 0 };
  await controller.start();
  garment.start(); // after the gateway is up, so the detector sees the stream from its first block
  const client = await connectAsync(controller.brokerUrl, { reconnectPeriod: 0 });
  try {
    let measuring = false;
    client.on('message', (topic, payload) => {
      const atMs = performance.now();
      if (!measuring) return;
      if (topic.endsWith('/ecg/similarity')) run.similarityMessages++;
      if (!topic.endsWith('/ecg/beats')) return;
      const msg = JSON.parse(payload.toString()) as { beats: { sampleIndex: number }[] };
      for (const { sampleIndex } of msg.beats) {
        const peak = arrival(sampleIndex);
        const decided = detector === 'cnn' ? arrival(decidingSample(sampleIndex, blocks[0].first)) : undefined;
        if (peak === undefined || (detector === 'cnn' && (decided === undefined || decided > atMs))) {
          run.unmatched++;
          continue;
        }
        run.beats++;
        run.peakToBrokerMs.push(atMs - peak);
        if (decided !== undefined) run.windowToBrokerMs.push(atMs - decided);
      }
    });
    await client.subscribeAsync(['weargate/bench/g1/ecg/beats', 'weargate/bench/g1/ecg/similarity'], { qos: 1 });
    await new Promise((r) => setTimeout(r, 8_000)); // connect, first windows, similarity warm-up
    measuring = true;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const cpu = process.cpuUsage(cpu0);
    run.signalS = (performance.now() - wall0) / 1000;
    run.cpuShare = (cpu.user + cpu.system) / 1e6 / run.signalS;
  } finally {
    await client.endAsync();
    await controller.stop();
    garment.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const a of [run.windowToBrokerMs, run.peakToBrokerMs]) a.sort((x, y) => x - y);
  return run;
}

export async function runLiveModelsBench(seconds = Number(process.env.WG_BENCH_LIVE_S ?? 40)): Promise<void> {
  console.log(`\nlive, end to end at real time: garment (MIT-BIH 101 excerpt, 250 Hz) -> PTY -> gateway -> outbox -> broker -> subscriber, ${seconds} s each, beats batched every 1 s:`);
  const runs = [await liveRun('cnn int8 + similarity int8', 'cnn', true, seconds), await liveRun('pan-tompkins, no model', 'pan-tompkins', false, seconds)];
  const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(0) : '-');
  console.log('run                          beats  sim msgs  window->broker p50 / p95 / max ms  R peak->broker p50 / p95 / max ms  process CPU % of one core');
  for (const r of runs) {
    const w = r.windowToBrokerMs;
    const p = r.peakToBrokerMs;
    console.log(
      `${r.label.padEnd(27)}  ${String(r.beats).padStart(5)}  ${String(r.similarityMessages).padStart(8)}  ${`${ms(quantile(w, 0.5))} / ${ms(quantile(w, 0.95))} / ${ms(w.at(-1) ?? Number.NaN)}`.padStart(33)}  ${`${ms(quantile(p, 0.5))} / ${ms(quantile(p, 0.95))} / ${ms(p.at(-1) ?? Number.NaN)}`.padStart(33)}  ${(100 * r.cpuShare).toFixed(2).padStart(25)}`,
    );
    if (r.unmatched) console.log(`  ${r.label}: ${r.unmatched} beats not matched to a block (left out)`);
  }
  console.log(`  the two models' cost at real time: ${(100 * (runs[0].cpuShare - runs[1].cpuShare)).toFixed(2)} % of one core per device (difference of the two runs; the machine's other load is in both)`);
}
