// Builds the portable C implementation (firmware-bridge/) with gcc -Werror and runs its vector test
// program, so `npm test` checks both implementations against the same committed vectors.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { requireCommands } from '../_support/env.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const vectorFiles = readdirSync(fileURLToPath(new URL('../../firmware-bridge/vectors/', import.meta.url))).filter((f) =>
  f.endsWith('.json'),
);

if (requireCommands('firmware-bridge C tests', 'gcc', 'make', 'ar')) {
  test('make -C firmware-bridge test: the C code passes every shared vector', () => {
    const run = spawnSync('make', ['-C', 'firmware-bridge', 'test'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    const output = `${run.stdout}\n${run.stderr}`;
    assert.is(run.status, 0, `make failed:\n${output}`);
    const summary = /garment-c: (\d+) vectors, (\d+) passed, (\d+) failed/.exec(output);
    assert.ok(summary, `no summary line in:\n${output}`);
    const [, vectors, passed, failed] = summary.map(Number);
    assert.is(failed, 0, output);
    assert.is(vectors, vectorFiles.length, 'every vector file was read');
    assert.ok(passed >= 4 * vectorFiles.length, `only ${passed} checks passed`);
    console.log(`C vector checks: ${passed} passed over ${vectors} vector files`);
  });
}

test.run();
