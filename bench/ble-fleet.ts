// The whole BLE path for a fleet of 20 devices at real time: simulated peripherals on a fake BlueZ
// (this process) on a private dbus-daemon; the real daemon (`bin/weargate.js run`, its own
// process) reaches them through node-ble, decodes, runs the ECG pipeline, writes its outbox and
// publishes to a broker in this process. CPU is read from /proc for each process separately, so
// the gateway's own share is not mixed with the simulators' or the bus's. Also reports the delay
// from a batch's last sample to its arrival at a subscriber (`<muse>/eeg/raw`).
// Usage: npm run bench -- ble-fleet   (WG_BENCH_FLEET_S=seconds of measurement, default 60)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { FakeBluez } from '../hardware/ble/fake-bluez.js';
import { SimulatedBleGarment } from '../hardware/ble/peripherals/garment.js';
import { SimulatedHrStrap } from '../hardware/ble/peripherals/hrs-strap.js';
import { SimulatedMuse } from '../hardware/ble/peripherals/muse.js';
import { SimulatedPolarH10 } from '../hardware/ble/peripherals/polar-h10.js';
import { startPrivateBus } from '../hardware/ble/private-bus.js';
import { syntheticSource } from '../hardware/signals/source.js';
import type { EegRaw } from '../src/mqtt/api.js';
import { EmbeddedBroker } from '../src/mqtt/broker.js';
import { cpuSeconds, rssMb } from './_proc.js';

const perKind = 5;
const warmupS = 20;
const measureS = Number(process.env.WG_BENCH_FLEET_S ?? 60);



const address = (kind: number, i: number): string => `C0:DE:00:00:${kind.toString(16).padStart(2, '0')}:${i.toString(16).padStart(2, '0')}`.toUpperCase();

export async function run(): Promise<void> {
  if (spawnSync('sh', ['-c', 'command -v dbus-daemon'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('ble-fleet needs dbus-daemon (apt-get install dbus)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'wg-bench-fleet-'));
  const bus = await startPrivateBus();
  const bluez = await FakeBluez.start({ busAddress: bus.address });
  const broker = new EmbeddedBroker();
  await broker.start();
  const sims: { start(): void; stop(): void }[] = [];
  const devices: Record<string, unknown>[] = [];
  const reconnect = { initialDelayMs: 200, maxDelayMs: 2000 };
  for (let i = 0; i < perKind; i++) {
    const h10 = new SimulatedPolarH10({ address: address(1, i), heartRateBpm: 55 + 3 * i, seed: 100 + i, batteryPercent: 80 });
    const strap = new SimulatedHrStrap({ address: address(2, i), heartRateBpm: 60 + 2 * i, seed: 200 + i, batteryPercent: 70 });
    const muse = new SimulatedMuse({ address: address(3, i), seed: 300 + i, batteryPercent: 60 });
    const garment = new SimulatedBleGarment({
      address: address(4, i),
      deviceId: 400 + i,
      source: syntheticSource({ sampleRateHz: 250, heartRateBpm: 65 + i, noiseMicrovolts: 15, seed: 400 + i }),
      mtu: 185,
    });
    for (const sim of [h10, strap, muse, garment]) {
      bluez.addPeripheral(sim.peripheral);
      sims.push(sim);
    }
    devices.push(
      { id: `h10-${i}`, kind: 'polar-h10', transport: { type: 'ble', address: address(1, i) }, reconnect },
      { id: `strap-${i}`, kind: 'hr-strap', transport: { type: 'ble', address: address(2, i) }, reconnect },
      { id: `muse-${i}`, kind: 'muse', transport: { type: 'ble', address: address(3, i) }, reconnect, eegRaw: { enabled: true, publishIntervalS: 1 } },
      { id: `garment-${i}`, kind: 'garment-ble', transport: { type: 'ble', address: address(4, i) }, reconnect },
    );
  }
  for (const sim of sims) sim.start();
  const configPath = join(dir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      version: 1,
      gatewayId: 'bench-fleet',
      dataDir: join(dir, 'state'),
      logLevel: 'warn',
      mqtt: { url: broker.url },
      health: { intervalS: 10 },
      statusLine: { enabled: false },
      devices,
    }),
  );
  const base = 'weargate/bench-fleet';
  const counts = new Map<string, number>();
  const eegDelaysMs: number[] = [];
  let measuring = false;
  const sub = connect(broker.url, { reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => sub.once('connect', () => resolve()).once('error', reject));
  await sub.subscribeAsync(`${base}/#`);
  sub.on('message', (topic, payload) => {
    if (!measuring) return;
    const rel = topic.slice(base.length + 1).replace(/^([a-z0-9]+)-\d+\//, '$1-N/');
    counts.set(rel, (counts.get(rel) ?? 0) + 1);
    if (rel === 'muse-N/eeg/raw') {
      const m = JSON.parse(payload.toString()) as EegRaw;
      const n = m.values[0]?.length ?? 0;
      if (m.gatewayT0Ms !== undefined) eegDelaysMs.push(Date.now() - (m.gatewayT0Ms + ((n - 1) * 1000) / m.sampleRateHz));
    }
  });

  const bin = new URL('../bin/weargate.js', import.meta.url).pathname;
  const daemon = spawn(process.execPath, [bin, 'run', '--config', configPath], {
    env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: bus.address },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  daemon.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const pid = daemon.pid!;
  try {
    console.log(`20 BLE devices (${perKind} each: polar-h10, hr-strap, muse, garment-ble) at real time; warm-up ${warmupS} s, measured ${measureS} s`);
    await new Promise((resolve) => setTimeout(resolve, warmupS * 1000));
    if (daemon.exitCode !== null) throw new Error(`daemon exited: ${stderr}`);
    const start = { gateway: cpuSeconds(pid), bench: process.cpuUsage(), bus: cpuSeconds(bus.pid), t: performance.now() };
    measuring = true;
    await new Promise((resolve) => setTimeout(resolve, measureS * 1000));
    measuring = false;
    const wallS = (performance.now() - start.t) / 1000;
    const gatewayPct = (100 * (cpuSeconds(pid) - start.gateway)) / wallS;
    const benchCpu = process.cpuUsage(start.bench);
    const simPct = (100 * (benchCpu.user + benchCpu.system)) / 1e6 / wallS;
    const busPct = (100 * (cpuSeconds(bus.pid) - start.bus)) / wallS;
    console.log(`gateway daemon CPU      ${gatewayPct.toFixed(1)} % of one core  (${(gatewayPct / 20).toFixed(2)} % per device), RSS ${rssMb(pid).toFixed(0)} MB`);
    console.log(`dbus-daemon CPU         ${busPct.toFixed(1)} % (on a Pi, bluetoothd and the bus carry this traffic)`);
    console.log(`simulators + broker CPU ${simPct.toFixed(1)} % (this process; not the gateway)`);
    console.log('results received per topic in the measured window:');
    for (const [topic, n] of [...counts].sort()) console.log(`  ${topic.padEnd(28)} ${String(n).padStart(6)}  (${(n / wallS).toFixed(2)}/s)`);
    eegDelaysMs.sort((a, b) => a - b);
    const q = (p: number): string => (eegDelaysMs.length ? eegDelaysMs[Math.floor(p * (eegDelaysMs.length - 1))]!.toFixed(0) : '-');
    console.log(`muse eeg/raw: last sample to subscriber, ms: median ${q(0.5)}, p95 ${q(0.95)}, max ${q(1)} (batches of 1 s; includes BLE notification batching)`);
    // Every kind's results must have flowed, or the numbers above measure a fleet that was not there.
    const expected = { 'h10-N/ecg/beats': 0.3, 'strap-N/hr': 0.15, 'muse-N/eeg/raw': 0.9, 'garment-N/ecg/beats': 0.3 };
    for (const [topic, perDevicePerS] of Object.entries(expected)) {
      const got = counts.get(topic) ?? 0;
      if (got < perKind * wallS * perDevicePerS) throw new Error(`only ${got} messages on ${topic}: the fleet did not stream. daemon stderr: ${stderr}`);
    }
  } finally {
    daemon.kill('SIGTERM');
    await new Promise((resolve) => daemon.once('exit', resolve));
    for (const sim of sims) sim.stop();
    sub.end(true);
    await Promise.race([bluez.stop(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await bus.stop();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
