// `npm run build`: compiles src/ and hardware/ to plain ESM JavaScript in dist/ (tsconfig.build.json),
// writes dist/BUILD.json (version, when, from which sources), and checks that the native modules
// the daemon needs load in this Node. bin/weargate.js runs dist/ only while it is newer than every
// file under src/ (newestSourceMtimeMs), so an edit after a build never runs stale code.
//   node scripts/build.mjs [--out <dir>] [--no-check] [--no-source-maps]
// --out: another folder than dist/ (scripts/build-deb.sh builds into the package tree); --no-check:
// emit only (npm run typecheck checks the types); --no-source-maps: no .js.map files.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { newestMtimeMs } from '../bin/freshness.js';

const root = new URL('..', import.meta.url).pathname;
const { values: opts } = parseArgs({
  options: { out: { type: 'string' }, 'no-check': { type: 'boolean' }, 'no-source-maps': { type: 'boolean' } },
});
const dist = opts.out === undefined ? join(root, 'dist') : resolve(opts.out);
const startedMs = Date.now();
const newestSourceMtimeMs = newestMtimeMs(join(root, 'src'));

if (`${root.replace(/\/$/, '')}/`.startsWith(`${dist.replace(/\/$/, '')}/`)) {
  console.error(`build: --out ${dist} would remove the repository (the output folder is emptied first)`);
  process.exit(2);
}
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const tscArgs = [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', dist];
if (opts['no-check']) tscArgs.push('--noCheck');
if (opts['no-source-maps']) tscArgs.push('--sourceMap', 'false');
const result = spawnSync(process.execPath, tscArgs, { stdio: 'inherit' });
if (result.status !== 0) {
  rmSync(dist, { recursive: true, force: true });
  console.error(`build: tsc failed, ${dist} removed`);
  process.exit(result.status ?? 1);
}
mkdirSync(dist, { recursive: true });
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
writeFileSync(
  join(dist, 'BUILD.json'),
  `${JSON.stringify({ version: pkg.version, node: process.version, builtAt: new Date(startedMs).toISOString(), newestSourceMtimeMs }, null, 2)}\n`,
);

// Native modules: npm can drop a failed native build silently (PLATFORM-NOTES.md).
const require = createRequire(join(root, 'package.json'));
for (const name of ['better-sqlite3', 'serialport']) {
  try {
    require(name);
  } catch (err) {
    console.error(`build: native module ${name} does not load: ${err.message}`);
    process.exit(1);
  }
}
console.log(`build: ${dist} ready in ${((Date.now() - startedMs) / 1000).toFixed(1)} s (better-sqlite3 and serialport load)`);
