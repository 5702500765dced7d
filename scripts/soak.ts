// `npm run soak -- --minutes 30 --speed 10 [--seed 1] [--keep]`: the real daemon (`weargate run`, a
// child process so its memory is its own) against simulated garments running `--speed` times real
// time, a mosquitto that is restarted at random times, device faults and disk pressure. At the end:
// every result `seq` accounted for, duplicates, and the daemon's RSS growth after warm-up.
// Exit code 0 on pass, 1 on fail. See docs/soak.md.
import { daemonNodeFlags } from '../src/gateway/node-flags.js';
import type { DeviceHealth } from '../src/mqtt/api.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from 'mqtt';
import { validateSimulators } from '../hardware/sim-config.js';
import { createSimulatedGarment } from '../hardware/simulators.js';
import { SmallDisk } from '../hardware/soak/disk.js';
import { FaultRunner } from '../hardware/soak/faults.js';
import { SeqLedger, slope } from '../hardware/soak/ledger.js';
import { countByKind, planFaults } from '../hardware/soak/plan.js';
import { readQueuedResults } from '../hardware/soak/outbox-read.js';
import { Mosquitto } from '../tests/_support/brokers.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    speed: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    'warmup-minutes': { type: 'string', default: '2' },
    'rss-limit-mb': { type: 'string', default: '5' },
    'disk-mib': { type: 'string', default: '32' },
    keep: { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes);
const speed = Number(values.speed);
const seed = Number(values.seed);
const warmupS = Number(values['warmup-minutes']) * 60;
const rssLimitMb = Number(values['rss-limit-mb']);
if (!(minutes > 0) || !(speed > 0) || !Number.isInteger(seed)) throw new Error('--minutes and --speed must be > 0, --seed an integer');

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), `wg-soak-${seed}-`));
const gatewayId = 'soak';
const base = `weargate/${gatewayId}`;
const durationS = minutes * 60;
const t0Ms = Date.now();
const clock = (): string => {
  const s = Math.floor((Date.now() - t0Ms) / 1000);
  return `${String(Math.floor(s / 60)).padStart(3)}:${String(s % 60).padStart(2, '0')}`;
};
const say = (line: string): void => void process.stdout.write(`[soak ${clock()}] ${line}\n`);
const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// --- the rig: disk, broker, garments, daemon ---------------------------------------------------
const dataDir = join(dir, 'data');
const disk = SmallDisk.mount(dataDir, Number(values['disk-mib']));
say(disk ? `dataDir ${dataDir} on a ${values['disk-mib']} MiB tmpfs` : 'not root: disk pressure skipped (dataDir on the ordinary disk)');
const broker = await Mosquitto.start({ persistence: true }); // the subscriber's queued messages survive restarts
const devices = [
  { id: 'garment-mitbih', sim: { deviceId: 101, source: { type: 'wfdb', record: join(root, 'hardware/data/mitdb-101-excerpt/101') } } },
  { id: 'garment-synthetic', sim: { deviceId: 7, source: { type: 'synthetic', heartRateBpm: 72, noiseMicrovolts: 20, seed } } },
];
const sims = validateSimulators(
  devices.map((d) => ({ kind: 'garment', link: { type: 'pty', path: join(dir, 'tty', d.id) }, sampleRateHz: 250, ...d.sim })),
  dir,
);
const garments = await Promise.all(sims.flatMap((s) => (s.kind === 'garment' ? [createSimulatedGarment(s, speed)] : [])));
const configPath = join(dir, 'gateway.json');
writeFileSync(
  configPath,
  JSON.stringify({
    version: 1,
    gatewayId,
    dataDir,
    logLevel: 'info',
    mqtt: { url: broker.url, reconnectPeriodMs: 500, keepaliveS: 10, outbox: { maxBytes: 16 * 2 ** 20 } },
    health: { intervalS: 10 },
    statusLine: { enabled: false },
    devices: devices.map((d) => ({
      id: d.id,
      kind: 'garment',
      transport: { type: 'serial', path: join(dir, 'tty', d.id), baudRate: 115200 },
      reconnect: { initialDelayMs: 250, maxDelayMs: 5000 },
      ecg: { detector: 'pan-tompkins' },
    })),
  }, null, 2),
);

// --- the consumer: a persistent QoS 1 session on everything the gateway publishes ---------------
const ledger = new SeqLedger();
for (const d of devices) for (const s of ['beats', 'hr']) ledger.expect(`${d.id}/ecg/${s}`);
let health: { heapUsedBytes?: number; outbox?: Record<string, number>; devices?: Record<string, DeviceHealth> } = {};
const sub = connect(broker.url, { clientId: `wg-soak-${seed}`, clean: false, reconnectPeriod: 500 });
sub.on('connect', (ack) => {
  if (!ack.sessionPresent) sub.subscribe(`${base}/#`, { qos: 1 });
});
sub.on('error', () => undefined);
sub.on('message', (topic, payload) => {
  const rel = topic.slice(base.length + 1);
  if (rel === 'bridge/health') health = JSON.parse(payload.toString()) as typeof health;
  const m = /^([^/]+)\/ecg\/(beats|hr)$/.exec(rel);
  if (m) ledger.record(rel, (JSON.parse(payload.toString()) as { seq: number }).seq);
});
await new Promise<void>((resolve) => sub.once('connect', () => resolve()));
await sleep(200); // the SUBSCRIBE is acknowledged before the gateway's first message

for (const g of garments) g.start();
const gatewayLog = join(dir, 'gateway.log');
const gateway: ChildProcess = spawn(process.execPath, [...daemonNodeFlags, join(root, 'bin/weargate.js'), 'run', '--config', configPath], {
  cwd: root,
  stdio: ['ignore', 'ignore', openSync(gatewayLog, 'a')],
});
let gatewayExit: string | undefined;
const exited = new Promise<void>((resolve) =>
  gateway.once('exit', (code, signal) => {
    gatewayExit = signal ?? String(code);
    resolve();
  }),
);
say(`gateway pid ${gateway.pid}, broker ${broker.url}, garments x${speed}, seed ${seed}, ${minutes} min, work dir ${dir}`);

// --- faults and memory samples -----------------------------------------------------------------
const plan = planFaults({ seed, startS: 30, endS: durationS - 20, deviceCount: garments.length, diskPressure: disk !== undefined });
say(`fault plan: ${JSON.stringify(countByKind(plan))}`);
const faults = new FaultRunner({
  broker,
  garments,
  garmentNames: devices.map((d) => d.id),
  disk,
  diskLeaveFreeBytes: 0, // full: the next page SQLite needs is refused
  log: (line) => say(`fault: ${line}`),
  seed,
});
faults.schedule(plan);

const rssSamples: Array<[number, number]> = []; // [seconds since start, bytes]
const readRss = (): number | undefined => {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${gateway.pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
};
const sampler = setInterval(() => {
  const rss = readRss();
  if (rss !== undefined) rssSamples.push([(Date.now() - t0Ms) / 1000, rss]);
}, 10_000);
for (let minute = 1; minute <= minutes && gatewayExit === undefined; minute++) {
  await Promise.race([sleep(t0Ms + minute * 60_000 - Date.now()), exited]);
  if (gatewayExit !== undefined) break;
  const rss = readRss() ?? 0;
  rssSamples.push([(Date.now() - t0Ms) / 1000, rss]);
  const o = health.outbox ?? {};
  const got = ledger.report().map((r) => `${r.stream.replace('garment-', '')} ${r.received}`).join(', ');
  say(`gateway rss ${mb(rss)} MB heap ${mb(health.heapUsedBytes ?? 0)} MB | outbox depth ${o.depth ?? '?'} evicted ${o.evicted ?? '?'} lost ${o.lost ?? '-'} refused ${o.refused ?? '-'} | broker ${broker.running ? 'up' : 'DOWN'} | received ${got}`);
}
clearInterval(sampler);
const crashed = gatewayExit !== undefined;

// --- drain and stop ----------------------------------------------------------------------------
say('faults over; letting the gateway recover for 20 s, then stopping it with SIGINT');
await faults.finish();
const lastHealthDuringRun = health;
if (!crashed) {
  await sleep(20_000);
  gateway.kill('SIGINT');
  await Promise.race([exited, sleep(15_000)]);
  if (gatewayExit === undefined) gateway.kill('SIGKILL');
}
await sleep(2_000); // last deliveries to the subscriber
for (const g of garments) g.stop();
const queued = readQueuedResults(join(dataDir, 'outbox.sqlite'), base);
for (const [stream, seqs] of queued.byStream) for (const s of seqs) ledger.record(stream, s);
sub.end(true);
await broker.dispose();

// --- verdict -----------------------------------------------------------------------------------
const streams = ledger.report();
const missing = streams.reduce((a, r) => a + r.missing, 0);
const duplicates = streams.reduce((a, r) => a + r.duplicates, 0);
const outbox = lastHealthDuringRun.outbox ?? {};
const finalOutbox = health.outbox ?? outbox;
const logText = readFileSync(gatewayLog, 'utf8');
const loggedLost = [...logText.matchAll(/(\d+) messages? lost/g)].reduce((a, m) => a + Number(m[1]), 0);
// `refused` (by the broker: error PUBACK or over its packet limit) is a loss too, reported apart from `lost`.
const reported = (finalOutbox.evicted ?? 0) + (finalOutbox.lost ?? 0) + (finalOutbox.refused ?? 0) + loggedLost;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const baseRss = median(rssSamples.filter(([t]) => t >= warmupS && t < warmupS + 60).map(([, b]) => b));
const endRss = median(rssSamples.filter(([t]) => t >= durationS - 60).map(([, b]) => b));
const growthMb = (endRss - baseRss) / 1e6;
const slopeMbPerH = slope(rssSamples.filter(([t]) => t >= warmupS).map(([t, b]) => [t / 3600, b / 1e6]));

console.log('\n=== soak verdict ===');
console.log(`seed ${seed}, ${minutes} min at x${speed}, gateway exit: ${crashed ? `CRASHED (${gatewayExit})` : gatewayExit}`);
for (const r of streams) {
  console.log(
    `  ${r.stream.padEnd(28)} seq 0..${r.lastSeq}  received ${r.received}  missing ${r.missing}${r.missingRanges ? ` (${r.missingRanges})` : ''}  duplicates ${r.duplicates}  out of order ${r.outOfOrder}`,
  );
}
console.log(`  still queued in the outbox after stop (durable, counted as delivered): ${queued.count}${queued.error ? ` (could not read: ${queued.error})` : ''}`);
console.log(`  gateway reports: ${JSON.stringify(finalOutbox)}; "messages lost" in its log: ${loggedLost}`);
const dev = lastHealthDuringRun.devices ?? {};
for (const [id, s] of Object.entries(dev)) {
  console.log(`  ${id}: framesLost ${s.framesLost} crc ${s.errors.crc} bytes-skipped ${s.errors['bytes-skipped']} reconnects ${s.reconnects}`);
}
console.log(`  faults injected: ${JSON.stringify(faults.done)}${Object.keys(faults.skipped).length ? `, skipped: ${JSON.stringify(faults.skipped)}` : ''}${disk ? '' : ' (disk pressure skipped: not root)'}`);
console.log(`  broker restarts: ${faults.done['broker-restart'] ?? 0}`);
console.log(`  gateway RSS after warm-up: ${mb(baseRss)} MB -> ${mb(endRss)} MB (${growthMb >= 0 ? '+' : ''}${growthMb.toFixed(1)} MB; slope ${slopeMbPerH.toFixed(1)} MB/h); target within ${rssLimitMb} MB`);
const problems: string[] = [];
if (crashed) problems.push(`the gateway exited during the run (${gatewayExit})`);
else if (gatewayExit !== '0') problems.push(`the gateway did not stop cleanly on SIGINT (${gatewayExit})`);
if (missing > reported) problems.push(`${missing} results lost, only ${reported} reported by the gateway`);
if (streams.some((r) => r.received === 0)) problems.push('a result stream delivered nothing');
if (durationS < warmupS + 120) problems.push(`run too short to judge memory (needs > ${(warmupS + 120) / 60} min)`);
else if (growthMb > rssLimitMb) problems.push(`RSS grew ${growthMb.toFixed(1)} MB after warm-up (limit ${rssLimitMb} MB)`);
const lossText = missing === 0 ? 'nothing lost' : `${missing} lost (${missing <= reported ? 'reported' : 'NOT all reported'})`;
console.log(`VERDICT: ${problems.length === 0 ? 'PASS' : 'FAIL'}: ${lossText}, ${duplicates} duplicates, RSS ${growthMb >= 0 ? '+' : ''}${growthMb.toFixed(1)} MB${problems.length ? `; ${problems.join('; ')}` : ''}`);

disk?.unmount();
if (values.keep) console.log(`work dir kept: ${dir}`);
else rmSync(dir, { recursive: true, force: true });
process.exit(problems.length === 0 ? 0 : 1);
