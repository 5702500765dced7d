// The simulator's PTY link when the gateway stops reading: the device-side backlog is bounded,
// the excess is dropped and counted, the process stays responsive, and the backlog drains when a
// reader comes back. (Writing through the tty stream once busy-looped inside libuv: a hung process.)
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

test('a flooded PTY with no reader neither blocks nor grows; the backlog drains later', () => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', new URL('./_pty-flood.ts', import.meta.url).pathname], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.is(child.error, undefined, 'the flood must not hang the process');
  assert.is(child.status, 0, child.stderr);
  const r = JSON.parse(child.stdout) as { pendingBytes: number; droppedBytes: number; readBytes: number; finalPendingBytes: number };
  assert.ok(r.pendingBytes > 0 && r.pendingBytes <= 64 * 1024, `backlog ${r.pendingBytes} bounded by 64 KiB`);
  assert.ok(r.droppedBytes > 0, 'the excess is counted as dropped');
  assert.is(r.finalPendingBytes, 0);
  assert.is(r.readBytes + r.droppedBytes, 4000 * 62, 'every byte is either delivered or counted as dropped');
});

test.run();
