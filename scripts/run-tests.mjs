#!/usr/bin/env node
// Runs every tests/**/*.test.ts file in its own process (tsx + uvu), two at a time, and prints the
// totals as a final "N passed, N failed, N skipped" line. Exit code 1 on any failure.
// Usage: npm test [-- <substring filter>...]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cpus } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
// fast-check's seed: fixed under CI, fresh locally (tests/_support/fast-check-seed.ts).
const fastCheckSeed = join(root, 'tests/_support/fast-check-seed.ts');
const filters = process.argv.slice(2);
const fileTimeoutMs = Number(process.env.WG_TEST_FILE_TIMEOUT_MS ?? 240_000);
const parallel = Math.max(1, Math.min(Number(process.env.WG_TEST_JOBS ?? cpus().length), 4));

function listTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out.sort();
}

const files = listTests(join(root, 'tests')).filter(
  (f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)),
);
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', fastCheckSeed, file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n[run-tests] timed out after ${fileTimeoutMs} ms, killed\n`;
      child.kill('SIGKILL');
    }, fileTimeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const num = (re) => Number((output.match(re) ?? [])[1] ?? 0);
      const total = num(/Total:\s+(\d+)/);
      const passed = num(/Passed:\s+(\d+)/);
      const skipped = num(/Skipped:\s+(\d+)/);
      // A file that crashed or exited non-zero counts as one failure even if uvu printed nothing.
      let failed = Math.max(0, total - passed - skipped);
      if (code !== 0 && failed === 0) failed = 1;
      if (total === 0 && code === 0 && skipped === 0) failed = 1, (output += '\n[run-tests] no test ran\n');
      totals.passed += passed;
      totals.failed += failed;
      totals.skipped += skipped;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const rel = relative(root, file);
      const skipNotes = output.split('\n').filter((l) => l.startsWith('SKIP ')).map((l) => `    ${l}`);
      console.log(`${failed ? 'FAIL' : 'ok  '} ${rel}  (${passed} passed, ${failed} failed, ${skipped} skipped, ${seconds}s)`);
      for (const note of skipNotes) console.log(note);
      if (failed) failures.push({ rel, output });
      resolve();
    });
  });
}

const queue = [...files];
await Promise.all(
  Array.from({ length: parallel }, async () => {
    while (queue.length) await runFile(queue.shift());
  }),
);
for (const f of failures) {
  console.log(`\n===== ${f.rel} =====\n${f.output.trim()}\n`);
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || files.length === 0 ? 1 : 0);
