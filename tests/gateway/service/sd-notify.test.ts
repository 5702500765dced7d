// The daemon as a systemd Type=notify service: `weargate run` under a fake NOTIFY_SOCKET (a real
// AF_UNIX datagram socket served by notify-recv.c, written to by the real systemd-notify) sends
// READY=1 once its broker connection and its garment are up, WATCHDOG=1 at a third of WATCHDOG_USEC,
// and STOPPING=1 on SIGTERM before it exits 0.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../_support/brokers.js';
import { requireCommands, waitFor } from '../../_support/env.js';
import { configDocument, makeGarment, tempDir } from '../_harness.js';

const bin = new URL('../../../bin/weargate.js', import.meta.url).pathname;
const receiverSource = new URL('./notify-recv.c', import.meta.url).pathname;

function startReceiver(dir: string): { child: ChildProcess; socket: string; lines: string[] } {
  const exe = join(dir, 'notify-recv');
  const cc = spawnSync('gcc', ['-O1', '-o', exe, receiverSource], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`gcc failed: ${cc.stderr}`);
  const socket = join(dir, 'notify.sock');
  const child = spawn(exe, [socket], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  return { child, socket, lines };
}

test('READY=1 after broker and devices are up, WATCHDOG=1 while running, STOPPING=1 on SIGTERM', async () => {
  if (!requireCommands('sd_notify test', 'gcc', 'systemd-notify')) return;
  const dir = tempDir();
  const receiver = startReceiver(dir);
  const garment = makeGarment(dir, 1);
  let daemon: ChildProcess | undefined;
  try {
    await waitFor('the notify socket', () => receiver.lines.includes('listening'));
    garment.start();
    const port = await freePort();
    const configPath = join(dir, 'weargate.yaml');
    writeFileSync(configPath, stringify(configDocument(dir, { embeddedBroker: { host: '127.0.0.1', port } }, 'gw-notify')));
    let stderr = '';
    const env: NodeJS.ProcessEnv = { ...process.env, NOTIFY_SOCKET: receiver.socket, WATCHDOG_USEC: '1000000' };
    delete env.WATCHDOG_PID;
    const child = spawn(process.execPath, [bin, 'run', '--config', configPath], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    daemon = child;
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const messages = (): string[] => receiver.lines.filter((l) => l !== 'listening' && l !== 'BARRIER=1');

    await waitFor('READY=1', () => messages().some((m) => m.includes('READY=1')), 60_000);
    const ready = messages().find((m) => m.includes('READY=1'))!;
    assert.ok(ready.includes('STATUS=running: broker connected, all devices up'), `READY came with gaps: ${ready}\n${stderr}`);
    assert.not.ok(messages().slice(0, messages().indexOf(ready)).includes('WATCHDOG=1'), 'no ping before READY=1');
    const readyAt = messages().indexOf(ready);
    await waitFor('two watchdog pings after READY', () => messages().slice(readyAt).filter((m) => m === 'WATCHDOG=1').length >= 2, 30_000);

    child.kill('SIGTERM');
    assert.is(await exited, 0, stderr);
    const stopping = messages().findIndex((m) => m.includes('STOPPING=1'));
    assert.ok(stopping > readyAt, `STOPPING=1 after READY=1: ${messages().join(' / ')}`);
    assert.not.ok(messages().slice(stopping).includes('WATCHDOG=1'), 'no ping after STOPPING=1');
  } finally {
    if (daemon && daemon.exitCode === null) daemon.kill('SIGKILL');
    garment.stop();
    receiver.child.kill('SIGKILL');
  }
});

test('no NOTIFY_SOCKET: systemd-notify is never run (the daemon outside systemd)', async () => {
  const { systemdNotifier } = await import('../../../src/gateway/service/sd-notify.js');
  const { silentLogger } = await import('../../../src/common/logger.js');
  assert.is(systemdNotifier({ env: {}, log: silentLogger }), undefined);
  assert.is(systemdNotifier({ env: { NOTIFY_SOCKET: '' }, log: silentLogger }), undefined);
});

test.run();
