// `weargate model train mdd` through the real CLI, without Python: bad input is refused (exit 2)
// before anything runs, every problem listed with its file; a missing training environment names
// training/setup.sh; a failing training step (a fake --python) has its output streamed and its
// exit code propagated, after the features were written by the TS pipeline.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readNpy } from '../../src/quantize/npy.js';
import { balancedPersons, writeTinyDataset } from '../_support/mdd-edf.js';

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/gateway/cli.ts', 'model', 'train', 'mdd', ...args], { encoding: 'utf8', timeout: 120_000 });
}

function tinyData(n = 2) {
  const dir = mkdtempSync(join(tmpdir(), 'wg-train-cli-'));
  writeTinyDataset(dir, balancedPersons(n));
  return { dir, labels: join(dir, 'labels.csv'), out: join(dir, 'out') };
}

/** A stand-in for the venv's python: prints its arguments, records the call, exits with `code`. */
function fakePython(dir: string, code: number): { path: string; calls: string } {
  const path = join(dir, 'fake-python');
  const calls = join(dir, 'calls.txt');
  writeFileSync(path, `#!/bin/sh\necho "$@" >> '${calls}'\necho "[fake] fold 1/2: training"\necho "fake warning" >&2\nexit ${code}\n`);
  chmodSync(path, 0o755);
  return { path, calls };
}

test('bad input: exit 2, every problem named by file, Python never called, nothing written', () => {
  const d = tinyData(2);
  writeFileSync(join(d.dir, 'H1_EC.edf'), 'not an edf');
  writeFileSync(d.labels, `${readFileSync(d.labels, 'utf8')}X1_EC.edf,X1,sick,EC\n`);
  const py = fakePython(d.dir, 0);
  const r = cli('--edf', d.dir, '--labels', d.labels, '--folds', '3', '--out', d.out, '--python', py.path);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /problems in the input, nothing was trained/);
  assert.match(r.stderr, /H1_EC\.edf: unreadable as EDF/);
  assert.match(r.stderr, /X1_EC\.edf: label 'sick' is neither MDD nor healthy/);
  assert.match(r.stderr, /2 MDD persons \(M1, M2\); --folds 3 needs at least 3 persons per class/);
  assert.not.ok(existsSync(py.calls), 'python was run');
  assert.not.ok(existsSync(d.out), 'the output folder was created');
});

test('option problems are reported with the input problems (exit 2)', () => {
  const d = tinyData(2);
  const r = cli('--edf', d.dir, '--labels', d.labels, '--folds', '2', '--montage', '4', '--seed-state', 'keep', '--sign-key', '/x.key', '--out', d.out);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /--montage 4: 19 or 8/);
  assert.match(r.stderr, /--seed-state keep: reset or carry/);
  assert.match(r.stderr, /--sign-key and --key-id go together/);
});

test('missing training environment: exit 1 with the command that creates it, before the features', () => {
  const d = tinyData(2);
  const r = cli('--edf', d.dir, '--labels', d.labels, '--folds', '2', '--out', d.out, '--python', join(d.dir, 'no-venv', 'bin', 'python'));
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /training environment is missing \(.*no-venv\/bin\/python does not exist\)/);
  assert.match(r.stderr, /bash .*training\/setup\.sh/);
  assert.not.ok(existsSync(join(d.out, 'maps')));
});

test('a failing training step: its output streamed, its exit code propagated; the TS features are written', () => {
  const d = tinyData(2);
  const py = fakePython(d.dir, 7);
  const r = cli('--edf', d.dir, '--labels', d.labels, '--folds', '2', '--epochs', '3', '--seed', '5', '--out', d.out, '--python', py.path);
  assert.is(r.status, 7, r.stderr);
  assert.match(r.stdout, /input ok: 4 files of 4 persons \(2 MDD, 2 healthy\), 256 Hz/);
  assert.match(r.stdout, /\[fake\] fold 1\/2: training/);
  assert.match(r.stderr, /fake warning/);
  assert.match(r.stderr, /training \(training\/mdd_cnn\.py\) failed \(exit 7\); its output is in .*train\.log/);
  assert.match(readFileSync(join(d.out, 'train.log'), 'utf8'), /\[fake\] fold 1\/2/);
  // the real script, with the maps and options of this run
  const args = readFileSync(py.calls, 'utf8').trim().split(' ');
  assert.ok(args[0]!.endsWith('training/mdd_cnn.py'), args[0]);
  const opt = (name: string) => args[args.indexOf(name) + 1];
  assert.is(opt('--maps'), join(d.out, 'maps'));
  assert.is(opt('--montages'), '19');
  assert.equal([opt('--folds'), opt('--epochs'), opt('--seed'), opt('--seed-state')], ['2', '3', '5', 'reset']);
  assert.ok(args.includes('--no-confounds'));
  // features: 4 recordings x (12 s -> 5 epochs of 4 s, hop 2 s), maps [N, 5, 32, 32]
  const maps = readNpy(new Uint8Array(readFileSync(join(d.out, 'maps', 'base', 'maps.npy'))));
  assert.equal(maps.shape, [20, 5, 32, 32]);
  const epochs = JSON.parse(readFileSync(join(d.out, 'maps', 'base', 'epochs.json'), 'utf8')) as { epochs: { subject: string }[] };
  assert.equal([...new Set(epochs.epochs.map((e) => e.subject))], ['M1', 'M2', 'H1', 'H2']);
  assert.not.ok(existsSync(join(d.out, 'report.json')));
});

test('a signing key whose id is not --key-id: exit 1 before any training', () => {
  const d = tinyData(2);
  const keygen = spawnSync(process.execPath, ['--import', 'tsx', 'src/gateway/cli.ts', 'fleet', 'keygen', '--out', join(d.dir, 'k')], { encoding: 'utf8' });
  assert.is(keygen.status, 0, keygen.stderr);
  const py = fakePython(d.dir, 0);
  const r = cli('--edf', d.dir, '--labels', d.labels, '--folds', '2', '--out', d.out, '--python', py.path, '--sign-key', join(d.dir, 'k.key'), '--key-id', '0123456789abcdef');
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /k\.key has key id [0-9a-f]{16}, not 0123456789abcdef/);
  assert.not.ok(existsSync(py.calls));
});

test.run();
