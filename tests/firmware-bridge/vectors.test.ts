// The committed vectors are what generate.ts produces now: the generator, the TypeScript encoder and
// the files cannot drift apart silently.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildVectors, vectorFileText } from '../../firmware-bridge/vectors/generate.js';
import { vectorsDir } from '../device/protocols/garment/_vectors.js';

test('committed vectors == generate.ts output (regenerate with node --import tsx firmware-bridge/vectors/generate.ts)', () => {
  const built = buildVectors();
  const committed = readdirSync(vectorsDir).filter((f) => f.endsWith('.json')).sort();
  assert.equal(committed, built.map((v) => `${v.name}.json`).sort());
  for (const v of built) assert.fixture(readFileSync(join(vectorsDir, `${v.name}.json`), 'utf8'), vectorFileText(v));
});

test('vector names are unique', () => {
  const names = buildVectors().map((v) => v.name);
  assert.is(new Set(names).size, names.length);
});

test.run();
