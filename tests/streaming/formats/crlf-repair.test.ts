import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countCrlf, looksCrlfConverted, undoCrlfConversion } from '../../../src/streaming/formats/crlf-repair.js';

test('undoes LF -> CRLF conversion and detects it', () => {
  const original = new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
  const converted: number[] = [];
  for (const b of original) {
    if (b === 0x0a) converted.push(0x0d);
    converted.push(b);
  }
  const damaged = new Uint8Array(converted);
  assert.ok(looksCrlfConverted(damaged));
  assert.not.ok(looksCrlfConverted(original));
  assert.equal(undoCrlfConversion(damaged), original);
  assert.equal(countCrlf(new Uint8Array([0x0d, 0x0a, 0x0a])), { lineFeeds: 2, crlfPairs: 1 });
});

test.run();
