// Fault test: the gateway SIGKILLed in the middle of a fleet update (a power cut mid-download).
// The gateway runs as a child process (tests/fault/_fleet-gateway.ts: the real runGateway with a
// running rpeak-proto slot) against a real Mosquitto, fleet enabled with one trusted key. The
// operator's signed bundle is on the broker in 1 KiB retained chunks, all but the last few at first,
// so the gateway is reliably caught downloading (progress < 1) when it is killed. After the
// restart on the same dataDir the last good model runs at once, the download resumes from the
// chunks kept on disk, and the update reaches `active`. Killed again during the watch period, the
// gateway restarts once more on the last good model and the update then completes: verified, active,
// committed in fleet/active.json.
import { protoBundle } from '../_support/slot-stream.js';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readActive } from '../../src/fleet/active.js';
import { chunkBundle, fleetTopics } from '../../src/fleet/announce.js';
import { generateFleetKey, signingKeyFromPem } from '../../src/fleet/keys.js';
import { bundledModelsDir } from '../../src/models/host.js';
import type { BridgeModels } from '../../src/mqtt/api.js';
import { Mosquitto } from '../_support/brokers.js';
import { requireCommands } from '../_support/env.js';
import { Subscriber, type Received } from '../mqtt/_subscriber.js';
import { tempDir } from '../gateway/_harness.js';
import { GatewayChild, base, writeConfig } from './_rig.js';

const hasMosquitto = requireCommands('fault test (gateway SIGKILL mid-update)', 'mosquitto');

const proto = join(bundledModelsDir, 'rpeak-proto');
const operator = generateFleetKey();
const bundledVersion = JSON.parse(readFileSync(join(proto, 'manifest.json'), 'utf8')).version as string;

function bundle(version: string): Buffer {
  return protoBundle(version, signingKeyFromPem(operator.privateKeyPem), { description: 'fault test' });
}

type Info = { startedAt: string; models: { name: string; version: string; sha256: string }[] };
const models = (m: Received[]): BridgeModels['models'] =>
  m.filter((x) => x.topic === `${base}/bridge/models`).flatMap((x) => (JSON.parse(x.text) as BridgeModels).models).filter((x) => x.name === 'rpeak-proto');
const infos = (m: Received[]): Info[] => m.filter((x) => x.topic === `${base}/bridge/info`).map((x) => JSON.parse(x.text) as Info);

(hasMosquitto ? test : test.skip)('gateway SIGKILL mid-download and mid-watch: the last good model runs at each start, the download resumes, the update commits', async () => {
  const broker = await Mosquitto.start();
  const dir = tempDir();
  const dataDir = join(dir, 'state');
  const configPath = writeConfig(dir, {
    version: 1, gatewayId: 'gw-test', dataDir, logLevel: 'debug', statusLine: { enabled: false },
    mqtt: { url: broker.url, reconnectPeriodMs: 100, keepaliveS: 5 }, health: { intervalS: 1 },
    fleet: { enabled: true, group: 'lab', trustedKeys: [operator.publicKey], watchS: 3 },
  });
  const bytes = bundle('0.2.0');
  const { announcement, chunks } = chunkBundle('rpeak-proto', '0.2.0', bytes, { chunkBytes: 1024 });
  const topics = fleetTopics('weargate', 'lab');
  const held = 3; // chunks the operator has not published yet when the gateway dies
  const operatorClient = await connectAsync(broker.url, { reconnectPeriod: 0 });
  const sub = await Subscriber.open(broker.url, [`${base}/bridge/models`, `${base}/bridge/info`]);
  const children: GatewayChild[] = [];
  const failWith = (err: unknown): never => {
    throw new Error(`${(err as Error).message}\n--- gateway output (tail) ---\n${children.at(-1)?.log.slice(-3000) ?? ''}`);
  };
  try {
    children.push(GatewayChild.start(configPath, ['tests/fault/_fleet-gateway.ts']));
    await sub.until('the bundled model runs', (m) => infos(m).some((i) => i.models.some((x) => x.name === 'rpeak-proto' && x.version === bundledVersion)), 45_000).catch(failWith);

    for (let i = 0; i < chunks.length - held; i++) await operatorClient.publishAsync(`${topics.chunk('rpeak-proto', '0.2.0', i)}`, chunks[i], { qos: 1, retain: true });
    await operatorClient.publishAsync(topics.announcement('rpeak-proto'), JSON.stringify(announcement), { qos: 1, retain: true });
    const partial = Math.round((1000 * (chunks.length - held)) / chunks.length) / 1000;
    await sub.until('downloading, all published chunks in', (m) => models(m).some((x) => x.state === 'downloading' && x.progress === partial), 30_000).catch(failWith);
    await children[0].kill('SIGKILL');
    const downloads = join(dataDir, 'fleet', 'downloads');
    const kept = readdirSync(downloads).flatMap((d) => readdirSync(join(downloads, d)).filter((f) => f.endsWith('.chunk')));
    console.log(`# update-kill: killed at progress ${partial} (${kept.length} of ${chunks.length} chunks on disk)`);
    assert.is(kept.length, chunks.length - held, 'the received chunks are on disk');
    assert.is(readActive(dataDir).models['rpeak-proto'], undefined, 'nothing was committed');

    // The operator finishes publishing while the gateway is down; then power comes back.
    for (let i = chunks.length - held; i < chunks.length; i++) await operatorClient.publishAsync(topics.chunk('rpeak-proto', '0.2.0', i), chunks[i], { qos: 1, retain: true });
    const firstStart = infos(sub.messages)[0].startedAt;
    const from = sub.messages.length;
    children.push(GatewayChild.start(configPath, ['tests/fault/_fleet-gateway.ts']));
    const since = (index: number): Received[] => sub.messages.slice(index);
    await sub.until('0.2.0 active and watched', () => models(since(from)).some((x) => x.state === 'active'), 45_000).catch(failWith);
    const restarted = infos(since(from)).filter((i) => i.startedAt !== firstStart && i.models.length > 0);
    assert.equal(restarted[0].models.map((x) => [x.name, x.version]), [['rpeak-proto', bundledVersion]], 'the last good model runs at start');
    const states = models(since(from));
    const firstDownload = states.find((x) => x.state === 'downloading');
    console.log(`# update-kill: after the restart, first progress ${firstDownload?.progress}; states ${[...new Set(states.map((x) => x.state))].join(' -> ')}`);
    assert.ok((firstDownload?.progress ?? 0) >= partial, `the download resumed from the kept chunks (first progress ${firstDownload?.progress})`);
    for (const s of ['verifying', 'staged', 'active']) assert.ok(states.some((x) => x.state === s), `${s} after the restart`);

    // Killed again while 0.2.0 runs but is still watched (watchS 3): it was never committed.
    await children[1].kill('SIGKILL');
    assert.is(readActive(dataDir).models['rpeak-proto'], undefined, 'a watched version is not committed');
    const from2 = sub.messages.length;
    const secondStart = infos(since(from)).find((i) => i.startedAt !== firstStart)!.startedAt;
    children.push(GatewayChild.start(configPath, ['tests/fault/_fleet-gateway.ts']));
    await sub.until('0.2.0 committed', () => readActive(dataDir).models['rpeak-proto']?.version === '0.2.0' && infos(since(from2)).some((i) => i.models.some((x) => x.version === '0.2.0')), 45_000).catch(failWith);
    const third = infos(since(from2)).filter((i) => i.startedAt !== firstStart && i.startedAt !== secondStart && i.models.length > 0);
    assert.equal(third[0].models.map((x) => [x.name, x.version]), [['rpeak-proto', bundledVersion]], 'after a kill during the watch, the last good model runs at start');
    const states3 = models(since(from2));
    console.log(`# update-kill: after the kill during the watch: states ${[...new Set(states3.map((x) => x.state))].join(' -> ')}, committed ${readActive(dataDir).models['rpeak-proto']?.version}`);
    assert.ok(![...states, ...states3].some((x) => x.state === 'failed' || x.state === 'rolled_back'), JSON.stringify(states.filter((x) => x.state === 'failed' || x.state === 'rolled_back')));
    // Nothing but the bundled model and the signed 0.2.0 ever ran.
    const ran = new Set(infos(sub.messages).flatMap((i) => i.models.map((x) => `${x.version}`)));
    assert.equal([...ran].sort(), [bundledVersion, '0.2.0'].sort());
    const committed = readActive(dataDir).models['rpeak-proto']!;
    assert.ok(existsSync(committed.manifest), 'the committed manifest exists');
    assert.ok(!existsSync(downloads) || readdirSync(downloads).length === 0, 'the finished download was cleaned up');
    await children[2].kill('SIGTERM');
  } finally {
    for (const c of children) await c.kill('SIGKILL');
    await operatorClient.endAsync(true);
    await sub.close();
    await broker.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
