// Preflight after validation: TLS files and dataDir are checked before anything starts, and every
// problem is `path: message` with the cause in words (never Node's raw error text), exit code 2.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preflightProblems } from '../../src/gateway/config/preflight.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import type { GatewayConfig } from '../../src/gateway/config/schema.js';

const root = new URL('../..', import.meta.url).pathname;
const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wg-preflight-'));
  chmodSync(dir, 0o755); // the unprivileged child below must be able to look inside
  return dir;
}

function config(dir: string, extra: { tls?: Record<string, string>; dataDir?: string } = {}): GatewayConfig {
  return validateConfig({ version: 1, gatewayId: 'gw', dataDir: extra.dataDir ?? join(dir, 'state'), mqtt: extra.tls ? { tls: extra.tls } : {} });
}

function tlsFiles(dir: string): { ca: string; cert: string; key: string } {
  const files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'client.pem'), key: join(dir, 'client.key') };
  writeFileSync(files.ca, PEM_CERT);
  writeFileSync(files.cert, PEM_CERT);
  writeFileSync(files.key, PEM_KEY);
  return files;
}

const noRawNodeText = (problems: string[]) => {
  for (const p of problems) {
    assert.match(p, /^[^:\s]+: .+$/);
    assert.not.match(p, /\b(ENOENT|EACCES|EROFS|ENOTDIR|EEXIST)\b|open '|mkdir '/, p);
  }
};

test('good TLS files and an absent dataDir (created) pass', () => {
  const dir = tempDir();
  assert.equal(preflightProblems(config(dir, { tls: tlsFiles(dir) })), []);
  assert.equal(preflightProblems(config(dir, { dataDir: join(dir, 'a', 'b', 'c') })), []);
});

test('TLS files: missing, not a regular file, not PEM, the wrong kind of PEM', () => {
  const dir = tempDir();
  const files = tlsFiles(dir);
  writeFileSync(files.cert, 'just some text\n');
  writeFileSync(files.key, PEM_CERT);
  const problems = preflightProblems(config(dir, { tls: { ca: join(dir, 'missing.pem'), cert: files.cert, key: files.key } }));
  assert.equal(problems, [
    `mqtt.tls.ca: ${join(dir, 'missing.pem')}: cannot read: no such file or directory`,
    `mqtt.tls.cert: ${files.cert}: not PEM (no -----BEGIN block)`,
    `mqtt.tls.key: ${files.key}: holds PEM 'CERTIFICATE', not a private key`,
  ]);
  const devices = preflightProblems(config(dir, { tls: { ca: '/dev/zero', cert: dir, key: files.key } }));
  assert.is(devices[0], 'mqtt.tls.ca: /dev/zero: is a character device, not a regular file');
  assert.is(devices[1], `mqtt.tls.cert: ${dir}: is a directory, not a regular file`);
  noRawNodeText([...problems, ...devices]);
});

test('dataDir: a file, or below a file', () => {
  const dir = tempDir();
  const file = join(dir, 'plain');
  writeFileSync(file, 'x');
  assert.equal(preflightProblems(config(dir, { dataDir: file })), [`dataDir: ${file} is a file, not a directory`]);
  const below = preflightProblems(config(dir, { dataDir: join(file, 'state') }));
  assert.equal(below, [`dataDir: ${join(file, 'state')}: a parent of it is not a directory`]);
  noRawNodeText(below);
});

test('unreadable TLS file, read-only and uncreatable dataDir (checked as an unprivileged user)', () => {
  const dir = tempDir();
  const files = tlsFiles(dir);
  const readOnly = join(dir, 'ro');
  mkdirSync(readOnly);
  chmodSync(readOnly, 0o555);
  chmodSync(files.key, 0o000);
  // root ignores permission bits: run the check as nobody then.
  const asRoot = process.getuid?.() === 0;
  const script = `const { preflightProblems } = await import(${JSON.stringify(join(root, 'src/gateway/config/preflight.ts'))});
    process.stdout.write(JSON.stringify(preflightProblems(JSON.parse(process.env.WG_CONFIG))));`;
  const check = (cfg: GatewayConfig): string[] => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, WG_CONFIG: JSON.stringify(cfg) },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    assert.is(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as string[];
  };
  const problems = check(config(dir, { tls: files, dataDir: readOnly }));
  assert.is(problems.length, 2, problems.join('\n'));
  assert.is(problems[0], `mqtt.tls.key: ${files.key}: cannot read: permission denied`);
  assert.match(problems[1], new RegExp(`^dataDir: ${readOnly} is not writable: permission denied \\(running as uid \\d+\\)$`));
  const uncreatable = check(config(dir, { dataDir: join(readOnly, 'state') }));
  assert.equal(uncreatable, [`dataDir: cannot create ${join(readOnly, 'state')}: permission denied`]);
  noRawNodeText([...problems, ...uncreatable]);
});

test('weargate run refuses a bad dataDir before starting anything: exit 2, path: message, no stack', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'plain'), 'x');
  const file = join(dir, 'gw.yaml');
  writeFileSync(file, `version: 1\ngatewayId: gw\ndataDir: plain\nmqtt: { tls: { ca: nowhere.pem } }\n`);
  const r = spawnSync(process.execPath, [join(root, 'bin/weargate.js'), 'run', '--config', file], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /refusing to start/);
  assert.match(r.stderr, new RegExp(`\\n  mqtt\\.tls\\.ca: ${join(dir, 'nowhere.pem')}: cannot read: no such file or directory\\n`));
  assert.match(r.stderr, new RegExp(`\\n  dataDir: ${join(dir, 'plain')} is a file, not a directory`));
  assert.not.match(r.stderr, /\n\s+at /);
  assert.not.match(r.stdout + r.stderr, /embedded MQTT broker listening/);
});

test('the demo (npm start) goes through the same preflight', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'plain'), 'x');
  const file = join(dir, 'demo.yaml');
  writeFileSync(file, `version: 1\ngatewayId: demo\ndataDir: plain\nsimulators: []\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'hardware/demo.ts'), '--config', file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`dataDir: ${join(dir, 'plain')} is a file, not a directory`));
  assert.not.match(r.stderr, /\n\s+at /);
});

test.run();
