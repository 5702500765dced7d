// Every kind reports its counters in one shape: the same keys, and every error code present (zeros
// included), so `bridge/health` consumers never have to know which kind a device is.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Value } from '@sinclair/typebox/value';
import { deviceErrorCodes } from '../../../src/device/kinds/kind.js';
import { deviceKinds } from '../../../src/device/kinds/registry.js';
import { createMemoryLogger } from '../../../src/common/logger.js';

const transports: Record<string, unknown> = {
  serial: { type: 'serial', path: '/dev/null-weargate-test' },
  ble: { type: 'ble', address: '00:11:22:33:44:55' },
};

for (const entry of deviceKinds) {
  test(`${entry.kind}: counters have the common shape and every error code`, async () => {
    const transportSchema = (entry.schema.properties as Record<string, { properties?: { type?: { const?: string } } }>).transport;
    const transportType = transportSchema?.properties?.type?.const;
    const doc: Record<string, unknown> = { id: 'd1', kind: entry.kind };
    if (transportType && transports[transportType]) doc.transport = transports[transportType];
    const config = Value.Default(entry.schema, doc);
    assert.ok(Value.Check(entry.schema, config), `default config of ${entry.kind} is valid: ${[...Value.Errors(entry.schema, config)].map((e) => `${e.path} ${e.message}`).join('; ')}`);
    const kind = await entry.load();
    const session = kind.create({ deviceId: 'd1', config, log: createMemoryLogger('test'), onBlock: () => undefined, onStatus: () => undefined });
    const c = session.counters();
    assert.equal(Object.keys(c).sort(), ['connected', 'errors', 'framesLost', 'framesOk', 'reconnects', 'samplesLost']);
    assert.equal(Object.keys(c.errors).sort(), [...deviceErrorCodes].sort());
    for (const code of deviceErrorCodes) assert.is(c.errors[code], 0, code);
    assert.is(c.connected, false);
    await session.stop();
  });
}

test.run();
