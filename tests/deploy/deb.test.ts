// scripts/build-deb.sh (npm run package:deb): builds the .deb once into a temp folder (emit-only
// compile, no compression: about 30-45 s here, most of it tsc), then checks it with dpkg-deb only,
// never dpkg -i: control fields, conffiles, the file list (production node_modules only, no sources,
// tests or training), the unit; the tree extracted with `dpkg-deb -x` runs the CLI, inspects and
// loads the shipped models with its own node_modules; the maintainer scripts parse (`sh -n`) and run
// against the extracted tree (DPKG_ROOT) with the commands that would change this machine stubbed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../src/gateway/config/load.js';
import { serviceNodeFlags } from '../../src/gateway/node-flags.js';
import { hasCommand, requireCommands, waitFor } from '../_support/env.js';

const repo = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
const nodeMajor = Number(process.versions.node.split('.')[0]);
// Outside the repository, so nothing in the extracted tree can resolve the clone's node_modules.
const work = mkdtempSync(join(tmpdir(), 'wg-deb-test-'));
const root = join(work, 'root');
const app = join(root, 'opt/weargate');
const env = { ...process.env, NODE_OPTIONS: '' };
let deb = '';
let buildLog = '';

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { status: number | null; out: string; stdout: string } {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? '/', env: opts.env ?? env, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
  return { status: r.status, out: `${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}`, stdout: r.stdout };
}

const available = requireCommands('the .deb package (scripts/build-deb.sh)', 'dpkg-deb');

test.before(() => {
  if (!available) return;
  const r = run('bash', [join(repo, 'scripts/build-deb.sh'), '--out', work, '--no-check', '--compression', 'none'], { cwd: repo });
  buildLog = r.out;
  assert.is(r.status, 0, `build-deb failed:\n${r.out}`);
  const arch = run('dpkg', ['--print-architecture']).stdout.trim();
  deb = join(work, `weargate_${pkg.version}_${arch}.deb`);
  assert.ok(existsSync(deb), `no ${deb}:\n${r.out}`);
  const x = run('dpkg-deb', ['-x', deb, root]);
  assert.is(x.status, 0, x.out);
  const e = run('dpkg-deb', ['-e', deb, join(work, 'DEBIAN')]);
  assert.is(e.status, 0, e.out);
});

test.after(() => rmSync(work, { recursive: true, force: true }));

test('the build reports the package size', () => {
  if (!available) return;
  const m = /build-deb: (\S+\.deb): ([\d.]+) MB \((\d+) bytes, none\), installed ([\d.]+) MB/.exec(buildLog);
  assert.ok(m, buildLog);
  assert.is(m[1], deb);
  assert.is(Number(m[3]), statSync(deb).size);
});

test('control: name, version, architecture, Node major, conffiles', () => {
  if (!available) return;
  const field = (name: string): string => run('dpkg-deb', ['--field', deb, name]).stdout.trim();
  assert.is(field('Package'), 'weargate');
  assert.is(field('Version'), pkg.version);
  assert.is(field('Architecture'), run('dpkg', ['--print-architecture']).stdout.trim());
  assert.equal(field('Depends').split(', '), [`nodejs (>= ${nodeMajor})`, `nodejs (<< ${nodeMajor + 1})`, 'passwd', 'systemd (>= 246)']);
  assert.match(field('Installed-Size'), /^\d+$/);
  const info = run('dpkg-deb', ['--info', deb]).stdout;
  for (const script of ['postinst', 'prerm', 'postrm', 'conffiles']) assert.match(info, new RegExp(`\\s${script}\\s`), `control archive lacks ${script}`);
  assert.is(readFileSync(join(work, 'DEBIAN', 'conffiles'), 'utf8'), '/etc/weargate/weargate.yaml\n');
});

interface Entry { mode: string; owner: string; path: string; target?: string }

function contents(): Entry[] {
  return run('dpkg-deb', ['--contents', deb]).stdout.trim().split('\n').map((line) => {
    const m = /^(\S+) (\S+)\s+\d+ \S+ \S+ \.(\/.*?)(?: -> (.+))?$/.exec(line);
    if (!m) throw new Error(`unparsed --contents line: ${line}`);
    return { mode: m[1]!, owner: m[2]!, path: m[3]!, target: m[4] };
  });
}

test('contents: the service, policy, config, CLI link; production node_modules only; no sources, tests, training', () => {
  if (!available) return;
  const entries = contents();
  const byPath = new Map(entries.map((e) => [e.path, e]));
  assert.ok(entries.every((e) => e.owner === 'root/root'), 'every file root:root (--root-owner-group)');
  for (const path of ['/usr/lib/systemd/system/weargate.service', '/usr/share/dbus-1/system.d/weargate-bluez.conf', '/opt/weargate/dist/src/gateway/cli.js',
    '/opt/weargate/dist/BUILD.json', '/opt/weargate/bin/weargate.js', '/opt/weargate/package.json', '/opt/weargate/models/rpeak-cnn/final/int8.tflite',
    '/opt/weargate/models/similarity/final-int8.tflite', '/opt/weargate/models/mdd-cnn/int8.tflite', '/opt/weargate/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    '/usr/share/doc/weargate/copyright']) {
    assert.ok(byPath.has(path), `missing ${path}`);
  }
  assert.is(byPath.get('/etc/weargate/weargate.yaml')?.mode, '-rw-r-----', 'the config may hold passwords');
  assert.equal(byPath.get('/usr/bin/weargate'), { mode: 'lrwxrwxrwx', owner: 'root/root', path: '/usr/bin/weargate', target: '/opt/weargate/bin/weargate.js' });
  const paths = entries.map((e) => e.path);
  for (const dev of ['typescript', 'uvu', 'fast-check', '@types/better-sqlite3', '@types/cli-progress']) {
    assert.not.ok(paths.some((p) => p.startsWith(`/opt/weargate/node_modules/${dev}/`)), `dev dependency ${dev} shipped`);
  }
  for (const prod of ['mqtt', '@litertjs/core', 'serialport', 'commander', 'pino', 'yaml']) assert.ok(byPath.has(`/opt/weargate/node_modules/${prod}/package.json`), `${prod} missing`);
  const own = paths.filter((p) => !p.startsWith('/opt/weargate/node_modules/'));
  for (const banned of [/^\/opt\/weargate\/(src|tests|training|hardware|bench|firmware-bridge|scripts)\//, /^\/opt\/weargate\/dist\/hardware\//, /\.ts$/, /\.map$/, /\/obj\.target\//]) {
    const hits = own.filter((p) => banned.test(p));
    assert.equal(hits, [], `${banned} shipped`);
  }
  assert.not.ok(paths.some((p) => /\/build\/Release\/obj\.target\//.test(p)), 'native build intermediates shipped');
  const absoluteLinks = entries.filter((e) => e.target !== undefined && e.target.startsWith('/')).map((e) => e.path);
  assert.equal(absoluteLinks, ['/usr/bin/weargate'], 'no link into the build machine');
  assert.not.ok(paths.some((p) => p.startsWith('/etc/systemd/') || p.startsWith('/usr/local/')), 'package files only outside the administrator\'s places');
});

test('the unit runs /usr/bin/node with the service flags on the shipped dist; the default config is valid', () => {
  if (!available) return;
  const unit = readFileSync(join(root, 'usr/lib/systemd/system/weargate.service'), 'utf8');
  assert.not.match(unit, /@[A-Z]+@/, 'every placeholder filled');
  const exec = /^ExecStart=\/usr\/bin\/node (.*) \/opt\/weargate\/dist\/src\/gateway\/cli\.js run --config \/etc\/weargate\/weargate\.yaml$/m.exec(unit);
  assert.ok(exec, unit);
  assert.equal(exec[1]!.split(' '), [...serviceNodeFlags]);
  for (const line of ['Type=notify', 'User=weargate', 'SupplementaryGroups=bluetooth dialout gpio spi', 'Documentation=file:///opt/weargate/docs/install-pi.md']) {
    assert.ok(unit.split('\n').includes(line), `unit lacks ${line}`);
  }
  assert.ok(existsSync(join(app, 'docs/install-pi.md')));
  if (hasCommand('systemd-analyze') && existsSync('/usr/bin/node')) {
    const copy = join(work, 'weargate.service');
    writeFileSync(copy, unit);
    const verify = run('systemd-analyze', ['verify', copy]);
    assert.is(verify.status, 0, verify.out);
    assert.is(verify.out.trim(), '', 'systemd-analyze printed warnings');
  }
  const config = loadConfigFile(join(root, 'etc/weargate/weargate.yaml'));
  assert.is(config.gatewayId, 'weargate');
  assert.is(config.dataDir, '/var/lib/weargate');
  assert.is(readFileSync(join(root, 'etc/weargate/weargate.yaml'), 'utf8'), readFileSync(join(app, 'deploy/weargate.yaml.default'), 'utf8'));
});

test('the extracted tree runs: --help, --version, model inspect on a shipped model, from any folder', () => {
  if (!available) return;
  const cli = join(app, 'bin/weargate.js');
  const help = run(cli, ['--help']);
  assert.is(help.status, 0, help.out);
  assert.match(help.stdout, /Usage: weargate/);
  assert.is(run(cli, ['--version']).stdout.trim(), pkg.version);
  const inspect = run(cli, ['model', 'inspect', '--json', join(app, 'models/rpeak-cnn/final/int8.tflite')]);
  assert.is(inspect.status, 0, inspect.out);
  const report = JSON.parse(inspect.stdout) as { totalMacs: number; compatibility: unknown[]; weargate: { name: string } };
  assert.is(report.weargate.name, 'rpeak-cnn-final');
  assert.ok(report.totalMacs > 1e6);
  assert.equal(report.compatibility, []);
});

test('the extracted tree loads the three models with LiteRT and opens SQLite from its own node_modules', () => {
  if (!available) return;
  const dist = join(app, 'dist/src');
  const script = `
    const { createRequire } = await import('node:module');
    const { bundledModelsDir } = await import(${JSON.stringify(join(dist, 'models/host.js'))});
    const { createLiteRtRuntime } = await import(${JSON.stringify(join(dist, 'models/runtime/litert.js'))});
    const { readFileSync } = await import('node:fs');
    const runtime = await createLiteRtRuntime();
    for (const file of ['rpeak-cnn/final/int8.tflite', 'similarity/final-int8.tflite', 'mdd-cnn/int8.tflite']) {
      await runtime.load(new Uint8Array(readFileSync(bundledModelsDir + '/' + file)));
    }
    runtime.close();
    const require = createRequire(${JSON.stringify(join(app, 'package.json'))});
    const Database = require('better-sqlite3');
    const db = new Database(':memory:');
    const one = db.prepare('select 1 as one').get().one;
    db.close();
    console.log(JSON.stringify({ bundledModelsDir, one, sqlite: require.resolve('better-sqlite3'), litert: require.resolve('@litertjs/core') }));
  `;
  const r = run(process.execPath, ['--input-type=module', '-e', script]);
  assert.is(r.status, 0, r.out);
  const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, string | number>;
  assert.is(got.bundledModelsDir, join(app, 'models'));
  assert.is(got.one, 1);
  assert.ok(String(got.sqlite).startsWith(`${app}/node_modules/`), String(got.sqlite));
  assert.ok(String(got.litert).startsWith(`${app}/node_modules/`), String(got.litert));
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('the extracted tree runs the daemon as the unit does, on the shipped default config (data folder and port moved)', async () => {
  if (!available) return;
  const config = join(work, 'run.yaml');
  const port = await freePort();
  writeFileSync(config, readFileSync(join(root, 'etc/weargate/weargate.yaml'), 'utf8')
    .replace('dataDir: /var/lib/weargate', `dataDir: ${join(work, 'state-run')}`).replace('port: 1883', `port: ${port}`));
  const child = spawn(process.execPath, [...serviceNodeFlags, join(app, 'dist/src/gateway/cli.js'), 'run', '--config', config], { cwd: '/', env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    await waitFor('the packaged daemon to connect to its embedded broker', () => out.includes('connected to MQTT broker') || child.exitCode !== null, 60_000);
    assert.match(out, /connected to MQTT broker mqtt:\/\/127\.0\.0\.1:\d+/, out);
    assert.match(out, /weargate [\d.]+ running as 'weargate' with 0 device\(s\)/);
  } finally {
    child.kill('SIGINT');
  }
  assert.is(await exited, 0, out);
});

// Stubs for every command that would change this machine; each call is logged. getent finds the
// weargate user only when WG_TEST_USER_EXISTS=1 (and no group, so all four are created).
const stubs = join(work, 'stubs');
const callLog = join(work, 'calls.log');
function maintainer(script: string, args: string[], extraEnv: Record<string, string> = {}): { status: number | null; out: string; calls: string[] } {
  writeFileSync(callLog, '');
  const r = run('sh', [join(work, 'DEBIAN', script), ...args], { env: { ...env, ...extraEnv, DPKG_ROOT: root, PATH: `${stubs}:${process.env.PATH}`, WG_CALLS: callLog } });
  return { ...r, calls: readFileSync(callLog, 'utf8').trim().split('\n').filter((l) => l !== '') };
}

test('maintainer scripts: sh -n, the shared system steps pasted in', () => {
  if (!available) return;
  for (const script of ['postinst', 'prerm', 'postrm']) {
    const path = join(work, 'DEBIAN', script);
    assert.is(run('sh', ['-n', path]).status, 0, `${script} does not parse`);
    assert.is(statSync(path).mode & 0o777, 0o755);
    const text = readFileSync(path, 'utf8');
    assert.not.match(text, /#@SYSTEM_SETUP@/);
    if (script !== 'prerm') assert.match(text, /^wg_purge_data\(\) \{/m);
  }
});

test('postinst, prerm, postrm against the extracted tree (DPKG_ROOT) with stubbed system commands', () => {
  if (!available) return;
  mkdirSync(stubs, { recursive: true });
  for (const cmd of ['groupadd', 'useradd', 'usermod', 'userdel', 'chown', 'systemctl', 'deb-systemd-helper', 'deb-systemd-invoke', 'getent']) {
    const tail = cmd === 'getent' ? '[ "$1" = passwd ] && [ "${WG_TEST_USER_EXISTS:-}" = 1 ] && exit 0\nexit 2\n' : 'exit 0\n';
    writeFileSync(join(stubs, cmd), `#!/bin/sh\necho "${cmd} $*" >>"$WG_CALLS"\n${tail}`);
    chmodSync(join(stubs, cmd), 0o755);
  }
  mkdirSync(join(root, 'run/systemd/system'), { recursive: true }); // "systemd is running"
  const config = join(root, 'etc/weargate/weargate.yaml');
  const state = join(root, 'var/lib/weargate');

  const fresh = maintainer('postinst', ['configure', '']);
  assert.is(fresh.status, 0, fresh.out);
  for (const call of ['groupadd --system gpio', 'groupadd --system spi', 'useradd --system --user-group --home-dir /var/lib/weargate --no-create-home --shell /usr/sbin/nologin weargate',
    'usermod -a -G bluetooth,dialout,gpio,spi weargate', `chown weargate:weargate ${state}`, `chown root:weargate ${config}`,
    'deb-systemd-helper enable weargate.service', 'systemctl daemon-reload', 'systemctl try-restart weargate.service']) {
    assert.ok(fresh.calls.includes(call), `postinst did not call '${call}':\n${fresh.calls.join('\n')}`);
  }
  assert.not.ok(fresh.calls.some((c) => c.startsWith('deb-systemd-invoke')), 'an unconfigured gateway is not started');
  assert.match(fresh.out, /enabled, not started/);
  assert.is(statSync(state).mode & 0o777, 0o750);
  assert.is(statSync(config).mode & 0o777, 0o640);

  appendFileSync(config, '# configured by the operator\n');
  const upgrade = maintainer('postinst', ['configure', '0.0.9'], { WG_TEST_USER_EXISTS: '1' });
  assert.is(upgrade.status, 0, upgrade.out);
  assert.ok(upgrade.calls.includes('deb-systemd-invoke restart weargate.service'), upgrade.calls.join('\n'));
  assert.not.ok(upgrade.calls.some((c) => c.startsWith('useradd')), 'the existing user is kept');
  assert.not.match(upgrade.out, /not started/);

  assert.not.ok(maintainer('prerm', ['upgrade', '0.2.0']).calls.some((c) => c.includes('stop')), 'an upgrade does not stop the service');
  assert.ok(maintainer('prerm', ['remove']).calls.includes('deb-systemd-invoke stop weargate.service'));

  const removed = maintainer('postrm', ['remove']);
  assert.is(removed.status, 0, removed.out);
  assert.ok(removed.calls.includes('deb-systemd-helper mask weargate.service'));
  assert.ok(existsSync(config) && existsSync(state), 'remove keeps the config and the state');
  assert.not.ok(removed.calls.some((c) => c.startsWith('userdel')));

  const purged = maintainer('postrm', ['purge'], { WG_TEST_USER_EXISTS: '1' });
  assert.is(purged.status, 0, purged.out);
  assert.ok(purged.calls.includes('deb-systemd-helper purge weargate.service'));
  assert.ok(purged.calls.includes('userdel weargate'));
  assert.not.ok(existsSync(state) || existsSync(join(root, 'etc/weargate')), 'purge removes the state and the config');
  assert.ok(existsSync(join(app, 'dist/src/gateway/cli.js')), 'only the data went');
});

test.run();
