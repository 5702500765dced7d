import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/common/logger.js';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}

test('JSON lines carry the namespace; lazy debug text is not built when debug is off', async () => {
  const out = sink();
  const log = createLogger('wg', { destination: out.stream, level: 'info', pretty: false }).child('device');
  let built = 0;
  log.debug(() => `expensive ${++built}`);
  log.info('hello', { port: 3 });
  await new Promise((r) => setImmediate(r));
  assert.is(built, 0);
  const line = JSON.parse(out.text().trim()) as { ns: string; msg: string; port: number };
  assert.equal([line.ns, line.msg, line.port], ['wg:device', 'hello', 3]);
});

test('pretty lines are human readable', async () => {
  const out = sink();
  createLogger('wg', { destination: out.stream, pretty: true }).warn('link lost', { reason: 'EIO' });
  await new Promise((r) => setImmediate(r));
  assert.match(out.text(), /WARN {2}wg: link lost {2}reason=EIO\n$/);
});

test.run();
