// Canonical JSON gives one encoding per value whatever the key order, and parses back to the value;
// semver precedence follows semver.org section 11.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalJson, compareSemver } from '../../src/fleet/canonical.js';

const shuffleKeys = (value: unknown, seed: number): unknown => {
  if (Array.isArray(value)) return value.map((v, i) => shuffleKeys(v, seed + i));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    entries.sort((a, b) => ((a[0].length * 31 + seed) % 7) - ((b[0].length * 31 + seed) % 7) || (seed % 2 ? 1 : -1));
    return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, seed + 1)]));
  }
  return value;
};

test('canonical JSON: key order does not matter, round trip, no whitespace', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 1000 }), (value, seed) => {
      const a = canonicalJson(value);
      assert.is(canonicalJson(shuffleKeys(value, seed)), a);
      assert.equal(JSON.parse(a), JSON.parse(JSON.stringify(value)));
    }),
  );
  assert.is(canonicalJson({ b: [1, { d: 'x', c: null }], a: true }), '{"a":true,"b":[1,{"c":null,"d":"x"}]}');
  assert.throws(() => canonicalJson({ a: Number.NaN }), /NaN/);
});

test('semver precedence', () => {
  const ordered = ['0.9.9', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.10.0', '2.0.0'];
  for (let i = 0; i < ordered.length; i++) {
    for (let j = 0; j < ordered.length; j++) assert.is(compareSemver(ordered[i], ordered[j]), Math.sign(i - j), `${ordered[i]} vs ${ordered[j]}`);
  }
  assert.throws(() => compareSemver('1.0', '1.0.0'), /not a semantic version/);
});

test.run();
