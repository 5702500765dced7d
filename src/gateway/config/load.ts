// Loads a YAML or JSON config file: migrate old versions step by step, fill defaults, validate,
// and report every problem as `path: message` (the daemon refuses to start on any).
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../common/errors.js';
import { CONFIG_VERSION, GatewayConfig } from './schema.js';

type Migration = (old: Record<string, unknown>) => Record<string, unknown>;
/** migrations[n] turns a version-n document into version n+1. */
const migrations: Record<number, Migration> = {
  // Version 0 (pre-release) named the broker URL `broker` at top level.
  0: ({ broker, mqtt, ...rest }) => ({
    ...rest,
    version: 1,
    mqtt: { ...(typeof mqtt === 'object' && mqtt ? mqtt : {}), ...(typeof broker === 'string' ? { url: broker } : {}) },
  }),
};

export function migrateConfig(doc: Record<string, unknown>): Record<string, unknown> {
  let current = doc;
  let version = typeof current.version === 'number' ? current.version : 0;
  while (version < CONFIG_VERSION) {
    const step = migrations[version];
    if (!step) throw new ConfigError([`version: no migration from version ${version}`]);
    current = step(current);
    version++;
  }
  return current;
}

export function validateConfig(doc: unknown): GatewayConfig {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ConfigError(['(root): expected an object']);
  }
  const migrated = migrateConfig(doc as Record<string, unknown>);
  const withDefaults = Value.Default(GatewayConfig, Value.Clone(migrated));
  const problems = [...Value.Errors(GatewayConfig, withDefaults)].map(
    (e) => `${e.path ? e.path.slice(1).replaceAll('/', '.') : '(root)'}: ${e.message}`,
  );
  const config = withDefaults as GatewayConfig;
  if (problems.length === 0) problems.push(...crossFieldProblems(config));
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return config;
}

function crossFieldProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  config.devices.forEach((d, i) => {
    if (seen.has(d.id)) problems.push(`devices.${i}.id: duplicate device id '${d.id}'`);
    seen.add(d.id);
    if (d.reconnect.maxDelayMs < d.reconnect.initialDelayMs) {
      problems.push(`devices.${i}.reconnect.maxDelayMs: must be >= initialDelayMs`);
    }
  });
  const tls = config.mqtt.tls;
  if (tls && (tls.cert === undefined) !== (tls.key === undefined)) {
    problems.push('mqtt.tls: cert and key must be given together');
  }
  return problems;
}

/** Reads and parses a YAML or JSON config file without validating it. */
export function readConfigDocument(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`(file): cannot read ${path}: ${(err as Error).message}`]);
  }
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError([`(file): ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`]);
  }
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
    devices: config.devices.map((d) => ({ ...d, transport: { ...d.transport, path: abs(d.transport.path) } })),
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
