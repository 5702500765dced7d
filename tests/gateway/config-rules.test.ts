// The config holes a hostile tester found, each a standing test: version, mqtt.url, reserved
// device ids, size and nesting limits, the embedded broker's security fields.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/common/errors.js';
import { isLoopbackHost, loadConfigFile, validateConfig } from '../../src/gateway/config/load.js';

const base = { version: 1, gatewayId: 'gw' };
const device = (id: string) => ({ id, kind: 'garment', transport: { type: 'serial', path: '/dev/ttyACM0' } });

function problemsOf(doc: unknown): string[] {
  try {
    validateConfig(doc);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

function fileProblems(name: string, text: string): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'wg-config-rules-')), name);
  writeFileSync(file, text);
  try {
    loadConfigFile(file);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

const has = (problems: string[], re: RegExp) => assert.ok(problems.some((p) => re.test(p)), `no ${re} in:\n${problems.join('\n')}`);

test('version is required and is an integer from 0 to CONFIG_VERSION', () => {
  for (const version of ['banana', '1', 1.5, -1, 2, null, [1], true, Infinity]) {
    const problems = problemsOf({ ...base, version });
    assert.equal(problems.length, 1, `${String(version)}: ${problems.join('\n')}`);
    has(problems, /^version: must be an integer from 0 .* to 1, got /);
  }
  has(problemsOf({ gatewayId: 'gw' }), /^version: required/);
  assert.is(validateConfig({ ...base }).version, 1);
});

test('version 0 documents: unknown keys and bad broker values are reported, not dropped', () => {
  has(problemsOf({ version: 0, gatewayId: 'gw', brokerUrl: 'mqtt://x' }), /^brokerUrl: unknown key in a version 0 document/);
  has(problemsOf({ version: 0, gatewayId: 'gw', broker: 5 }), /^broker: expected a string/);
  has(problemsOf({ version: 0, gatewayId: 'gw', mqtt: 'x' }), /^mqtt: expected an object/);
  has(problemsOf({ version: 0, gatewayId: 'gw', broker: 'mqtt://a', mqtt: { url: 'mqtt://b' } }), /^broker: the broker URL is given twice/);
  has(problemsOf({ version: 0, gatewayId: 'gw', broker: 'http://a' }), /^mqtt\.url: /);
});

test('mqtt.url: only mqtt, mqtts, ws and wss URLs with a host', () => {
  for (const url of ['mqtt://broker:1883', 'mqtts://b.example:8883', 'ws://127.0.0.1:9001/mqtt', 'wss://u:p@b.example/mqtt', 'mqtt://[::1]:1883']) {
    assert.equal(problemsOf({ ...base, mqtt: { url } }), [], url);
  }
  for (const url of ['http://b', 'file:///etc/passwd', 'tcp://b:1883', 'mqtt://', 'mqtt:/b', 'mqtt:b', 'broker:1883', 'not a url', '', 'mqtt://b:99999', 'mqtt://b\n.example']) {
    has(problemsOf({ ...base, mqtt: { url } }), /^mqtt\.url: /);
  }
  const withPassword = problemsOf({ ...base, mqtt: { url: 'mqtt//user:s3cret@b' } });
  assert.ok(!withPassword.join('\n').includes('s3cret'), 'the URL (maybe with a password) is not echoed');
});

test("a device id 'bridge' is reserved", () => {
  const problems = problemsOf({ ...base, devices: [device('g1'), device('bridge')] });
  has(problems, /^devices\.1\.id: 'bridge' is reserved/);
  assert.equal(problemsOf({ ...base, devices: [device('Bridge'), device('bridge-2')] }), []);
});

test('size limits: at most 256 devices, long strings refused, deep nesting refused with a path', () => {
  const many = Array.from({ length: 257 }, (_, i) => device(`d${i}`));
  has(problemsOf({ ...base, devices: many }), /^devices: /);
  assert.equal(problemsOf({ ...base, devices: many.slice(0, 256) }), []);
  const huge = Array.from({ length: 100_000 }, (_, i) => device(`d${i}`));
  const started = performance.now();
  has(problemsOf({ ...base, devices: huge }), /^devices: 100000 items, more than the 256 allowed/);
  assert.ok(performance.now() - started < 200, 'refused before the schema walks 100k devices');
  has(problemsOf({ ...base, dataDir: 'x'.repeat(5000) }), /^dataDir: /);
  has(problemsOf({ ...base, mqtt: { password: 'x'.repeat(2000) } }), /^mqtt\.password: /);
  let deep: unknown = 1;
  for (let i = 0; i < 10_000; i++) deep = { a: deep };
  has(problemsOf({ ...base, mqtt: { tls: deep } }), /^mqtt\.tls(\.a)+: nested deeper than 32 levels/);
  const cyclic: Record<string, unknown> = { ...base };
  cyclic.self = cyclic;
  has(problemsOf(cyclic), /nested deeper than 32 levels/);
});

test('an array where an object belongs, or an object where an array belongs, is refused, not merged into the defaults', () => {
  has(problemsOf({ ...base, devices: {} }), /^devices: Expected array$/);
  has(problemsOf({ ...base, mqtt: { embeddedBroker: { users: { a: 1 } } } }), /^mqtt\.embeddedBroker\.users: Expected array$/);
  has(problemsOf({ ...base, mqtt: [] }), /^mqtt: Expected object$/);
  has(problemsOf({ ...base, mqtt: { outbox: [] } }), /^mqtt\.outbox: Expected object$/);
  has(problemsOf({ ...base, devices: [{ ...(device('g1') as object), ecg: [] }] }), /^devices\.0\.ecg: Expected object$/);
});

test('odd keys keep every problem a single `path: message` line', () => {
  const problems = problemsOf({ ...base, 'a:b\nc': 1, mqtt: { 'x: y': 2 } });
  for (const p of problems) assert.match(p, /^[^:\n]+: [^\n]+$/);
  has(problems, /^a%3ab%0ac: /);
  has(problems, /^mqtt\.x%3a%20y: /);
  // An own `__proto__` key (JSON.parse makes one) would vanish in a clone instead of being reported.
  has(problemsOf(JSON.parse('{"version": 1, "gatewayId": "gw", "__proto__": {"x": 1}}')), /^__proto__: key not allowed/);
});

test('file limits: 1 MiB, YAML nesting, alias bombs, multiple documents: all `(file): ...`', () => {
  has(fileProblems('big.yaml', `version: 1\ngatewayId: gw\n#${'x'.repeat(1024 * 1024)}\n`), /^\(file\): config file .* larger than the 1 MiB limit/);
  has(fileProblems('deep.yaml', `version: 1\nx: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`), /^\(file\): .* nested deeper than 32 levels/);
  has(fileProblems('deep.json', `{"version": 1, "x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`), /^x(\.0)+: nested deeper than 32 levels/);
  const block = Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
  has(fileProblems('block.yaml', `${block} 1\n`), /^\(file\): .* nested deeper than 32 levels/);
  const seq = `version: 1\ngatewayId: gw\ndevices:\n${'  - '.repeat(1)}${'- '.repeat(50_000)}x\n`;
  has(fileProblems('seq.yaml', seq), /^\(file\): /);
  const letters = 'abcdefghij';
  const bomb = [`a: &a [x, x, x, x, x, x, x, x, x, x]`, ...[...letters.slice(1)].map((l, i) => `${l}: &${l} [${Array(10).fill(`*${letters[i]}`).join(', ')}]`)].join('\n');
  has(fileProblems('bomb.yaml', `${bomb}\n`), /^\(file\): .* YAML aliases/);
  has(fileProblems('two.yaml', 'version: 1\ngatewayId: gw\n---\nversion: 1\n'), /^\(file\): .* more than one YAML document/);
  has(fileProblems('dup.yaml', 'version: 1\nversion: 1\ngatewayId: gw\n'), /^\(file\): .* not valid YAML: .*unique/);
  has(fileProblems('tokens.yaml', `version: 1\ngatewayId: gw\ndevices: [${Array(100_000).fill('{}').join(',')}]\n`), /^\(file\): .* more than 100000 YAML tokens/);
  has(fileProblems('devices.json', JSON.stringify({ version: 1, gatewayId: 'gw', devices: Array(100_000).fill({}) })), /^devices: 100000 items, more than the 256 allowed$/);
  has(fileProblems('empty.yaml', ''), /^\(root\): expected an object, got null/);
  has(fileProblems('list.yaml', '- 1\n'), /^\(root\): expected an object, got an array/);
});

test('embedded broker: users, allowAnonymous, maxPacketBytes and their defaults', () => {
  const c = validateConfig(base);
  assert.equal(c.mqtt.embeddedBroker.users, []);
  assert.is(c.mqtt.embeddedBroker.allowAnonymous, undefined);
  assert.is(c.mqtt.embeddedBroker.maxPacketBytes, 262_144);
  assert.is(c.mqtt.outbox.memoryFallbackBytes, 8_388_608);
  const users = [{ username: 'gw-reader', password: 'correct horse' }];
  assert.equal(problemsOf({ ...base, mqtt: { embeddedBroker: { host: '0.0.0.0', users } } }), []);
  assert.equal(problemsOf({ ...base, mqtt: { embeddedBroker: { host: '127.0.0.1', allowAnonymous: true } } }), []);
  has(problemsOf({ ...base, mqtt: { embeddedBroker: { host: '0.0.0.0' } } }), /^mqtt\.embeddedBroker\.users: authentication is required when the embedded broker listens beyond loopback \(host "0\.0\.0\.0"\)/);
  has(problemsOf({ ...base, mqtt: { embeddedBroker: { host: '192.168.1.5', users, allowAnonymous: true } } }), /^mqtt\.embeddedBroker\.allowAnonymous: /);
  has(problemsOf({ ...base, mqtt: { embeddedBroker: { users: [{ username: 'a', password: 'short' }] } } }), /^mqtt\.embeddedBroker\.users\.0\.password: /);
  has(problemsOf({ ...base, mqtt: { embeddedBroker: { users: [{ username: '', password: '12345678' }] } } }), /^mqtt\.embeddedBroker\.users\.0\.username: /);
  has(problemsOf({ ...base, mqtt: { embeddedBroker: { users: [{ ...users[0], role: 'admin' }] } } }), /^mqtt\.embeddedBroker\.users\.0\.role: /);
  has(problemsOf({ ...base, mqtt: { embeddedBroker: { users: [...users, ...users] } } }), /^mqtt\.embeddedBroker\.users\.1\.username: duplicate/);
  has(problemsOf({ ...base, mqtt: { embeddedBroker: { users: Array(65).fill(users[0]) } } }), /^mqtt\.embeddedBroker\.users: /);
  for (const maxPacketBytes of [1023, 16 * 1024 * 1024 + 1, 2000.5]) {
    has(problemsOf({ ...base, mqtt: { embeddedBroker: { maxPacketBytes } } }), /^mqtt\.embeddedBroker\.maxPacketBytes: /);
  }
  for (const memoryFallbackBytes of [65_535, 256 * 1024 * 1024 + 1]) {
    has(problemsOf({ ...base, mqtt: { outbox: { memoryFallbackBytes } } }), /^mqtt\.outbox\.memoryFallbackBytes: /);
  }
});

test('loopback hosts', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(host), host);
  for (const host of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'fe80::1%eth0', 'pi.local', '', '128.0.0.1', '::ffff:10.0.0.1']) assert.not.ok(isLoopbackHost(host), host);
});

test.run();
