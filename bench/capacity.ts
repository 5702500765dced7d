// Capacity of the whole gateway: the real daemon (`bin/weargate.js run`, its own process) reading
// simulated garments over pseudo-terminals — decoding, assembling, R-peak detection, HR/HRV, the
// SQLite outbox, MQTT to a broker in this process — at real time. Reports the daemon's CPU (from
// /proc, so the simulators in this process are not counted), whether it kept up (frames the daemon
// decoded vs frames written), and its RSS for 10 and for 100 devices.
// Usage: npm run bench -- capacity   (WG_BENCH_CAPACITY=200 garments and WG_BENCH_CAPACITY_EEG=20 Cyton caps
// in the CPU run, WG_BENCH_CAPACITY_EEG_LATENCY_MS=16 the caps' FTDI latency timer, WG_BENCH_CAPACITY_S=60 s measured, WG_BENCH_CAPACITY_RSS=0 skips the RSS runs,
// WG_BENCH_CPU_PROF=<dir> profiles the daemon)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { SimulatedGarment } from '../hardware/garment-sim.js';
import { SimulatedCyton } from '../hardware/openbci/cyton-sim.js';
import { syntheticEegSource } from '../hardware/signals/eeg.js';
import { syntheticSource } from '../hardware/signals/source.js';
import type { BridgeHealth } from '../src/mqtt/api.js';
import { EmbeddedBroker } from '../src/mqtt/broker.js';
import { cpuSeconds, rssMb } from './_proc.js';
import { daemonNodeFlags } from '../src/gateway/node-flags.js';

const cpuGarments = Number(process.env.WG_BENCH_CAPACITY ?? 200);
const cpuCaps = Number(process.env.WG_BENCH_CAPACITY_EEG ?? 20);
/** The Cyton dongle's FTDI latency timer, ms: 16 is the driver's default, 1 what OpenBCI suggests. */
const capLatencyMs = Number(process.env.WG_BENCH_CAPACITY_EEG_LATENCY_MS ?? 16);
const measureS = Number(process.env.WG_BENCH_CAPACITY_S ?? 60);



const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Fleet {
  daemon: ChildProcess;
  garments: SimulatedGarment[];
  caps: SimulatedCyton[];
  health(): BridgeHealth | undefined;
  /** Frames the simulators had written when the newest health arrived. */
  writtenAtHealth(): number;
  results(): number;
  eegBatches(): number;
  stop(): Promise<void>;
}

async function startFleet(broker: EmbeddedBroker, count: number, name: string, capCount = 0): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), `wg-bench-cap-${name}-`));
  mkdirSync(join(dir, 'tty'));
  const garments: SimulatedGarment[] = [];
  const devices: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const linkPath = join(dir, 'tty', `g${i}`);
    const garment = new SimulatedGarment({
      deviceId: 1000 + i,
      sampleRateHz: 250,
      samplesPerFrame: 25,
      microvoltsPerCount: 0.5,
      source: syntheticSource({ sampleRateHz: 250, heartRateBpm: 55 + (i % 50), noiseMicrovolts: 15, seed: i + 1 }),
      linkPath,
    });
    garment.start();
    garments.push(garment);
    devices.push({ id: `g${i}`, kind: 'garment', transport: { type: 'serial', path: linkPath, baudRate: 115200 } });
  }
  // OpenBCI Cyton caps: 8 channels at 250 Hz, raw EEG published once a second.
  const caps: SimulatedCyton[] = [];
  for (let i = 0; i < capCount; i++) {
    const linkPath = join(dir, 'tty', `cap${i}`);
    const channels = ['Fp1', 'Fp2', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2'];
    const cap = new SimulatedCyton({ linkPath, daisy: false, seed: 500 + i, usbLatencyMs: capLatencyMs, makeSource: (sampleRateHz) => syntheticEegSource({ sampleRateHz, channels, seed: 500 + i }) });
    await cap.start();
    caps.push(cap);
    devices.push({ id: `cap${i}`, kind: 'cyton', transport: { type: 'serial', path: linkPath, baudRate: 115200 }, eegRaw: { enabled: true, publishIntervalS: 1 } });
  }
  const gatewayId = `bench-${name}`;
  const configPath = join(dir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({ version: 1, gatewayId, dataDir: join(dir, 'state'), logLevel: 'warn', mqtt: { url: broker.url }, health: { intervalS: 5 }, statusLine: { enabled: false }, devices }),
  );
  const base = `weargate/${gatewayId}`;
  let lastHealth: BridgeHealth | undefined;
  let results = 0;
  let writtenAtHealth = 0;
  let eegBatches = 0;
  const sub = connect(broker.url, { reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => sub.once('connect', () => resolve()).once('error', reject));
  await sub.subscribeAsync(`${base}/#`);
  sub.on('message', (topic, payload) => {
    if (topic === `${base}/bridge/health`) {
      lastHealth = JSON.parse(payload.toString()) as BridgeHealth;
      writtenAtHealth = garments.reduce((n, g) => n + g.stats.framesWritten, 0);
    }
    else if (topic.endsWith('/ecg/beats') || topic.endsWith('/ecg/hr')) results++;
    else if (topic.endsWith('/eeg/raw')) eegBatches++;
  });
  const bin = new URL('../bin/weargate.js', import.meta.url).pathname;
  // WG_BENCH_CPU_PROF=<dir>: the daemon writes a V8 CPU profile there on exit (open it in Chrome DevTools).
  const profile = process.env.WG_BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.WG_BENCH_CPU_PROF] : [];
  const daemon = spawn(process.execPath, [...profile, ...daemonNodeFlags, bin, 'run', '--config', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  daemon.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  daemon.once('exit', (code) => {
    if (code !== 0 && code !== null) console.error(`daemon ${name} exited ${code}: ${stderr}`);
  });
  return {
    daemon,
    garments,
    health: () => lastHealth,
    writtenAtHealth: () => writtenAtHealth,
    results: () => results,
    eegBatches: () => eegBatches,
    caps,
    async stop() {
      daemon.kill('SIGTERM');
      if (daemon.exitCode === null) await new Promise((resolve) => daemon.once('exit', resolve));
      for (const g of garments) g.stop();
      for (const c of caps) c.stop();
      sub.end(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Frames written by the simulators vs decoded by the daemon (bridge/health). */
function keptUp(fleet: Fleet): { written: number; decoded: number; behindS: number; connected: number } {
  const health = fleet.health();
  const written = fleet.writtenAtHealth();
  const devices = Object.entries(health?.devices ?? {})
    .filter(([id]) => id.startsWith('g'))
    .map(([, d]) => d);
  const decoded = devices.reduce((n, d) => n + d.framesOk, 0);
  const connected = Object.values(health?.devices ?? {}).filter((d) => d.connected).length;
  // Compared at the moment the health arrived; frames are 0.1 s each, per device.
  return { written, decoded, behindS: fleet.garments.length === 0 ? 0 : (written - decoded) / 10 / fleet.garments.length, connected };
}

export async function run(): Promise<void> {
  const broker = new EmbeddedBroker();
  await broker.start();
  console.log(`load average at start ${loadavg().map((l) => l.toFixed(1)).join(' ')} (the numbers need a quiet machine)`);
  try {
    const rss: Record<number, number> = {};
    for (const count of process.env.WG_BENCH_CAPACITY_RSS === '0' ? [] : [10, 100]) {
      const fleet = await startFleet(broker, count, `rss${count}`);
      try {
        await sleep(40_000);
        rss[count] = rssMb(fleet.daemon.pid!);
        const k = keptUp(fleet);
        console.log(`${String(count).padStart(3)} garments at real time: daemon RSS ${rss[count].toFixed(1)} MB after 40 s, ${k.connected}/${count} connected, ${fleet.results()} results`);
      } finally {
        await fleet.stop();
      }
    }
    if (rss[10] !== undefined) console.log(`RSS per added device (10 -> 100): ${(((rss[100] ?? 0) - (rss[10] ?? 0)) / 90).toFixed(2)} MB (target < 1 MB)`);

    const fleet = await startFleet(broker, cpuGarments, `cpu${cpuGarments}`, cpuCaps);
    try {
      await sleep(30_000);
      const pid = fleet.daemon.pid!;
      const before = { cpu: cpuSeconds(pid), t: performance.now(), results: fleet.results(), eeg: fleet.eegBatches(), behindS: keptUp(fleet).behindS };
      await sleep(measureS * 1000);
      const wallS = (performance.now() - before.t) / 1000;
      const cpuPct = (100 * (cpuSeconds(pid) - before.cpu)) / wallS;
      const k = keptUp(fleet);
      const resultsPerS = (fleet.results() - before.results) / wallS;
      const eegPerS = (fleet.eegBatches() - before.eeg) / wallS;
      const total = cpuGarments + cpuCaps;
      console.log(
        `${cpuGarments} garments (250 Hz ECG, R-peaks, HR/HRV, outbox, MQTT) + ${cpuCaps} Cyton caps (8 ch 250 Hz EEG, raw batches, dongle latency ${capLatencyMs} ms) at real time: ` +
          `daemon CPU ${cpuPct.toFixed(1)} % of one core (${(cpuPct / total).toFixed(3)} % per device), RSS ${rssMb(pid).toFixed(0)} MB, ${k.connected}/${total} connected, ` +
          `${resultsPerS.toFixed(1)} ECG results/s, ${eegPerS.toFixed(1)} EEG batches/s (expected ${cpuCaps}), garment frames decoded ${k.decoded} of ${k.written} frames written (behind by ${k.behindS.toFixed(2)} s per device when the last health was published)`,
      );
      // Keeping up is throughput: a constant lag (frames in the PTY and read buffers) is latency, a
      // growing one means the daemon cannot follow.
      const growthS = k.behindS - before.behindS;
      console.log(
        growthS < 1
          ? `kept up: yes (lag ${before.behindS.toFixed(2)} s at the start of the window, ${k.behindS.toFixed(2)} s at its end)`
          : `kept up: NO — the lag grew from ${before.behindS.toFixed(1)} s to ${k.behindS.toFixed(1)} s in ${wallS.toFixed(0)} s (load average ${loadavg()[0]!.toFixed(1)}; on a busy machine other processes may have starved it)`,
      );
      console.log(`one core at 100 % would carry about ${((100 * total) / cpuPct).toFixed(0)} devices of this mix (linear estimate from this run)`);
      if (eegPerS < cpuCaps * 0.9) console.log(`EEG kept up: NO (${eegPerS.toFixed(1)} batches/s of ${cpuCaps})`);
    } finally {
      await fleet.stop();
    }
  } finally {
    await broker.stop();
  }
}
