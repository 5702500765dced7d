// Footprint of the installed daemon (issue 12 targets): the real `weargate run` as a child process
// (the compiled dist/ when `npm run build` is fresh, else tsx), 10 simulated devices with the three
// models loaded (bench/_footprint-setup.ts), Mosquitto on a free loopback port (aedes in this
// process when mosquitto is not installed). Reports
//   - cold start: spawn -> bridge/state online, -> first published result (any result topic), and
//     -> the first of each model's results (their signal windows and publish intervals included);
//   - RSS after a warm-up, max (and median) over the measuring window, read from /proc.
// Two profiles: `service` (the node flags and environment of deploy/weargate.service) and `default`
// (the flags of bin/weargate.js and the other benches).
// Usage: npm run bench -- footprint   (WG_BENCH_FOOTPRINT_WARMUP_S=30, WG_BENCH_FOOTPRINT_S=60,
//        WG_BENCH_FOOTPRINT_PROFILES=service,default, WG_BENCH_FOOTPRINT_NODE_ARGS='--extra --flags')
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { distIsFresh } from '../bin/freshness.js';
import { createLogger } from '../src/common/logger.js';
import { packagePath, packageRoot } from '../src/common/package-root.js';
import { daemonNodeFlags, serviceEnv, serviceNodeFlags } from '../src/gateway/node-flags.js';
import type { BridgeInfo } from '../src/mqtt/api.js';
import { EmbeddedBroker } from '../src/mqtt/broker.js';
import { topicPolicy } from '../src/mqtt/topics.js';
import { freePort, Mosquitto } from '../tests/_support/brokers.js';
import { hasCommand } from '../tests/_support/env.js';
import { cpuSeconds, rssBreakdownMb, rssMb } from './_proc.js';
import { prepareFootprintGateway } from './_footprint-setup.js';

const warmupS = Number(process.env.WG_BENCH_FOOTPRINT_WARMUP_S ?? 30);
const measureS = Number(process.env.WG_BENCH_FOOTPRINT_S ?? 60);
const RSS_TARGET_MB = 120;
const COLD_START_TARGET_S = 3;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Result topic suffixes (durable in topicPolicy), longest first so `ecg/hr` is not read as `hr`. */
const resultSuffixes = Object.entries(topicPolicy)
  .filter(([key, policy]) => policy.durable && key.startsWith('<deviceId>/'))
  .map(([key]) => key.slice('<deviceId>/'.length))
  .sort((a, b) => b.length - a.length);

function row(what: string, value: string, target: string, verdict: string): string {
  return `| ${what} | ${value} | ${target} | ${verdict} |`;
}

interface Profile {
  name: string;
  flags: readonly string[];
  env: Readonly<Record<string, string>>;
}

const profiles: Profile[] = [
  { name: 'service', flags: serviceNodeFlags, env: serviceEnv },
  { name: 'default', flags: daemonNodeFlags, env: {} },
];

export async function run(): Promise<void> {
  const wanted = (process.env.WG_BENCH_FOOTPRINT_PROFILES ?? 'service,default').split(',');
  for (const profile of profiles.filter((p) => wanted.includes(p.name))) await runProfile(profile);
}

async function runProfile(profile: Profile): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wg-bench-footprint-'));
  const log = createLogger('bench', { level: 'warn' });
  const mosquitto = hasCommand('mosquitto') ? await Mosquitto.start({ port: await freePort() }) : undefined;
  const aedes = mosquitto ? undefined : new EmbeddedBroker({ port: await freePort() });
  await aedes?.start();
  const brokerUrl = mosquitto?.url ?? aedes!.url;
  const gateway = await prepareFootprintGateway(dir, brokerUrl, log);
  const base = `weargate/${gateway.gatewayId}`;

  const firstS = new Map<string, number>();
  let firstTopic = 'none';
  let info: BridgeInfo | undefined;
  const sub = connect(brokerUrl, { reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => sub.once('connect', () => resolve()).once('error', reject));
  await sub.subscribeAsync(`${base}/#`);

  const compiled = distIsFresh(packageRoot);
  const entry = compiled ? packagePath('dist', 'src', 'gateway', 'cli.js') : packagePath('bin', 'weargate.js');
  const t0 = performance.now();
  const since = (): number => (performance.now() - t0) / 1000;
  sub.on('message', (topic, payload) => {
    const rest = topic.slice(base.length + 1);
    if (rest === 'bridge/state' && payload.toString().includes('online')) firstS.set('online', firstS.get('online') ?? since());
    if (rest === 'bridge/info') info = JSON.parse(payload.toString()) as BridgeInfo;
    const suffix = resultSuffixes.find((s) => rest.endsWith(`/${s}`));
    if (suffix === undefined) return;
    if (!firstS.has('result')) {
      firstS.set('result', since());
      firstTopic = rest;
    }
    if (!firstS.has(suffix)) firstS.set(suffix, since());
  });
  const extraArgs = process.env.WG_BENCH_FOOTPRINT_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const daemon = spawn(process.execPath, [...profile.flags, ...extraArgs, entry, 'run', '--config', gateway.configPath], {
    env: { ...process.env, ...profile.env, WEARGATE_RUNTIME: compiled ? 'dist' : 'tsx' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  daemon.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const load = loadavg()[0]!;
  try {
    await sleep(warmupS * 1000);
    if (daemon.exitCode !== null) throw new Error(`daemon exited ${daemon.exitCode}: ${stderr}`);
    const samples: number[] = [];
    const cpu0 = { s: cpuSeconds(daemon.pid!), t: performance.now() };
    for (let s = 0; s < measureS; s++) {
      samples.push(rssMb(daemon.pid!));
      await sleep(1000);
    }
    const cpuPct = (100 * (cpuSeconds(daemon.pid!) - cpu0.s)) / ((performance.now() - cpu0.t) / 1000);
    const maxMb = Math.max(...samples);
    const medianMb = [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
    const models = (info?.models ?? []).map((m) => `${m.name} ${m.variant ?? ''}`.trim());
    const fmt = (key: string): string => (firstS.has(key) ? `${firstS.get(key)!.toFixed(2)} s` : 'none');
    const cold = firstS.get('result');

    console.log(`\n### profile ${profile.name}: node ${[...profile.flags, ...extraArgs].join(' ')}${Object.entries(profile.env).map(([k, v]) => ` ${k}=${v}`).join('')}`);
    console.log(`daemon: ${compiled ? 'compiled dist/ (npm run build)' : 'TypeScript through tsx (no fresh dist/; run npm run build first for the installed figure)'}; broker: ${mosquitto ? 'Mosquitto' : 'aedes in the bench process'} on loopback`);
    console.log(`${gateway.deviceCount} devices (6 garments: rpeak-cnn, 1 bound to an athlete: similarity; 2 EEG replays: mdd-cnn; 2 Cytons); models loaded (bridge/info): ${models.join(', ') || 'none reported'}`);
    console.log(`machine: ${cpus().length} cores, load average ${load.toFixed(1)} at spawn, ${loadavg()[0]!.toFixed(1)} at the end (simulators run in the bench process; other jobs share the cores)`);
    console.log('');
    console.log('| what | measured | target | verdict |');
    console.log('|---|---|---|---|');
    console.log(row(`RSS, max over ${measureS} s after ${warmupS} s warm-up`, `${maxMb.toFixed(1)} MB (median ${medianMb.toFixed(1)} MB)`, `<= ${RSS_TARGET_MB} MB`, maxMb <= RSS_TARGET_MB ? 'met' : 'NOT met'));
    console.log(row(`cold start: spawn -> first published result (${firstTopic})`, fmt('result'), `<= ${COLD_START_TARGET_S} s`, cold !== undefined && cold <= COLD_START_TARGET_S ? 'met' : 'NOT met'));
    console.log(row(`daemon CPU over the same ${measureS} s`, `${cpuPct.toFixed(1)} % of one core`, '', ''));
    console.log(row('spawn -> bridge/state online', fmt('online'), '', ''));
    for (const [what, key] of [['first ecg/beats (rpeak-cnn: 3.07 s window + 2 s batch)', 'ecg/beats'], ['first ecg/similarity (8 clean beats)', 'ecg/similarity'], ['first eeg/mdd (epochs, 5 s interval)', 'eeg/mdd'], ['first eeg/raw (1 s batch)', 'eeg/raw']] as const) {
      console.log(row(`spawn -> ${what}`, fmt(key), '', ''));
    }
    const parts = rssBreakdownMb(daemon.pid!);
    console.log(`\nRSS at the end: ${parts.fileMb.toFixed(1)} MB file-backed (node binary, libraries), ${parts.anonMb.toFixed(1)} MB anonymous; largest anonymous mappings ${parts.largestAnonMb.map((m) => m.toFixed(1)).join(', ')} MB`);
    if (extraArgs.length > 0) console.log(`daemon stderr tail:\n${stderr.slice(-3000)}`);
    if (models.length < 3) console.log(`WARNING: fewer than three models reported loaded; daemon stderr tail:\n${stderr.slice(-1500)}`);
  } finally {
    daemon.kill('SIGTERM');
    if (daemon.exitCode === null) await new Promise((resolve) => daemon.once('exit', resolve));
    await gateway.stopSimulators();
    sub.end(true);
    await mosquitto?.stop();
    await aedes?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
