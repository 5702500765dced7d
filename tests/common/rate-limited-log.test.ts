import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { RateLimitedLog } from '../../src/common/rate-limited-log.js';

function rig(options: { maxKeys?: number } = {}) {
  let nowMs = 0;
  const log = createMemoryLogger();
  const limited = new RateLimitedLog(log, { nowMs: () => nowMs, ...options });
  return { log, limited, advance: (ms: number) => (nowMs += ms) };
}

test('the first occurrence is logged, repeats within a minute are counted, not logged', () => {
  const { log, limited, advance } = rig();
  for (let i = 0; i < 1000; i++) {
    limited.warn('g1/ecg-channel', `frame ${i} rejected`);
    advance(10); // 1000 repeats over 10 s
  }
  assert.equal(log.lines.map((l) => [l.level, l.text]), [['warn', 'frame 0 rejected']]);
  advance(50_000); // now 60 s after the first line
  limited.warn('g1/ecg-channel', 'frame 1000 rejected');
  assert.is(log.lines.length, 2);
  assert.is(log.lines[1].text, 'frame 1000 rejected (999 repeats suppressed since the previous line)');
  assert.equal(log.lines[1].fields, { key: 'g1/ecg-channel', suppressed: 999 });
});

test('keys are independent; a repeat after a quiet minute carries no count', () => {
  const { log, limited, advance } = rig();
  limited.warn('a', 'A');
  limited.warn('b', 'B');
  limited.warn('a', 'A');
  advance(61_000);
  limited.warn('b', 'B again');
  assert.equal(log.lines.map((l) => l.text), ['A', 'B', 'B again']);
});

test('lazy text is built only for lines that are written', () => {
  const { limited } = rig();
  let built = 0;
  for (let i = 0; i < 100; i++) limited.warn('k', () => `built ${++built}`);
  assert.is(built, 1);
});

test('flush() reports repeats still suppressed; a forgotten key reports its count first', () => {
  const { log, limited } = rig({ maxKeys: 2 });
  limited.error('a', 'A');
  limited.error('a', 'A');
  limited.error('a', 'A');
  limited.warn('b', 'B');
  limited.warn('c', 'C'); // forgets 'a', which had 2 suppressed repeats
  limited.warn('b', 'B');
  limited.flush();
  assert.equal(
    log.lines.map((l) => [l.level, l.text]),
    [
      ['error', 'A'],
      ['warn', 'B'],
      ['error', 'A (2 repeats suppressed since the previous line)'],
      ['warn', 'C'],
      ['warn', 'B (1 repeat suppressed since the previous line)'],
    ],
  );
});

test.run();
