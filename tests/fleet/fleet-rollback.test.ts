// Signed rollback and downgrade permission end to end (embedded broker on loopback, the real
// updater and model slots, rpeak-proto as the model):
//   1. 0.2.0 is active and still watched; a signed rollback swaps the slot back to 0.1.0 between two
//      inferences, and 0.2.0 is not taken again (after a restart too); an unsigned rollback is refused.
//   2. (restart) 0.3.0 is committed; a signed rollback loads what ran before (the bundled 0.1.0).
//   3. 0.4.0 is committed; an older 0.2.4 is refused without an instruction; a signed
//      allowDowngradeTo 0.2.5 is recorded durably (a restart in between) and lets 0.2.5 in.
import { protoBundle } from '../_support/slot-stream.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { readActive } from '../../src/fleet/active.js';
import { signCommand } from '../../src/fleet/command.js';
import { generateFleetKey, signingKeyFromPem } from '../../src/fleet/keys.js';
import { publishBundle } from '../../src/fleet/publish.js';
import { sendCommand } from '../../src/fleet/send-command.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import type { ExtensionFactory } from '../../src/gateway/context.js';
import { Controller } from '../../src/gateway/controller.js';
import { bundledModelsDir } from '../../src/models/host.js';
import { rpeakWindowCodec } from '../../src/models/rpeak/codec.js';
import type { ModelSlot } from '../../src/models/slot.js';
import type { BridgeModels, BridgeResponse } from '../../src/mqtt/api.js';
import { readNpy } from '../../src/quantize/npy.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { tempDir } from '../gateway/_harness.js';

const proto = join(bundledModelsDir, 'rpeak-proto');
const inputs = readNpy(new Uint8Array(readFileSync(join(proto, 'val-inputs.npy'))));
const operator = generateFleetKey();
const opKey = signingKeyFromPem(operator.privateKeyPem);
const ops = { username: 'ops', password: 'ops-password-1' };
const gw = 'gw-rollback';
const base = `weargate/${gw}`;

function bundle(version: string): Buffer {
  return protoBundle(version, opKey, { description: 'rollback e2e', createdAt: '2026-12-01T18:30:00Z' });
}

/** Inferences through the slot every 10 ms, recording the version that answered each. */
function streamExtension(versions: string[]): ExtensionFactory {
  return (ctx) => {
    let timer: NodeJS.Timeout | undefined;
    const window = inputs.data.slice(0, 625);
    return {
      name: 'test-stream',
      async start() {
        const slot: ModelSlot<Float32Array, Float32Array> = await ctx.models.slot('rpeak-proto', rpeakWindowCodec);
        timer = setInterval(() => {
          slot.infer(window);
          versions.push(slot.stage.info.version);
        }, 10);
      },
      stop() {
        clearInterval(timer);
      },
    };
  };
}

const state = (sub: Subscriber) => {
  const m = sub.on(`${base}/bridge/models`).at(-1);
  return m ? (JSON.parse(m.text) as BridgeModels).models.find((x) => x.name === 'rpeak-proto') : undefined;
};

async function gateway(dataDir: string, watchS: number, versions: string[]) {
  const config = validateConfig({
    version: 1, gatewayId: gw, dataDir, logLevel: 'debug', statusLine: { enabled: false },
    mqtt: { reconnectPeriodMs: 100, embeddedBroker: { port: 0, users: [{ ...ops, fleet: true }] } },
    fleet: { enabled: true, group: 'lab', trustedKeys: [operator.publicKey], watchS },
  });
  const controller = new Controller({ config, log: createMemoryLogger(), extensions: [streamExtension(versions)] });
  await controller.start();
  const start = versions.length;
  const sub = await Subscriber.open(controller.brokerUrl, [`${base}/bridge/models`], ops);
  await waitFor('the stream runs', () => versions.length > start + 3, 30_000);
  const publish = (version: string) => publishBundle(bundle(version), { url: controller.brokerUrl, group: 'lab', chunkBytes: 4096, client: ops });
  const command = (args: Record<string, unknown>): Promise<BridgeResponse> =>
    sendCommand(signCommand({ verb: 'rollback', gateway: gw, args }, opKey), { url: controller.brokerUrl, client: ops, timeoutMs: 30_000 });
  const close = async () => {
    await sub.close();
    await controller.stop();
  };
  return { controller, sub, publish, command, close };
}

/** Polls a condition on in-process state (the slot's inferences), with a deadline. */
async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const data = (r: BridgeResponse): unknown => (r.status === 'ok' ? r.data : { error: r.error, code: r.code });

test('signed rollback to the standby and to the previous commit; downgrades only with a signed, durable instruction', async () => {
  const dataDir = join(tempDir(), 'state');
  const versions: string[] = [];
  // 1. Rollback while the new version is watched.
  let g = await gateway(dataDir, 600, versions);
  try {
    await g.publish('0.2.0');
    await g.sub.until('0.2.0 active', () => state(g.sub)?.state === 'active' && versions.at(-1) === '0.2.0', 30_000);
    const unsigned = await new Promise<BridgeResponse>((resolve) => {
      g.sub.client.subscribe(`${base}/bridge/response/rollback`);
      g.sub.client.on('message', (t, p) => t.endsWith('/response/rollback') && resolve(JSON.parse(p.toString()) as BridgeResponse));
      g.sub.client.publish(`${base}/bridge/request/rollback`, JSON.stringify({ model: 'rpeak-proto' }));
    });
    assert.equal(data(unsigned), { error: unsigned.status === 'error' ? unsigned.error : '', code: 'unsigned' });
    assert.is(versions.at(-1), '0.2.0', 'an unsigned rollback changes nothing');
    assert.equal(data(await g.command({ model: 'rpeak-proto' })), { model: 'rpeak-proto', from: '0.2.0', to: '0.1.0' });
    const n = versions.length;
    await waitFor('inferences on 0.1.0', () => versions.length > n + 3);
    assert.is(versions.at(-1), '0.1.0');
    assert.is(state(g.sub)?.state, 'rolled_back');
    assert.match(String(state(g.sub)?.error), /operator rolled 0\.2\.0 back|signed command/);
    assert.equal(readActive(dataDir).models, {}, 'nothing committed');
  } finally {
    await g.close();
  }

  // 2. After a restart (a new embedded broker: announce again) the rolled-back 0.2.0 is not taken;
  // 0.3.0 commits, then a signed rollback.
  g = await gateway(dataDir, 1, versions);
  try {
    await g.publish('0.2.0');
    await g.sub.until('0.2.0 refused', () => state(g.sub)?.state === 'rolled_back', 20_000);
    assert.match(String(state(g.sub)?.error), /an operator rolled 0\.2\.0 back/);
    assert.is(versions.at(-1), '0.1.0');
    await g.publish('0.3.0');
    await g.sub.until('0.3.0 committed', () => readActive(dataDir).models['rpeak-proto']?.version === '0.3.0', 30_000);
    assert.equal(data(await g.command({ model: 'rpeak-proto' })), { model: 'rpeak-proto', from: '0.3.0', to: '0.1.0' });
    assert.is(readActive(dataDir).models['rpeak-proto']?.version, '0.1.0');
    const n = versions.length;
    await waitFor('inferences on 0.1.0', () => versions.length > n + 3);
    assert.is(versions.at(-1), '0.1.0');
    const again = await g.command({ model: 'rpeak-proto' });
    assert.match(again.status === 'error' ? again.error : '', /no previous version/);

    // 3. Newer 0.4.0 commits; an older bundle needs an instruction.
    await g.publish('0.4.0');
    await g.sub.until('0.4.0 committed', () => readActive(dataDir).models['rpeak-proto']?.version === '0.4.0', 30_000);
    await g.publish('0.2.4');
    await g.sub.until('0.2.4 refused', () => state(g.sub)?.version === '0.2.4' && state(g.sub)?.state === 'idle', 20_000);
    assert.match(String(state(g.sub)?.error), /older than the running 0\.4\.0; a downgrade needs a signed rollback instruction/);
    assert.equal(data(await g.command({ model: 'rpeak-proto', allowDowngradeTo: '0.2.5' })), { model: 'rpeak-proto', allowDowngradeTo: '0.2.5', announced: false });
  } finally {
    await g.close();
  }
  assert.ok(existsSync(join(dataDir, 'fleet', 'instructions.json')));
  g = await gateway(dataDir, 1, versions);
  try {
    await g.publish('0.2.5');
    await g.sub.until('0.2.5 committed', () => readActive(dataDir).models['rpeak-proto']?.version === '0.2.5', 30_000);
    const n = versions.length;
    await waitFor('inferences on 0.2.5', () => versions.length > n + 3);
    assert.is(versions.at(-1), '0.2.5');
    const instructions = JSON.parse(readFileSync(join(dataDir, 'fleet', 'instructions.json'), 'utf8')) as { models: Record<string, { allowDowngradeTo?: unknown }> };
    assert.is(instructions.models['rpeak-proto'].allowDowngradeTo, undefined, 'the permission is used up');
  } finally {
    await g.close();
  }
});

test.run();
