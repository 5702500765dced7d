// deploy/install.sh without root: a staged install (DESTDIR) writes the unit, the BlueZ D-Bus
// policy, the default config (only when absent) and the code, and nothing else; --dry-run writes
// nothing; --uninstall removes what it wrote. The unit passes `systemd-analyze verify`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../src/gateway/config/load.js';
import { serviceEnv, serviceNodeFlags } from '../../src/gateway/node-flags.js';
import { requireCommands } from '../_support/env.js';

const root = new URL('../../', import.meta.url).pathname;
const script = join(root, 'deploy', 'install.sh');

function install(args: string[], destDir?: string): { status: number | null; out: string } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (destDir === undefined) delete env.DESTDIR;
  else env.DESTDIR = destDir;
  const r = spawnSync('bash', [script, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

function listAll(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? [`${prefix}${e.name}/`, ...listAll(join(dir, e.name), `${prefix}${e.name}/`)] : [`${prefix}${e.name}`],
  );
}

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

test('--dry-run plans every step and writes nothing', () => {
  const dest = mkdtempSync(join(tmpdir(), 'wg-install-dry-'));
  const r = install(['--dry-run', '--skip-apt'], dest);
  assert.is(r.status, 0, r.out);
  assert.equal(readdirSync(dest), [], 'nothing written');
  for (const step of ['npm ci', 'npm run build', 'npm prune --omit=dev', 'weargate.service', 'systemctl enable weargate.service']) {
    assert.ok(r.out.includes(step), `plan lacks '${step}':\n${r.out}`);
  }
  rmSync(dest, { recursive: true, force: true });
});

test('staged install: unit, D-Bus policy, config, code; a second run keeps the edited config', () => {
  const dest = mkdtempSync(join(tmpdir(), 'wg-install-'));
  try {
    const first = install(['--skip-apt', '--skip-npm', '--prefix', '/opt/wg-test'], dest);
    assert.is(first.status, 0, first.out);
    const unitPath = join(dest, 'etc/systemd/system/weargate.service');
    const unit = readFileSync(unitPath, 'utf8');
    assert.not.match(unit, /@[A-Z]+@/, 'every placeholder filled');
    const exec = /^ExecStart=(\/\S*node) (.*) \/opt\/wg-test\/dist\/src\/gateway\/cli\.js run --config \/etc\/weargate\/weargate\.yaml$/m.exec(unit);
    assert.ok(exec, `ExecStart: ${unit}`);
    assert.equal(exec[2]!.split(' '), [...serviceNodeFlags], 'the unit runs node with serviceNodeFlags (the flags the footprint bench measures)');
    for (const [key, value] of Object.entries(serviceEnv)) assert.ok(unit.includes(`\nEnvironment=${key}=${value}\n`), `unit lacks Environment=${key}=${value}`);
    for (const line of ['Type=notify', 'NotifyAccess=all', 'Restart=on-failure', 'User=weargate', 'SupplementaryGroups=bluetooth dialout gpio spi', 'StateDirectory=weargate', 'ConfigurationDirectory=weargate', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/weargate', 'NoNewPrivileges=yes']) {
      assert.ok(unit.split('\n').includes(line), `unit lacks ${line}`);
    }
    assert.match(unit, /^WatchdogSec=\d+$/m);
    assert.is(modeOf(unitPath), '644');
    const policy = readFileSync(join(dest, 'etc/dbus-1/system.d/weargate-bluez.conf'), 'utf8');
    assert.match(policy, /<policy user="weargate">[\s\S]*<allow send_destination="org.bluez"\/>/);

    const configPath = join(dest, 'etc/weargate/weargate.yaml');
    assert.is(modeOf(configPath), '640', 'the config may hold passwords');
    const config = loadConfigFile(configPath);
    assert.is(config.dataDir, '/var/lib/weargate');
    assert.is(config.statusLine.enabled, false);
    assert.ok(existsSync(join(dest, 'var/lib/weargate')));
    assert.is(readlinkSync(join(dest, 'usr/local/bin/weargate')), '/opt/wg-test/bin/weargate.js');

    const code = readdirSync(join(dest, 'opt/wg-test')).sort();
    assert.equal(code, ['README.md', 'bin', 'config', 'deploy', 'docs', 'hardware', 'models', 'package-lock.json', 'package.json', 'scripts', 'src', 'tsconfig.build.json', 'tsconfig.json']);
    assert.equal(listAll(join(dest, 'opt/wg-test/scripts')), ['build.mjs']);
    assert.equal(listAll(dest).filter((p) => !p.startsWith('opt/wg-test/')).sort(), [
      'etc/', 'etc/dbus-1/', 'etc/dbus-1/system.d/', 'etc/dbus-1/system.d/weargate-bluez.conf', 'etc/systemd/', 'etc/systemd/system/',
      'etc/systemd/system/weargate.service', 'etc/weargate/', 'etc/weargate/weargate.yaml', 'opt/', 'usr/', 'usr/local/',
      'usr/local/bin/', 'usr/local/bin/weargate', 'var/', 'var/lib/', 'var/lib/weargate/',
    ]);
    for (const step of ['useradd', 'systemctl restart weargate.service', 'chown root:weargate']) {
      assert.ok(first.out.includes(`~ ${step}`) || first.out.split('\n').some((l) => l.startsWith('~ ') && l.includes(step)), `'${step}' skipped under DESTDIR:\n${first.out}`);
    }

    appendFileSync(configPath, '# edited by the operator\n');
    const second = install(['--skip-apt', '--skip-npm', '--prefix', '/opt/wg-test'], dest);
    assert.is(second.status, 0, second.out);
    assert.match(readFileSync(configPath, 'utf8'), /# edited by the operator/);
    assert.match(second.out, /keeping the existing/);
    assert.not.ok(existsSync(join(dest, 'opt/wg-test.new')) || existsSync(join(dest, 'opt/wg-test.old')), 'no staging folder left');

    const removed = install(['--uninstall', '--prefix', '/opt/wg-test'], dest);
    assert.is(removed.status, 0, removed.out);
    assert.not.ok(existsSync(unitPath) || existsSync(join(dest, 'opt/wg-test')) || existsSync(join(dest, 'usr/local/bin/weargate')));
    assert.ok(existsSync(configPath), 'config kept without --purge');
    assert.is(install(['--uninstall', '--purge', '--prefix', '/opt/wg-test'], dest).status, 0);
    assert.not.ok(existsSync(configPath) || existsSync(join(dest, 'var/lib/weargate')));
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
});

test('refuses unknown options and a relative prefix', () => {
  assert.is.not(install(['--frobnicate'], '/nonexistent-dest').status, 0);
  const r = install(['--prefix', 'opt/weargate', '--dry-run']);
  assert.is.not(r.status, 0);
  assert.match(r.out, /absolute path/);
});

test('the unit passes systemd-analyze verify with no warning', () => {
  if (!requireCommands('unit verify', 'systemd-analyze')) return;
  const dest = mkdtempSync(join(tmpdir(), 'wg-verify-'));
  try {
    const r = install(['--skip-apt', '--skip-npm', '--no-start'], dest);
    assert.is(r.status, 0, r.out);
    const unit = join(dest, 'weargate.service');
    copyFileSync(join(dest, 'etc/systemd/system/weargate.service'), unit);
    const verify = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    assert.is(verify.status, 0, verify.stderr);
    assert.is((verify.stdout + verify.stderr).trim(), '', 'systemd-analyze printed warnings');
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
});

test.run();
