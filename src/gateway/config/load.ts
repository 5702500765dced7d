// Loads a YAML or JSON config file: check its shape and version, migrate old versions step by
// step, fill defaults, validate, and report every problem as `path: message` (the daemon refuses
// to start on any).
import { isIPv4, isIPv6 } from 'node:net';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigError } from '../../common/errors.js';
import { checkDeviceId } from '../../mqtt/api.js';
import { documentShapeProblems, formatPath, quoteValue, readConfigDocument } from './document.js';
import { validateDevices } from './devices.js';
import { CONFIG_VERSION, GatewayConfig, type DeviceConfig } from './schema.js';

export { readConfigDocument } from './document.js';

// Past this many, the list is cut: the first ones are what the user fixes first anyway.
const MAX_REPORTED_PROBLEMS = 100;

type Doc = Record<string, unknown>;
/** One migration step: the next version's document; problems when the old one cannot migrate. */
type Migration = (old: Doc, problems: string[]) => Doc;

const isObject = (value: unknown): value is Doc => typeof value === 'object' && value !== null && !Array.isArray(value);

const VERSION_0_KEYS = new Set(['version', 'gatewayId', 'dataDir', 'logLevel', 'broker', 'mqtt', 'health', 'statusLine', 'devices']);

/** migrations[n] turns a version-n document into version n+1; a step never drops a key silently. */
const migrations: Record<number, Migration> = {
  // Version 0 (pre-release) named the broker URL `broker` at top level.
  0: (old, problems) => {
    const { broker, mqtt, ...rest } = old;
    for (const key of Object.keys(old)) {
      if (!VERSION_0_KEYS.has(key)) problems.push(`${formatPath([key])}: unknown key in a version 0 document`);
    }
    if (broker !== undefined && typeof broker !== 'string') problems.push('broker: expected a string (the version 0 broker URL)');
    if (mqtt !== undefined && !isObject(mqtt)) problems.push('mqtt: expected an object');
    if (broker !== undefined && isObject(mqtt) && mqtt.url !== undefined) {
      problems.push('broker: the broker URL is given twice (broker is the version 0 name of mqtt.url)');
    }
    return { ...rest, version: 1, mqtt: { ...(isObject(mqtt) ? mqtt : {}), ...(typeof broker === 'string' ? { url: broker } : {}) } };
  },
};

function versionProblem(doc: Doc): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(doc, 'version')) {
    return `version: required, the config format version (${CONFIG_VERSION} for this release)`;
  }
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0 || version > CONFIG_VERSION) {
    return `version: must be an integer from 0 (pre-release, migrated) to ${CONFIG_VERSION}, got ${quoteValue(version)}`;
  }
  return undefined;
}

/** Brings a document of any supported version to CONFIG_VERSION; ConfigError when it cannot. */
export function migrateConfig(doc: Doc): Doc {
  const problem = versionProblem(doc);
  if (problem) throw new ConfigError([problem]);
  let current = doc;
  for (let version = doc.version as number; version < CONFIG_VERSION; version++) {
    const problems: string[] = [];
    current = migrations[version](current, problems);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  return current;
}

/** `/devices/0/id` (a JSON pointer, as TypeBox reports paths) to `devices.0.id`. */
function pointerPath(pointer: string): string {
  if (pointer === '') return '(root)';
  return formatPath(pointer.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~')));
}

/**
 * Arrays where the schema has objects and objects where it has arrays: Value.Default merges them
 * into the default (`Object.assign({}, [])`), so `mqtt: []` or `users: {}` would pass. Reported first.
 */
function containerKindProblems(schema: TSchema, value: unknown, path: (string | number)[], problems: string[]): void {
  if (schema.type === 'object' && Array.isArray(value)) problems.push(`${formatPath(path)}: Expected object`);
  else if (schema.type === 'array' && isObject(value)) problems.push(`${formatPath(path)}: Expected array`);
  else if (schema.type === 'object' && isObject(value)) {
    for (const [key, property] of Object.entries(schema.properties as Record<string, TSchema>)) {
      containerKindProblems(property, value[key], [...path, key], problems);
    }
  } else if (schema.type === 'array' && Array.isArray(value)) {
    value.forEach((item, i) => containerKindProblems(schema.items as TSchema, item, [...path, i], problems));
  }
}

export function validateConfig(doc: unknown): GatewayConfig {
  if (!isObject(doc)) throw new ConfigError([`(root): expected an object, got ${doc === null ? 'null' : Array.isArray(doc) ? 'an array' : typeof doc}`]);
  const shape = documentShapeProblems(doc);
  if (shape.length > 0) throw new ConfigError(shape);
  const { devices, ...migrated } = migrateConfig(doc);
  const containers: string[] = [];
  containerKindProblems(GatewayConfig, migrated, [], containers);
  if (containers.length > 0) throw new ConfigError(containers);
  const checkedDevices = validateDevices(devices, containerKindProblems, MAX_REPORTED_PROBLEMS);
  const withDefaults = Value.Default(GatewayConfig, Value.Clone(migrated)) as Record<string, unknown>;
  withDefaults.devices = checkedDevices.devices;
  const problems = new Set<string>(checkedDevices.problems);
  for (const e of Value.Errors(GatewayConfig, withDefaults)) {
    // Devices were checked against their own kind above; the union's "Expected union value" adds nothing.
    if (e.path.startsWith('/devices/') && checkedDevices.problems.length > 0) continue;
    if (problems.size === MAX_REPORTED_PROBLEMS) {
      problems.add('(root): more problems not shown; fix these first');
      break;
    }
    problems.add(`${pointerPath(e.path)}: ${e.message}`);
  }
  const config = withDefaults as GatewayConfig;
  if (problems.size === 0) for (const p of crossFieldProblems(config)) problems.add(p);
  if (problems.size > 0) throw new ConfigError([...problems]);
  return config;
}

const MQTT_SCHEMES = new Set(['mqtt:', 'mqtts:', 'ws:', 'wss:']);

function mqttUrlProblem(url: string): string | undefined {
  const expected = 'expected mqtt://host[:port], mqtts://, ws:// or wss://';
  // URL() silently drops tabs and newlines inside and trims the ends; refuse them instead.
  if (/[\s\u0000-\u001f\u007f]/.test(url)) return 'mqtt.url: contains spaces or control characters';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `mqtt.url: not a URL; ${expected}`; // the text may hold a password: not echoed
  }
  if (!MQTT_SCHEMES.has(parsed.protocol)) return `mqtt.url: scheme ${quoteValue(parsed.protocol)} is not an MQTT transport; ${expected}`;
  if (parsed.hostname === '') return `mqtt.url: no host; ${expected}`;
  return undefined;
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped 127.x) and localhost: reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  if (name === 'localhost') return true;
  if (isIPv4(name)) return name.startsWith('127.');
  if (!isIPv6(name)) return false;
  try {
    const canonical = new URL(`http://[${name}]`).hostname;
    return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
  } catch {
    return false; // zone ids (fe80::1%eth0) are link-local, not loopback
  }
}

/** Two users of one SPI chip select or one GPIO line (enabled devices and the gpio section) would fight over it. */
function pinProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  const claim = (resource: string, path: string): void => {
    const owner = owners.get(resource);
    if (owner === undefined) owners.set(resource, path);
    else problems.push(`${path}: ${resource} is already used by ${owner}`);
  };
  config.devices.forEach((d, i) => {
    if (d.kind !== 'ads1299' || !d.enabled) return;
    claim(`SPI ${d.spi.bus}.${d.spi.device}`, `devices.${i}.spi`);
    claim(`GPIO ${d.drdy.chip}:${d.drdy.line}`, `devices.${i}.drdy`);
  });
  if (config.gpio?.led) claim(`GPIO ${config.gpio.led.chip}:${config.gpio.led.line}`, 'gpio.led');
  if (config.gpio?.button) claim(`GPIO ${config.gpio.button.chip}:${config.gpio.button.line}`, 'gpio.button');
  return problems;
}

function crossFieldProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  config.devices.forEach((d, i) => {
    if (seen.has(d.id)) problems.push(`devices.${i}.id: duplicate device id '${d.id}'`);
    seen.add(d.id);
    try {
      checkDeviceId(d.id); // the MQTT API owns the list of reserved topic levels
    } catch {
      problems.push(`devices.${i}.id: '${d.id}' is reserved for the gateway's own topics (<baseTopic>/<gatewayId>/${d.id}/...)`);
    }
    // Kinds wired to the gateway's own bus (ads1299: `spi`, `drdy`) have no `transport`.
    const transport: { type: string; address?: string; name?: string } | undefined = 'transport' in d ? d.transport : undefined;
    if (transport?.type === 'ble' && transport.address === undefined && transport.name === undefined) {
      problems.push(`devices.${i}.transport: a BLE device needs its address or its advertised name`);
    }
    if (d.reconnect.maxDelayMs < d.reconnect.initialDelayMs) {
      problems.push(`devices.${i}.reconnect.maxDelayMs: must be >= initialDelayMs`);
    }
  });
  problems.push(...pinProblems(config));
  const { url, tls, embeddedBroker } = config.mqtt;
  const urlProblem = url === undefined ? undefined : mqttUrlProblem(url);
  if (urlProblem) problems.push(urlProblem);
  if (tls && (tls.cert === undefined) !== (tls.key === undefined)) {
    problems.push('mqtt.tls: cert and key must be given together');
  }
  // Checked even when mqtt.url is set: removing the url later must not expose an open broker.
  if (!isLoopbackHost(embeddedBroker.host)) {
    const where = `the embedded broker listens beyond loopback (host ${quoteValue(embeddedBroker.host)})`;
    if (embeddedBroker.users.length === 0) problems.push(`mqtt.embeddedBroker.users: authentication is required when ${where}`);
    if (embeddedBroker.allowAnonymous === true) problems.push(`mqtt.embeddedBroker.allowAnonymous: must not be true when ${where}`);
  }
  const rec = config.recording;
  if (rec.devices !== 'all') {
    rec.devices.forEach((id, i) => {
      if (!seen.has(id)) problems.push(`recording.devices.${i}: no device '${id}' is configured`);
    });
  }
  const usernames = new Set<string>();
  embeddedBroker.users.forEach((u, i) => {
    if (usernames.has(u.username)) problems.push(`mqtt.embeddedBroker.users.${i}.username: duplicate username ${quoteValue(u.username)}`);
    usernames.add(u.username);
  });
  return problems;
}

/** Reads, parses and validates a config file; relative paths inside resolve against its folder. */
export function loadConfigFile(path: string): GatewayConfig {
  return resolvePaths(validateConfig(readConfigDocument(path)), dirname(resolve(path)));
}

export function resolvePaths(config: GatewayConfig, baseDir: string): GatewayConfig {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return {
    ...config,
    dataDir: abs(config.dataDir),
    // Byte-stream transports name a file (a serial device, a simulator's PTY link); BLE names a peripheral.
    devices: config.devices.map((d): DeviceConfig => {
      if (!('transport' in d) || !('path' in d.transport)) return d;
      // Same kind, same fields: only the path changes (TS cannot follow a spread through the union).
      return { ...d, transport: { ...d.transport, path: abs(d.transport.path) } } as DeviceConfig;
    }),
    recording: config.recording.dir === undefined ? config.recording : { ...config.recording, dir: abs(config.recording.dir) },
    models: config.models.dir === undefined ? config.models : { ...config.models, dir: abs(config.models.dir) },
    mqtt: {
      ...config.mqtt,
      tls: config.mqtt.tls && {
        ...config.mqtt.tls,
        ca: config.mqtt.tls.ca && abs(config.mqtt.tls.ca),
        cert: config.mqtt.tls.cert && abs(config.mqtt.tls.cert),
        key: config.mqtt.tls.key && abs(config.mqtt.tls.key),
      },
    },
  };
}
