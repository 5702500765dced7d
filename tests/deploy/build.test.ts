// The compiled daemon (tsconfig.build.json, as `npm run build` emits it) runs in plain Node with no
// tsx: the CLI answers, and models, package.json and the LiteRT WASM resolve from the compiled
// files exactly as from the sources. Compiles once into <repo>/tmp/ (so the package root is found
// by walking up), never into dist/, without type checking (npm run typecheck does that).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
mkdirSync(join(root, 'tmp'), { recursive: true });
const out = mkdtempSync(join(root, 'tmp', 'build-test-'));
// Plain node: no --import tsx, no NODE_OPTIONS inherited from the test runner.
const env = { ...process.env, NODE_OPTIONS: '' };

function node(args: string[], cwd = '/'): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test.before(() => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  // --noCheck: emit only (the types are checked by `npm run typecheck`), the same JavaScript in a third of the time.
  const r = node([tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out, '--sourceMap', 'false', '--noCheck'], root);
  assert.is(r.status, 0, `tsc: ${r.stdout}${r.stderr}`);
});

test.after(() => rmSync(out, { recursive: true, force: true }));

test('the build holds the daemon and the demo as .js, and nothing outside src/ and hardware/', () => {
  assert.ok(existsSync(join(out, 'src', 'gateway', 'cli.js')));
  assert.ok(existsSync(join(out, 'hardware', 'demo.js')));
  assert.equal(spawnSync('ls', [out], { encoding: 'utf8' }).stdout.trim().split('\n').sort(), ['hardware', 'src']);
});

test('compiled CLI: --help and --version in plain node, from any working directory', () => {
  const help = node([join(out, 'src', 'gateway', 'cli.js'), '--help']);
  assert.is(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: weargate/);
  assert.match(help.stdout, /\brun\b/);
  const version = node([join(out, 'src', 'gateway', 'cli.js'), '--version']);
  assert.is(version.stdout.trim(), pkg.version);
});

test('compiled modules find models/ and load the three models with LiteRT', () => {
  const script = `
    const { bundledModelsDir } = await import(${JSON.stringify(join(out, 'src/models/host.js'))});
    const { RPEAK_CNN_DIR } = await import(${JSON.stringify(join(out, 'src/models/rpeak/cnn-config.js'))});
    const { DEFAULT_SIMILARITY_DIR } = await import(${JSON.stringify(join(out, 'src/models/similarity/manifest.js'))});
    const { createLiteRtRuntime } = await import(${JSON.stringify(join(out, 'src/models/runtime/litert.js'))});
    const { readFileSync } = await import('node:fs');
    const runtime = await createLiteRtRuntime();
    const loaded = [];
    for (const file of [RPEAK_CNN_DIR + 'final/int8.tflite', DEFAULT_SIMILARITY_DIR + '/final-int8.tflite', bundledModelsDir + '/mdd-cnn/int8.tflite']) {
      await runtime.load(new Uint8Array(readFileSync(file)));
      loaded.push(file);
    }
    runtime.close();
    console.log(JSON.stringify({ bundledModelsDir, RPEAK_CNN_DIR, DEFAULT_SIMILARITY_DIR, loaded: loaded.length }));
  `;
  const r = node(['--input-type=module', '-e', script]);
  assert.is(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  assert.equal(got, {
    bundledModelsDir: join(root, 'models'),
    RPEAK_CNN_DIR: join(root, 'models', 'rpeak-cnn') + '/',
    DEFAULT_SIMILARITY_DIR: join(root, 'models', 'similarity'),
    loaded: 3,
  });
});

test('native modules load in plain node (better-sqlite3, serialport)', () => {
  const r = node(['-e', "require('better-sqlite3'); require('serialport'); console.log('ok')"], root);
  assert.is(r.status, 0, r.stderr);
});

test.run();
