// `weargate eeg topomap` through the real CLI on a Mumtaz recording: SVG written, JSON on stdout,
// PNG written, other formats refused, a missing file named.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDir } from './_harness.js';

const edf = join(dataDir, 'mumtaz-mdd-train', 'P04_EC.edf');
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/gateway/cli.ts', 'eeg', 'topomap', ...args], { encoding: 'utf8', timeout: 120_000 });

test('SVG and JSON for alpha over 10-40 s', () => {
  if (!existsSync(edf)) return void console.warn(`skipped: ${edf} not present`);
  const out = join(mkdtempSync(join(tmpdir(), 'wg-topomap-')), 'alpha.svg');
  const r = cli(edf, '--band', 'alpha', '--seconds', '10-40', '--out', out, '--json');
  assert.is(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { electrodes: string[]; fromS: number; toS: number; bands: { name: string; map: (number | null)[] }[] };
  assert.is(summary.electrodes.length, 19);
  assert.ok(summary.electrodes.includes('T7') && !summary.electrodes.includes('T3'));
  assert.equal([summary.fromS, summary.toS], [10, 40]);
  assert.equal(summary.bands.map((b) => b.name), ['alpha']);
  assert.is(summary.bands[0]!.map.length, 1024);
  const svg = readFileSync(out, 'utf8');
  assert.ok(svg.startsWith('<svg') && svg.includes('log10 power (uV^2)') && svg.includes('>Cz<'));
});

test('PNG written; other extensions refused; a missing file is named', () => {
  if (!existsSync(edf)) return void console.warn(`skipped: ${edf} not present`);
  const out = join(mkdtempSync(join(tmpdir(), 'wg-topomap-')), 'maps.png');
  const png = cli(edf, '--seconds', '0-20', '--band', 'theta,alpha', '--out', out);
  assert.is(png.status, 0, png.stderr);
  assert.equal(Array.from(readFileSync(out).subarray(1, 4)), [0x50, 0x4e, 0x47]);
  const jpg = cli(edf, '--out', 'x.jpg');
  assert.is(jpg.status, 1);
  assert.match(jpg.stderr, /must end in \.svg or \.png/);
  const missing = cli('/nonexistent/none.edf', '--json');
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /none\.edf/);
});

test.run();
