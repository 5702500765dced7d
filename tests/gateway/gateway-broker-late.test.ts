// Broker absent at start: the gateway runs, computes and queues; when the broker appears, the
// outbox drains in order and nothing computed is lost.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { EmbeddedBroker } from '../../src/mqtt/broker.js';
import { Controller } from '../../src/gateway/controller.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { freePort } from '../_support/brokers.js';
import { waitFor } from '../_support/env.js';
import { makeConfig, makeGarment, tempDir } from './_harness.js';

test('no broker at start: results queue in the outbox, then drain in order when it appears', async () => {
  const dir = tempDir();
  const port = await freePort();
  const garment = makeGarment(dir, 4);
  garment.start();
  const controller = new Controller({ config: makeConfig(dir, { url: `mqtt://127.0.0.1:${port}` }), log: createMemoryLogger() });
  let beatsComputed = 0;
  controller.bus.on('ecg:beats', ({ count }) => (beatsComputed += count));
  await controller.start();
  // Everything the gateway publishes, as the broker receives it (hooked in before the port opens).
  const beatSeqs: number[] = [];
  const broker = new EmbeddedBroker({
    port,
    aedes: {
      published: (packet, client, done) => {
        if (client && packet.topic === 'weargate/gw-test/g1/ecg/beats') {
          beatSeqs.push((JSON.parse(packet.payload.toString()) as { seq: number }).seq);
        }
        done();
      },
    },
  });
  try {
    await waitFor('beats computed while the broker is down', () => beatsComputed >= 8, 15_000);
    assert.is(controller.mqtt!.isConnected, false);
    // Beat batches leave every 2 s of device time: on a loaded machine the third may still be on its way.
    await waitFor('three results queued in the outbox', () => controller.mqtt!.stats().depth >= 3, 15_000);
    assert.is(controller.mqtt!.isConnected, false);

    await broker.start();
    const sub = await Subscriber.open(broker.url, ['weargate/gw-test/#']);
    try {
      await waitFor('publisher connected', () => controller.mqtt!.isConnected, 10_000);
      await waitFor('the broker received the queued beats', () => beatSeqs.length >= 3, 10_000);
      await sub.until('state online (retained)', (m) => m.some((x) => x.topic === 'weargate/gw-test/bridge/state' && x.text === 'online'));
      await waitFor('outbox drained', () => controller.mqtt!.stats().depth <= 2, 10_000);
      // Nothing computed while the broker was down is lost: the broker saw seq 0, 1, 2, ... in order.
      assert.equal(beatSeqs, beatSeqs.map((_, i) => i), `broker saw ${beatSeqs.join(',')}`);
    } finally {
      await sub.close();
    }
  } finally {
    await controller.stop();
    garment.stop();
    await broker.stop();
  }
});

test.run();
