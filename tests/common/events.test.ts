import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../../src/common/events.js';
import { createMemoryLogger } from '../../src/common/logger.js';

test('a throwing listener becomes a log line and other listeners still run', () => {
  const log = createMemoryLogger();
  const bus = new EventBus<{ tick: number }>(log);
  const seen: number[] = [];
  bus.on('tick', () => {
    throw new Error('boom');
  });
  bus.on('tick', (n) => seen.push(n));
  bus.emit('tick', 7);
  assert.equal(seen, [7]);
  assert.equal(log.lines.length, 1);
  assert.match(log.lines[0].text, /boom/);
});

test('unsubscribe stops delivery', () => {
  const bus = new EventBus<{ tick: number }>(createMemoryLogger());
  const seen: number[] = [];
  const off = bus.on('tick', (n) => seen.push(n));
  bus.emit('tick', 1);
  off();
  bus.emit('tick', 2);
  assert.equal(seen, [1]);
});

test.run();
