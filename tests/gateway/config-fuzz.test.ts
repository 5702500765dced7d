// Standing fuzz test of config validation: documents made invalid on purpose, over the schema
// (wrong types, out-of-range numbers, unknown keys at every level, huge arrays, deep nesting,
// random ids/urls/versions, junk at the root), are all refused with a ConfigError whose every
// problem is one `path: message` line, fast; and the daemon refuses the worst ones as files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { stringify as yamlStringify } from 'yaml';
import { ConfigError } from '../../src/common/errors.js';
import { parseYamlText } from '../../src/gateway/config/document.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { GatewayConfig } from '../../src/gateway/config/schema.js';

const PROBLEM_LINE = /^[^:\n]+: [^\n]+$/;
// Generous: the defect was minutes and gigabytes; a loaded 2-core CI box must not turn GC pauses into failures.
const MAX_MS_PER_DOCUMENT = 1_000;
const RUNS = 300;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

const device = (id: string): Json => ({
  id,
  kind: 'garment',
  transport: { type: 'serial', path: `/dev/serial/by-id/${id}`, baudRate: 115200 },
  enabled: true,
  reconnect: { initialDelayMs: 250, maxDelayMs: 10_000 },
  silenceTimeoutS: 5,
  ecg: { detector: 'hamilton', channel: 0, beatsPublishIntervalS: 2, hrPublishIntervalS: 5, hrvWindowS: 60, maxGapFillS: 2 },
});

/** Every field spelled out, so every field is a mutation target. */
const VALID: Json = {
  version: 1,
  gatewayId: 'pi-lab-1',
  dataDir: '/var/lib/weargate',
  logLevel: 'info',
  mqtt: {
    embeddedBroker: { host: '127.0.0.1', port: 1883, users: [{ username: 'reader', password: 'correct horse' }], allowAnonymous: false, maxPacketBytes: 262_144 },
    baseTopic: 'weargate',
    clientId: 'gw-1',
    username: 'gw1',
    password: 'secret',
    tls: { ca: 'ca.pem', cert: 'client.pem', key: 'client.key', rejectUnauthorized: true },
    keepaliveS: 30,
    reconnectPeriodMs: 2000,
    outbox: { maxBytes: 67_108_864, maxAgeS: 604_800, memoryFallbackBytes: 8_388_608 },
  },
  health: { intervalS: 10 },
  statusLine: { enabled: true, intervalS: 2 },
  devices: [device('athlete-07'), device('athlete-08')],
};

const clone = (doc: Json): Json => structuredClone(doc);
const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Every path of the valid document (containers and leaves), with the schema node it must match. */
function targets(doc: Json, schema: TSchema, path: Path = []): { path: Path; value: Json; schema: TSchema }[] {
  // A device is a union discriminated on kind: descend into the member of this document's kind.
  if (Array.isArray(schema.anyOf) && doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    const members = schema.anyOf as TSchema[];
    schema = members.find((m) => (m.properties as Record<string, TSchema> | undefined)?.kind?.const === doc.kind) ?? schema;
  }
  const out = [{ path, value: doc, schema }];
  if (Array.isArray(doc)) doc.forEach((item, i) => out.push(...targets(item, schema.items as TSchema, [...path, i])));
  else if (doc !== null && typeof doc === 'object') {
    for (const [key, value] of Object.entries(doc)) out.push(...targets(value, (schema.properties as Record<string, TSchema>)[key], [...path, key]));
  }
  return out;
}
const TARGETS = targets(VALID, GatewayConfig);
const LEAVES = TARGETS.filter((t) => t.value === null || typeof t.value !== 'object');
const OBJECTS = TARGETS.filter((t) => kindOf(t.value) === 'object');

function setAt(doc: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  let node = doc as Record<string | number, Json>;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, Json>;
  node[path[path.length - 1]] = value;
  return doc;
}

const mutate = (path: Path, value: Json): Json => setAt(clone(VALID), path, value);
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme', maxLength: 200 }));
const small: fc.Arbitrary<Json> = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant<Json>([]), fc.constant<Json>({}));
const byKind: Record<string, fc.Arbitrary<Json>> = {
  string: text,
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true })),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.array(small, { maxLength: 3 }),
  object: fc.dictionary(text, small, { maxKeys: 3 }),
};

/** A value of another JSON kind than the valid one (a number where a string belongs ...). */
const wrongType = fc.constantFrom(...TARGETS).chain(({ path, value }) =>
  fc.oneof(...Object.entries(byKind).filter(([kind]) => kind !== kindOf(value)).map(([, arb]) => arb)).map((v) => mutate(path, v)),
);

/** Numbers past a minimum/maximum, fractions for integers, NaN and infinities; strings past their lengths. */
const outOfRange = fc.constantFrom(...LEAVES.filter((t) => ['number', 'integer', 'string'].includes(String(t.schema.type)))).chain(({ path, schema }) => {
  const options: fc.Arbitrary<Json>[] = [];
  if (schema.type === 'string') {
    if (typeof schema.maxLength === 'number') options.push(fc.integer({ min: 1, max: 5000 }).map((extra) => 'x'.repeat((schema.maxLength as number) + extra)));
    if (typeof schema.minLength === 'number' && schema.minLength > 0) options.push(fc.constant(''));
    if (typeof schema.pattern === 'string') options.push(text.filter((s) => !new RegExp(schema.pattern as string).test(s)));
    if (typeof schema.const === 'string') options.push(text.filter((s) => s !== schema.const));
    if (options.length === 0) options.push(fc.constant(42));
  } else {
    // fast-check orders -0 below 0, but JSON Schema does not: -0 is a valid `minimum: 0` (WG_FC_SEED=1732995548 drew it).
    const min = schema.minimum;
    const max = schema.maximum;
    if (typeof min === 'number') options.push(fc.double({ max: min, maxExcluded: true, noNaN: true }).filter((v) => v < min));
    if (typeof max === 'number') options.push(fc.double({ min: max, minExcluded: true, noNaN: true }).filter((v) => v > max));
    if (schema.type === 'integer') options.push(fc.integer({ min: 1, max: 1000 }).map((n) => n + 0.5));
    options.push(fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY));
  }
  return fc.oneof(...options).map((v) => mutate(path, v));
});

/** A key the schema does not know, at any level (including `__proto__` and keys with `:` or newlines). */
const unknownKey = fc.constantFrom(...OBJECTS).chain(({ path, schema }) => {
  const known = new Set(Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {}));
  const key = fc.oneof(text, fc.constantFrom('__proto__', 'constructor', 'a:b', 'x\ny: 1', ' ', 'broker')).filter((k) => !known.has(k));
  return fc.tuple(key, small).map(([k, v]) => {
    const doc = clone(VALID);
    const target = path.reduce<Json>((node, segment) => (node as Record<string | number, Json>)[segment], doc) as Record<string, Json>;
    Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
    return doc;
  });
});

/** Arrays far past their maxItems, and huge arrays where no array belongs. */
const hugeArray = fc.oneof(
  fc.integer({ min: 257, max: 100_000 }).map((n) => mutate(['devices'], Array(n).fill(device('same')) as Json[])),
  fc.integer({ min: 65, max: 10_000 }).map((n) => mutate(['mqtt', 'embeddedBroker', 'users'], Array(n).fill({ username: 'u', password: 'password' }) as Json[])),
  fc.tuple(fc.constantFrom(...TARGETS.map((t) => t.path)), fc.integer({ min: 257, max: 200_000 })).map(([path, n]) => mutate(path, Array(n).fill(0) as Json[])),
);

/** 33 to 10 000 levels of arrays or objects anywhere. */
const deepNesting = fc
  .tuple(fc.constantFrom(...TARGETS.map((t) => t.path)), fc.integer({ min: 33, max: 10_000 }), fc.boolean())
  .map(([path, depth, asArrays]) => {
    let value: Json = 1;
    for (let i = 0; i < depth; i++) value = asArrays ? [value] : { a: value };
    return mutate(path, value);
  });

/** Random ids, URLs and versions that cannot be valid ones. */
const idPaths: Path[] = [['gatewayId'], ['devices', 0, 'id'], ['devices', 1, 'id']];
const badId = text.filter((s) => !/^[A-Za-z0-9_-]{1,64}$/.test(s));
const badStrings = fc.oneof(
  fc.tuple(fc.constantFrom(...idPaths), badId).map(([path, id]) => mutate(path, id)),
  fc.constantFrom(0, 1).map((i) => mutate(['devices', i, 'id'], 'bridge')),
  fc
    .oneof(
      text.filter((s) => !/^(mqtts?|wss?):/i.test(s)),
      fc.constantFrom('mqtt://', 'mqtts:///x', 'ws:// host', 'http://broker:1883', 'file:///etc/passwd', 'mqtt://h:70000', ' mqtt://h', 'mqtt://h\n'),
    )
    .map((url) => mutate(['mqtt', 'url'], url)),
  fc.oneof(text, fc.double().filter((v) => !Number.isInteger(v)), fc.integer().filter((v) => v < 0 || v > 1), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 })).map((version) => mutate(['version'], version)),
);

const rootJunk = fc.oneof(fc.constant(null), text, fc.double(), fc.boolean(), fc.array(small, { maxLength: 5 }), fc.constant([VALID]));

const crossField = fc.constantFrom(
  mutate(['devices', 1, 'id'], 'athlete-07'),
  mutate(['devices', 0, 'reconnect', 'maxDelayMs'], 100),
  mutate(['mqtt', 'tls'], { cert: 'c.pem' }),
  mutate(['mqtt', 'embeddedBroker'], { host: '0.0.0.0' }),
  mutate(['mqtt', 'embeddedBroker'], { host: '::', users: [] }),
  mutate(['mqtt', 'embeddedBroker', 'users', 1], { username: 'reader', password: 'another one' }),
);

const invalidDocument: fc.Arbitrary<unknown> = fc.oneof(wrongType, outOfRange, unknownKey, hugeArray, deepNesting, badStrings, rootJunk, crossField);

/** What `validate` throws (undefined when it accepts), and its duration: the faster of two runs when slow, so a GC pause is not a failure. */
function timedOutcome(validate: () => unknown): { error: unknown; elapsedMs: number } {
  let best = Number.POSITIVE_INFINITY;
  let error: unknown;
  for (let attempt = 0; attempt < 2 && best >= MAX_MS_PER_DOCUMENT; attempt++) {
    const started = performance.now();
    error = undefined;
    try {
      validate();
    } catch (err) {
      error = err;
    }
    best = Math.min(best, performance.now() - started);
  }
  return { error, elapsedMs: best };
}

function assertProblemLines(error: unknown): void {
  assert.instance(error, ConfigError, `threw ${String(error)}`);
  const problems = (error as ConfigError).problems;
  assert.ok(problems.length > 0);
  for (const p of problems) assert.match(p, PROBLEM_LINE);
}

/** The refusal of `doc`: a ConfigError of `path: message` lines, given fast. */
function assertRefused(doc: unknown): void {
  const { error, elapsedMs } = timedOutcome(() => validateConfig(doc));
  assert.ok(error !== undefined, 'accepted');
  assertProblemLines(error);
  assert.ok(elapsedMs < MAX_MS_PER_DOCUMENT, `took ${elapsedMs.toFixed(0)} ms`);
}

test('the valid base document is valid (so every mutation below is what makes a document invalid)', () => {
  validateConfig(clone(VALID));
  assert.ok(LEAVES.length > 40, `${LEAVES.length} leaves`);
});

test('invalid documents are refused with ConfigError `path: message` lines, each fast', () => {
  const started = performance.now();
  fc.assert(fc.property(invalidDocument, (doc) => assertRefused(doc)), { numRuns: 6 * RUNS });
  assert.ok(performance.now() - started < 90_000, 'bounded total');
});

test('random edits of a YAML config: a config or a ConfigError, never another exception', () => {
  const yaml = yamlStringify(VALID);
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.oneof(text, fc.constantFrom('[', '{', '&a ', '*a', ': ', '\n  ', '- ', '!!', '"', '#')));
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
      let source = yaml;
      for (const [at, cut, insert] of edits) {
        const i = at % (source.length + 1);
        source = source.slice(0, i) + insert + source.slice(i + cut);
      }
      const { error, elapsedMs } = timedOutcome(() => validateConfig(parseYamlText(source, 'fuzz.yaml')));
      if (error !== undefined) assertProblemLines(error);
      assert.ok(elapsedMs < MAX_MS_PER_DOCUMENT, `took ${elapsedMs.toFixed(0)} ms`);
    }),
    { numRuns: RUNS },
  );
});

const bin = new URL('../../bin/weargate.js', import.meta.url).pathname;

function runDaemon(file: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'run', '--config', file], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

test('weargate run refuses the worst files: exit 2, `path: message` lines, no stack trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wg-config-fuzz-'));
  const nest = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const cases: [string, string, RegExp][] = [
    ['devices-100k.json', JSON.stringify({ version: 1, gatewayId: 'gw', devices: Array(100_000).fill({}) }), /^devices: 100000 items, more than the 256 allowed$/],
    ['devices-100k-full.json', JSON.stringify({ ...(VALID as object), devices: Array.from({ length: 100_000 }, (_, i) => device(`d${i}`)) }), /^\(file\): .* larger than the 1 MiB limit$/],
    ['deep.yaml', `version: 1\ngatewayId: gw\nmqtt: ${nest(10_000)}\n`, /^\(file\): .* nested deeper than 32 levels/],
    ['big.yaml', `version: 1\ngatewayId: gw\n${'# padding\n'.repeat(210_000)}`, /^\(file\): .* is 2(\.0)? MiB, larger than the 1 MiB limit$/],
    ['bridge.yaml', 'version: 1\ngatewayId: gw\ndevices: [{ id: bridge, kind: garment, transport: { type: serial, path: /dev/x } }]\n', /^devices\.0\.id: 'bridge' is reserved/],
    ['banana.yaml', 'version: banana\ngatewayId: gw\n', /^version: must be an integer/],
  ];
  for (const [name, content] of cases) writeFileSync(join(dir, name), content);
  // Two at a time: the machine has two cores.
  const results: { status: number | null; stderr: string }[] = [];
  for (let i = 0; i < cases.length; i += 2) results.push(...(await Promise.all(cases.slice(i, i + 2).map(([name]) => runDaemon(join(dir, name))))));
  cases.forEach(([name, , expected], i) => {
    const { status, stderr } = results[i];
    assert.is(status, 2, `${name}: ${stderr}`);
    assert.not.ok(stderr.includes('    at '), `${name}: stack trace in\n${stderr}`);
    const lines = stderr.trimEnd().split('\n');
    assert.is(lines[0], 'weargate: refusing to start, invalid configuration:', name);
    for (const line of lines.slice(1)) assert.match(line, /^ {2}[^:\n]+: .+$/, `${name}: ${line}`);
    assert.ok(lines.slice(1).some((l) => expected.test(l.slice(2))), `${name}: no ${expected} in\n${stderr}`);
  });
});

test.run();
