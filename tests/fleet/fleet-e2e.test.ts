// Fleet updates end to end over the embedded broker (aedes, TCP on loopback): an operator publishes
// a signed bundle as retained chunks + announcement; the gateway downloads, verifies, loads it
// beside the running model, activates it between two inferences of a running stream, watches it,
// commits it, and runs it again after a restart. A bundle from an untrusted key fails with its
// reason and the running model keeps serving; the stream never misses an inference.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import type { ExtensionFactory } from '../../src/gateway/context.js';
import { Controller } from '../../src/gateway/controller.js';
import { readActive } from '../../src/fleet/active.js';
import { generateFleetKey, signingKeyFromPem } from '../../src/fleet/keys.js';
import { publishBundle } from '../../src/fleet/publish.js';
import { fleetStatus, promoteModel } from '../../src/fleet/status.js';
import { inCanary } from '../../src/fleet/announce.js';
import type { BridgeModels } from '../../src/mqtt/api.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { protoBundle, slotStreamExtension } from '../_support/slot-stream.js';
import { tempDir } from '../gateway/_harness.js';

const operator = generateFleetKey();
const stranger = generateFleetKey();
const ops = { username: 'ops', password: 'ops-password-1' };

function bundle(version: string, pem = operator.privateKeyPem): Buffer {
  return protoBundle(version, signingKeyFromPem(pem), { description: 'fleet e2e', createdAt: '2026-12-01T16:30:00Z' });
}

/** A stream of inferences through the slot every 10 ms, as a detector would run them. */
function streamExtension(record: { versions: string[]; errors: string[] }): ExtensionFactory {
  return slotStreamExtension({ name: 'test-stream', onResult: (v) => record.versions.push(v), onError: (m) => record.errors.push(m) });
}

const lastState = (sub: Subscriber, base: string) => {
  const m = sub.on(`${base}/bridge/models`).at(-1);
  return m ? (JSON.parse(m.text) as BridgeModels).models.find((x) => x.name === 'rpeak-proto') : undefined;
};

test('publish, download, verify, activate, watch, commit, restart; an untrusted bundle fails', async () => {
  const dir = tempDir();
  const config = validateConfig({
    version: 1, gatewayId: 'gw-fleet', dataDir: join(dir, 'state'), logLevel: 'debug', statusLine: { enabled: false },
    mqtt: { reconnectPeriodMs: 100, embeddedBroker: { port: 0, users: [{ ...ops, fleet: true }] } },
    fleet: { enabled: true, group: 'lab', trustedKeys: [operator.publicKey], watchS: 1 },
  });
  const base = 'weargate/gw-fleet';
  const record = { versions: [] as string[], errors: [] as string[] };
  let controller = new Controller({ config, log: createMemoryLogger(), extensions: [streamExtension(record)] });
  await controller.start();
  const sub = await Subscriber.open(controller.brokerUrl, [`${base}/#`], ops);
  try {
    await sub.until('the stream runs', () => record.versions.length > 5, 30_000);
    await publishBundle(bundle('0.2.0'), { url: controller.brokerUrl, group: 'lab', chunkBytes: 4096, client: ops });
    await sub.until('downloading', () => sub.on(`${base}/bridge/models`).some((m) => /"state":"downloading"/.test(m.text)), 20_000);
    await sub.until('0.2.0 active', () => lastState(sub, base)?.state === 'active' && record.versions.at(-1) === '0.2.0', 20_000);
    await sub.until('0.2.0 committed', () => readActive(config.dataDir).models['rpeak-proto']?.version === '0.2.0', 20_000);
    const states = sub.on(`${base}/bridge/models`).map((m) => (JSON.parse(m.text) as BridgeModels).models[0].state);
    for (const s of ['downloading', 'verifying', 'staged', 'active']) assert.ok(states.includes(s as never), `${s} in ${states.join(',')}`);
    const info = JSON.parse(sub.on(`${base}/bridge/info`).at(-1)!.text) as { models: { name: string; version: string }[] };
    assert.equal(info.models.map((m) => [m.name, m.version]), [['rpeak-proto', '0.2.0']]);

    await publishBundle(bundle('0.3.0', stranger.privateKeyPem), { url: controller.brokerUrl, group: 'lab', chunkBytes: 4096, client: ops });
    await sub.until('0.3.0 failed', () => lastState(sub, base)?.state === 'failed', 20_000);
    assert.match(String(lastState(sub, base)?.error), new RegExp(`key ${stranger.keyId} is not trusted`));
    assert.is(record.versions.at(-1), '0.2.0');
    // A canary that leaves this gateway out, then promoted to everyone.
    const hashPercent = [...Array(100).keys()].find((p) => inCanary('gw-fleet', { name: 'rpeak-proto', version: '0.4.0', canaryPercent: p + 1 }))!;
    if (hashPercent > 0) {
      await publishBundle(bundle('0.4.0'), { url: controller.brokerUrl, group: 'lab', chunkBytes: 4096, canaryPercent: hashPercent, client: ops });
      await sub.until('0.4.0 not in the canary', () => lastState(sub, base)?.state === 'idle', 20_000);
      assert.match(String(lastState(sub, base)?.error), new RegExp(`not in the ${hashPercent} % canary`));
      assert.is(record.versions.at(-1), '0.2.0');
      await promoteModel('rpeak-proto', { url: controller.brokerUrl, group: 'lab', client: ops });
    } else {
      await publishBundle(bundle('0.4.0'), { url: controller.brokerUrl, group: 'lab', chunkBytes: 4096, client: ops });
    }
    await sub.until('0.4.0 committed', () => readActive(config.dataDir).models['rpeak-proto']?.version === '0.4.0', 30_000);
    const rows = await fleetStatus(controller.brokerUrl, { client: ops, quietMs: 500 });
    const row = rows.find((r) => r.gatewayId === 'gw-fleet');
    assert.is(row?.state, 'online');
    assert.equal(row?.models.map((m) => [m.name, m.version, m.update]), [['rpeak-proto', '0.4.0', 'active']]);
    assert.equal(record.errors, [], 'no inference failed');
    // Every inference of the stream ran on 0.1.0 then 0.2.0, switching once.
    const switches = record.versions.filter((v, i) => i > 0 && v !== record.versions[i - 1]).length;
    assert.is(switches, 2);
  } finally {
    await sub.close();
    await controller.stop();
  }
  // A restart runs the committed version.
  controller = new Controller({ config, log: createMemoryLogger(), extensions: [streamExtension(record)] });
  await controller.start();
  try {
    const sub2 = await Subscriber.open(controller.brokerUrl, [`${base}/bridge/info`], ops);
    await sub2.until('bridge/info after restart', () => sub2.on(`${base}/bridge/info`).some((m) => /"version":"0\.4\.0"/.test(m.text) && /rpeak-proto/.test(m.text)), 30_000);
    await sub2.close();
  } finally {
    await controller.stop();
  }
});

test.run();
