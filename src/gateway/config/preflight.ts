// Checks, after validation and before anything starts, that the files and folders a config names
// are usable: the daemon refuses with `path: message` instead of failing later with Node's raw
// error text deep inside the MQTT client or SQLite.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { describeFsError, InputFileError, kindOf, readBoundedTextFileSync } from '../../common/bounded-read.js';
import { ConfigError } from '../../common/errors.js';
import type { GatewayConfig } from './schema.js';

// Certificate chains are a few KiB; a bundle of every public CA is about 250 KiB.
const MAX_PEM_BYTES = 1024 * 1024;

/** Throws ConfigError listing every problem; creates dataDir when it does not exist. */
export function preflightConfig(config: GatewayConfig): void {
  const problems = preflightProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
}

export function preflightProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  const tls = config.mqtt.tls;
  for (const field of ['ca', 'cert', 'key'] as const) {
    const file = tls?.[field];
    const problem = file === undefined ? undefined : pemProblem(file, field === 'key' ? 'private key' : 'certificate');
    if (problem) problems.push(`mqtt.tls.${field}: ${problem}`);
  }
  const dataDir = dataDirProblem(config.dataDir);
  if (dataDir) problems.push(`dataDir: ${dataDir}`);
  return problems;
}

function pemProblem(file: string, expected: 'certificate' | 'private key'): string | undefined {
  let text: string;
  try {
    text = readBoundedTextFileSync(file, { maxBytes: MAX_PEM_BYTES, what: 'PEM file' });
  } catch (err) {
    if (err instanceof InputFileError) return `${file}: ${err.reason}`;
    throw err;
  }
  const labels = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1]);
  if (labels.length === 0) return `${file}: not PEM (no -----BEGIN block)`;
  const wanted = expected === 'private key' ? /PRIVATE KEY$/ : /CERTIFICATE$/;
  if (!labels.some((label) => wanted.test(label))) {
    return `${file}: holds PEM ${labels.map((l) => `'${l}'`).join(', ')}, not a ${expected}`;
  }
  return undefined;
}

function dataDirProblem(dir: string): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return `${dir}: ${describeFsError(err)}`;
    try {
      mkdirSync(dir, { recursive: true });
      stats = statSync(dir);
    } catch (createErr) {
      return `cannot create ${dir}: ${describeFsError(createErr)}`;
    }
  }
  if (!stats.isDirectory()) return `${dir} is ${kindOf(stats)}, not a directory`;
  return writeProbeProblem(dir);
}

/** Permission bits do not tell about read-only mounts, ACLs or a full disk: try a write. */
function writeProbeProblem(dir: string): string | undefined {
  const probe = join(dir, `.weargate-write-test-${process.pid}-${randomBytes(4).toString('hex')}`);
  let fd: number | undefined;
  try {
    fd = openSync(probe, 'wx');
    writeSync(fd, 'weargate write test\n');
    return undefined;
  } catch (err) {
    const uid = process.getuid?.();
    return `${dir} is not writable: ${describeFsError(err)}${uid === undefined ? '' : ` (running as uid ${uid})`}`;
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
      try {
        unlinkSync(probe);
      } catch {
        // A leftover probe file is harmless; the write itself succeeded.
      }
    }
  }
}
