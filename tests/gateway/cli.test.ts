// The installed command line: help, and refusal to start on an invalid config (exit code 2).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../bin/weargate.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });

test('weargate --help lists the commands', () => {
  const r = run('--help');
  assert.is(r.status, 0, r.stderr);
  for (const command of ['run', 'model', 'eval']) assert.match(r.stdout, new RegExp(`\\n  ${command}\\b`));
});

test('weargate run refuses an invalid config, listing every problem as path: message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wg-cli-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'version: 1\ngatewayId: "bad id"\nmqtt: { keepaliveS: 1 }\ndevices: [{ id: d1, kind: garment, transport: { type: serial, path: "" } }]\n');
  const r = run('run', '--config', file);
  assert.is(r.status, 2);
  assert.match(r.stderr, /refusing to start/);
  assert.match(r.stderr, /gatewayId: /);
  assert.match(r.stderr, /mqtt\.keepaliveS: /);
  assert.match(r.stderr, /devices\.0\.transport\.path: /);
});

test('weargate model inspect /dev/zero exits 1 quickly with a clear message (no read until out of memory)', () => {
  const started = Date.now();
  const r = run('model', 'inspect', '/dev/zero');
  assert.is(r.status, 1, r.stderr);
  assert.is(r.stderr.trim(), 'model inspect: model /dev/zero: is a character device, not a regular file');
  assert.ok(Date.now() - started < 30_000);
});

test('weargate run --config on a device or a directory exits 2 with a (file): line', () => {
  for (const [file, kind] of [['/dev/zero', 'a character device'], [tmpdir(), 'a directory']]) {
    const r = run('run', '--config', file);
    assert.is(r.status, 2, r.stderr);
    assert.ok(r.stderr.includes(`\n  (file): config file ${file}: is ${kind}, not a regular file`), r.stderr);
    assert.not.match(r.stderr, /\n\s+at /);
  }
});

test('weargate run without --config explains what is missing', () => {
  const r = run('run');
  assert.is.not(r.status, 0);
  assert.match(r.stderr, /--config/);
});

test.run();
