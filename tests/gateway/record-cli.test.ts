// `weargate record` through the installed command line: a replay device (the MIT-BIH excerpt at
// --speed 40) recorded for 20 s into an EDF+ file, which then reads back equal to the source.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { physicalStep } from '../../src/streaming/formats/edf-writer.js';
import { loadEdf, loadWfdbRecord } from '../../src/streaming/formats/load.js';
import { toMicrovolts } from '../../src/streaming/formats/wfdb-signals.js';

const bin = new URL('../../bin/weargate.js', import.meta.url).pathname;
const record = new URL('../../hardware/data/mitdb-101-excerpt/101', import.meta.url).pathname;

function configFile(dir: string): string {
  const file = join(dir, 'gw.json');
  const devices = [{ id: 'r1', kind: 'replay', transport: { type: 'replay', path: record }, channels: ['MLII', 'V1'] }];
  writeFileSync(file, JSON.stringify({ version: 1, gatewayId: 'gw', dataDir: join(dir, 'state'), devices }));
  return file;
}

test('weargate record --speed 40 --seconds 20: an EDF+ file equal to the source, then exit 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wg-record-'));
  const out = join(dir, 'r1.edf');
  const started = Date.now();
  const child = spawn(process.execPath, [bin, 'record', '-c', configFile(dir), '-d', 'r1', '-s', '20', '-o', out, '--speed', '40'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  assert.is(code, 0, stderr);
  assert.match(stdout, /recorded 7200 ecg samples per channel to .*r1\.edf: 1 file\(s\), 20 records/);
  assert.ok(Date.now() - started < 20_000, 'at 40x, 20 s take well under 20 s');
  const edf = await loadEdf(out);
  assert.is(edf.header.numberOfRecords, 20);
  assert.equal(edf.signals.map((s) => s.header.label), ['ECG MLII', 'ECG V1']);
  const source = await loadWfdbRecord(record, { annotator: null });
  const step = physicalStep('edf', -10_000, 10_000);
  for (let c = 0; c < 2; c++) {
    const want = toMicrovolts(source.signals[c].physical, 'mV');
    for (let i = 0; i < 7200; i++) if (Math.abs(edf.signals[c].physical[i] - want[i]) > step) throw new Error(`channel ${c} sample ${i}`);
  }
});

test('weargate record refuses bad options with exit 2, an unknown device with exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wg-record-'));
  const bad = spawnSync(process.execPath, [bin, 'record', '-c', configFile(dir), '-d', 'r1', '-s', '-3', '-o', join(dir, 'x.edf'), '--format', 'wav'], { encoding: 'utf8', timeout: 30_000 });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--seconds must be/);
  assert.match(bad.stderr, /--format must be/);
  const unknown = spawnSync(process.execPath, [bin, 'record', '-c', configFile(dir), '-d', 'nope', '-s', '1', '-o', join(dir, 'x.edf')], { encoding: 'utf8', timeout: 30_000 });
  assert.is(unknown.status, 1);
  assert.match(unknown.stderr, /no device 'nope' in the config \(devices: r1\)/);
});

test.run();
