// bridge/info.models lists the active stage of every loaded model slot (name, version, sha256,
// precision), and bridge/info is published again when a slot changes (a later load, a fleet
// activation, a rollback). A fake publisher captures what the bridge extension publishes.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../../src/common/events.js';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import type { ExtensionContext, GatewayEvents } from '../../src/gateway/context.js';
import { bridgeExtension } from '../../src/gateway/extensions/bridge.js';
import { StatusBoard } from '../../src/gateway/status-board.js';
import { bundledModelsDir, ModelHost } from '../../src/models/host.js';
import { readManifest } from '../../src/models/manifest.js';
import { rpeakWindowCodec } from '../../src/models/rpeak/codec.js';
import { topics as buildTopics, type BridgeInfo } from '../../src/mqtt/api.js';
import type { MqttPublisher } from '../../src/mqtt/publisher.js';
import type { SequenceCounter } from '../../src/mqtt/sequence.js';

test('bridge/info.models follows the model slots', async () => {
  const infos: BridgeInfo[] = [];
  const publisher = {
    publish: (ref: { key: string }, payload: unknown) => ref.key === 'bridge/info' && infos.push(payload as BridgeInfo),
    handle: () => () => undefined,
    events: { on: () => () => undefined },
    storage: { state: 'ok' },
  } as unknown as MqttPublisher;
  const log = createMemoryLogger();
  const topics = buildTopics('weargate', 'gw');
  const models = new ModelHost();
  const ctx: ExtensionContext = {
    config: validateConfig({ version: 1, gatewayId: 'gw', dataDir: '/nonexistent', health: { intervalS: 3600 } }),
    version: 'test',
    startedAt: new Date(),
    log,
    bus: new EventBus<GatewayEvents>(log),
    publisher,
    topics,
    sequence: () => ({}) as SequenceCounter,
    status: new StatusBoard(publisher, topics),
    devices: new Map(),
    models,
  };
  const bridge = bridgeExtension(ctx);
  try {
    bridge.start();
    assert.equal(infos.at(-1)!.models, []);
    const slot = await models.slot('rpeak-proto', rpeakWindowCodec);
    const manifest = readManifest(join(bundledModelsDir, 'rpeak-proto', 'manifest.json')).manifest;
    const first = infos.at(-1)!.models;
    assert.is(first.length, 1);
    assert.equal(
      { name: first[0].name, version: first[0].version, sha256: first[0].sha256, precision: first[0].precision, variant: first[0].variant },
      { name: 'rpeak-proto', version: manifest.version, sha256: manifest.variants['int8-tfconverter'].sha256, precision: 'int8', variant: 'int8-tfconverter' },
    );
    assert.match(String(first[0].trainedOn), /MIT-BIH/);
    slot.activate(await models.candidate(readManifest(join(bundledModelsDir, 'rpeak-proto', 'manifest.json')), 'float32'));
    assert.equal(infos.at(-1)!.models.map((m) => [m.variant, m.precision, m.sha256]), [['float32', 'float32', manifest.variants.float32.sha256]]);
    slot.rollback('test');
    assert.is(infos.at(-1)!.models[0].variant, 'int8-tfconverter');
    assert.is(infos.length, 4);
  } finally {
    bridge.stop();
    await models.close();
  }
});

test.run();
