import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/common/errors.js';
import { loadConfigFile, validateConfig } from '../../src/gateway/config/load.js';

function problemsOf(doc: unknown): string[] {
  try {
    validateConfig(doc);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

test('a minimal config gets every default', () => {
  const c = validateConfig({ version: 1, gatewayId: 'gw1' });
  assert.is(c.mqtt.baseTopic, 'weargate');
  assert.is(c.mqtt.url, undefined);
  assert.is(c.mqtt.embeddedBroker.port, 1883);
  assert.is(c.health.intervalS, 10);
  assert.equal(c.devices, []);
});

test('device defaults are filled per device', () => {
  const c = validateConfig({
    version: 1,
    gatewayId: 'gw1',
    devices: [{ id: 'g1', kind: 'garment', transport: { type: 'serial', path: '/dev/ttyACM0' } }],
  });
  const garment = c.devices[0];
  if (garment.kind !== 'garment') throw new Error(`expected a garment, got ${garment.kind}`);
  assert.is(garment.transport.baudRate, 115200);
  assert.is(garment.ecg.detector, 'pan-tompkins');
  assert.is(garment.reconnect.initialDelayMs, 250);
});

test('every invalid field is reported as path: message', () => {
  const problems = problemsOf({
    version: 1,
    gatewayId: 'bad id/with#',
    mqtt: { keepaliveS: 1, baseTopic: 'a/#' },
    devices: [
      { id: 'g1', kind: 'toaster', transport: { type: 'serial', path: '' } },
      { id: 'g2', kind: 'garment', transport: { type: 'serial', path: '' }, ecg: { detector: 'magic' } },
    ],
    unknownField: true,
  });
  const joined = problems.join('\n');
  const paths = ['gatewayId:', 'mqtt.keepaliveS:', 'mqtt.baseTopic:', 'devices.0.kind:', 'devices.1.transport.path:', 'devices.1.ecg.detector:'];
  for (const path of paths) {
    assert.ok(joined.includes(path), `missing problem for ${path} in:\n${joined}`);
  }
  // A device of an unknown kind is checked no further: its fields mean nothing without a kind.
  assert.match(joined, /devices\.0\.kind: unknown device kind "toaster" \(known: garment(, [a-z0-9-]+)*\)/);
  assert.not.match(joined, /^devices\.\d+: /m, 'each device is checked against its own kind, not as a whole against the union');
  assert.ok(problems.some((p) => /unknownField|additional/i.test(p)), joined);
});

test('cross-field checks: duplicate device ids, tls cert without key', () => {
  const dev = { id: 'g1', kind: 'garment', transport: { type: 'serial', path: '/dev/x' } };
  const problems = problemsOf({ version: 1, gatewayId: 'gw', devices: [dev, dev], mqtt: { tls: { cert: 'c.pem' } } });
  assert.ok(problems.some((p) => p.startsWith('devices.1.id: duplicate')), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('mqtt.tls:')), problems.join('\n'));
});

test('version 0 documents migrate (broker -> mqtt.url)', () => {
  const c = validateConfig({ version: 0, gatewayId: 'gw', broker: 'mqtt://example:1883' });
  assert.is(c.version, 1);
  assert.is(c.mqtt.url, 'mqtt://example:1883');
});

test('YAML and JSON files load; relative paths resolve against the file; bad syntax is a ConfigError', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wg-config-'));
  writeFileSync(join(dir, 'a.yaml'), 'version: 1\ngatewayId: gw\ndataDir: state\n');
  assert.is(loadConfigFile(join(dir, 'a.yaml')).dataDir, join(dir, 'state'));
  writeFileSync(join(dir, 'b.json'), JSON.stringify({ version: 1, gatewayId: 'gw' }));
  assert.is(loadConfigFile(join(dir, 'b.json')).gatewayId, 'gw');
  writeFileSync(join(dir, 'c.yaml'), 'version: [1\n');
  assert.throws(() => loadConfigFile(join(dir, 'c.yaml')), (e: unknown) => e instanceof ConfigError);
  assert.throws(() => loadConfigFile(join(dir, 'missing.yaml')), (e: unknown) => e instanceof ConfigError);
});

test.run();
