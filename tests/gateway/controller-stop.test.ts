// Stopping twice (a signal arriving while a failed start is cleaning up) is one stop: the second
// call waits for the first and nothing is closed twice (it used to crash with EBADF in the
// sequence file).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { Controller } from '../../src/gateway/controller.js';
import { startAedes } from '../_support/brokers.js';
import { makeConfig, tempDir } from './_harness.js';

test('concurrent and repeated stop() calls stop once, without errors', async () => {
  const broker = await startAedes();
  const dir = tempDir();
  const log = createMemoryLogger();
  const controller = new Controller({ config: makeConfig(dir, { url: broker.url }), log });
  try {
    await controller.start();
    const first = controller.stop();
    const second = controller.stop();
    await Promise.all([first, second]);
    await controller.stop();
    assert.ok(!log.lines.some((l) => l.level === 'error'), log.lines.filter((l) => l.level === 'error').map((l) => l.text).join('\n'));
  } finally {
    await broker.stop();
  }
});

test.run();
