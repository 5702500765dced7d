// `weargate synth share` through the real CLI, without Python: bad input is refused (exit 2) before
// anything runs, every problem named by file; a missing training environment names
// training/setup.sh (exit 1); a failing training step (a fake --python) has its output streamed,
// its exit code propagated, the TS-cut trainer input in --work and nothing in --out.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readNpy } from '../../src/quantize/npy.js';
import { balancedPersons, writeTinyDataset } from '../_support/mdd-edf.js';
import { writeCorruptHeader, writeTinyClinic, writeTinyEcg, writeTinyEcgEdf } from '../_support/tiny-ecg-wfdb.js';

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/gateway/cli.ts', 'synth', 'share', ...args], { encoding: 'utf8', timeout: 120_000 });
}

function fakePython(dir: string, code: number): { path: string; calls: string } {
  const path = join(dir, 'fake-python');
  const calls = join(dir, 'calls.txt');
  writeFileSync(path, `#!/bin/sh\necho "$@" >> '${calls}'\necho "[fake] step 1/300"\necho "fake warning" >&2\nexit ${code}\n`);
  chmodSync(path, 0o755);
  return { path, calls };
}

function tmp() {
  const root = mkdtempSync(join(tmpdir(), 'wg-share-cli-'));
  const from = join(root, 'from');
  mkdirSync(from);
  return { root, from, out: join(root, 'out'), work: join(root, 'work') };
}

test('every bad record is named, exit 2, Python never called, nothing written', () => {
  const d = tmp();
  writeTinyClinic(d.from, 5);
  writeCorruptHeader(d.from, 'broken');
  writeTinyEcg(d.from, { name: 'noatr', annotations: false });
  writeTinyEcg(d.from, { name: 'fast', sampleRateHz: 500 });
  writeTinyEcg(d.from, { name: 'short', seconds: 30 });
  writeTinyEcg(d.from, { name: 'resp', description: 'Resp', units: 'mmHg' });
  writeFileSync(join(d.from, 'clinic.edf'), 'x');
  writeTinyEcgEdf(d.from, { name: 'nobeats', annotations: false });
  writeFileSync(join(d.from, 'lost.atr'), 'x');
  const py = fakePython(d.root, 0);
  const r = cli('--from', d.from, '--out', d.out, '--work', d.work, '--python', py.path);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /problems in the input, nothing was trained or written/);
  assert.match(r.stderr, /broken\.hea: unreadable/);
  assert.match(r.stderr, /noatr: no beat annotations \(noatr\.atr missing\)/);
  assert.match(r.stderr, /mixed sampling rates: 250 Hz \(p01, p02, p03, p04, p05, short\); 500 Hz \(fast\)/);
  assert.match(r.stderr, /short: 30\.0 s long; at least 60 s/);
  assert.match(r.stderr, /short: \d+ usable beats \(N \d+, V \d+\); at least 60/);
  assert.match(r.stderr, /resp: no ECG lead \(signals: Resp \[mmHg\]\)/);
  assert.match(r.stderr, /clinic\.edf: unreadable/);
  assert.match(r.stderr, /nobeats: no beat annotations \(the file has no EDF\+ annotation whose text is a beat symbol/);
  assert.match(r.stderr, /lost\.atr: no header lost\.hea/);
  assert.not.match(r.stderr, /p01: /);
  assert.not.ok(existsSync(py.calls), 'python was run');
  assert.not.ok(existsSync(d.out), '--out was created');
  assert.not.ok(existsSync(d.work), '--work was created');
});

test('too few recordings: the message says why 8 (persons held out), exit 2; low rates and option errors too', () => {
  const d = tmp();
  writeTinyClinic(d.from, 3);
  writeTinyEcg(d.from, { name: 'slow', sampleRateHz: 128 });
  const r = cli('--from', d.from, '--out', d.out, '--work', d.work);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /4 recordings in .*; at least 8 \(one per person\) are needed: 25 % of them \(at least 2\) are held out as persons the generator never sees/);
  assert.match(r.stderr, /slow: 128 Hz; at least 250 Hz/);
  const o = cli('--from', d.from, '--out', d.out, '--n', '0', '--steps', 'many', '--identity-weight', '-1');
  assert.is(o.status, 2);
  assert.match(o.stderr, /--n 0: needs an integer/);
  assert.match(o.stderr, /--steps many: needs an integer/);
  assert.match(o.stderr, /--identity-weight -1: needs a number within \[0, 10\]/);
});

test('a non-empty --out is refused before training', () => {
  const d = tmp();
  writeTinyClinic(d.from, 8);
  mkdirSync(d.out);
  writeFileSync(join(d.out, 'old.txt'), 'keep me');
  const r = cli('--from', d.from, '--out', d.out, '--work', d.work, '--python', fakePython(d.root, 0).path);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /--out .*: exists and is not empty/);
  assert.is(readFileSync(join(d.out, 'old.txt'), 'utf8'), 'keep me');
});

test('missing training environment: exit 1 with the command that creates it', () => {
  const d = tmp();
  writeTinyClinic(d.from, 8);
  const r = cli('--from', d.from, '--out', d.out, '--work', d.work, '--python', join(d.root, 'no-venv', 'bin', 'python'));
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /training environment is missing \(.*no-venv\/bin\/python does not exist\)/);
  assert.match(r.stderr, /bash .*training\/setup\.sh/);
  assert.not.ok(existsSync(d.out));
});

test('a failing training step: output streamed, exit code propagated, trainer input in --work, nothing in --out', () => {
  const d = tmp();
  const names = writeTinyClinic(d.from, 8);
  writeTinyEcg(d.from, { name: 'quiet', vEvery: 0 });
  const py = fakePython(d.root, 7);
  const r = cli('--from', d.from, '--out', d.out, '--work', d.work, '--python', py.path, '--steps', '300', '--seed', '5');
  assert.is(r.status, 7, r.stderr);
  assert.match(r.stdout, /input ok: 9 recordings at 250 Hz; training 7 \(.*\), held out 2 \(.*\)/);
  assert.match(r.stdout, /note: quiet: no ventricular \(V\) beats; allowed/);
  assert.match(r.stdout, /\[fake\] step 1\/300/);
  assert.match(r.stderr, /fake warning/);
  assert.match(r.stderr, /training \(training\/gan\/ecg_wgan\.py\) failed \(exit 7\); its output is in .*train\.log; nothing was written/);
  assert.not.ok(existsSync(d.out));
  const args = readFileSync(py.calls, 'utf8').trim().split(' ');
  assert.ok(args[0]!.endsWith('training/gan/ecg_wgan.py'), args[0]);
  const opt = (name: string) => args[args.indexOf(name) + 1]!;
  const split = JSON.parse(readFileSync(join(d.work, 'split.json'), 'utf8')) as { trainRecords: string[]; heldoutRecords: string[] };
  assert.is(opt('--records'), split.trainRecords.join(','));
  assert.is(opt('--heldout'), split.heldoutRecords.join(','));
  assert.equal([...split.trainRecords, ...split.heldoutRecords].sort(), [...names, 'quiet'].sort());
  assert.is(opt('--steps'), '300');
  assert.is(opt('--member-fraction'), '0.75');
  // by default a clinic's generator is trained as the shipped one was (its train-report's identity adversary)
  const shipped = JSON.parse(readFileSync('models/gan-ecg/train-report.json', 'utf8')) as { identity: { weight: number } | null };
  assert.is(Number(opt('--identity-weight')), shipped.identity?.weight ?? 0);
  const beats = readNpy(new Uint8Array(readFileSync(opt('--beats'))));
  const classes = readNpy(new Uint8Array(readFileSync(opt('--classes'))));
  assert.is(beats.shape[1], 192);
  assert.is(beats.shape[0], classes.shape[0]);
  // members only: beats whose R lies in the first 75 % of each of the 7 training records (~84 per 90 s record)
  assert.ok(beats.shape[0]! > 7 * 70 && beats.shape[0]! < 7 * 90, String(beats.shape[0]));
  assert.ok(classes.data.some((c) => c === 1) && classes.data.some((c) => c === 0));
  // the record of every beat (indices into --records, in order), so the trainer can draw V beats by record
  const records = readNpy(new Uint8Array(readFileSync(opt('--beat-records'))));
  assert.is(records.shape[0], classes.shape[0]);
  assert.equal([...new Set(records.data)], split.trainRecords.map((_, k) => k));
  for (let i = 1; i < records.data.length; i++) assert.ok(records.data[i]! >= records.data[i - 1]!);
  const rhythm = JSON.parse(readFileSync(opt('--rhythm'), 'utf8')) as { nnMeanRrS: number[]; vPairs: number[][] };
  assert.ok(rhythm.nnMeanRrS.length >= 6);
  assert.ok(rhythm.nnMeanRrS.every((s) => Math.abs(s - 0.8) < 0.06), rhythm.nnMeanRrS.join());
});

test('EDF+ recordings with beat annotations are input too, beside WFDB ones: their beats reach the trainer', () => {
  const d = tmp();
  writeTinyClinic(d.from, 4);
  for (let i = 1; i <= 4; i++) writeTinyEcgEdf(d.from, { name: `e${i}`, vEvery: 5 });
  writeTinyEcgEdf(d.from, { name: 'p01', vEvery: 5 });
  const dup = cli('--from', d.from, '--out', d.out, '--work', d.work);
  assert.is(dup.status, 2, dup.stderr);
  assert.match(dup.stderr, /p01\.edf: same recording name as p01\.hea/);
  rmSync(join(d.from, 'p01.edf'));
  const py = fakePython(d.root, 7);
  const r = cli('--from', d.from, '--out', d.out, '--work', d.work, '--python', py.path, '--seed', '5');
  assert.is(r.status, 7, r.stderr);
  assert.match(r.stdout, /input ok: 8 recordings at 250 Hz/);
  const split = JSON.parse(readFileSync(join(d.work, 'split.json'), 'utf8')) as { trainRecords: string[]; heldoutRecords: string[] };
  assert.equal([...split.trainRecords, ...split.heldoutRecords].sort(), ['e1', 'e2', 'e3', 'e4', 'p01', 'p02', 'p03', 'p04']);
  const args = readFileSync(py.calls, 'utf8').trim().split(' ');
  const classes = readNpy(new Uint8Array(readFileSync(args[args.indexOf('--classes') + 1]!)));
  // WFDB records have every 7th beat V, the EDF ones every 5th: the V share lies between 1/7 and 1/5
  const edfTrain = split.trainRecords.filter((n) => n.startsWith('e')).length;
  assert.ok(edfTrain >= 1 && edfTrain < split.trainRecords.length, `seed 5 trains on both kinds: ${split.trainRecords.join()}`);
  assert.ok(classes.shape[0]! > 6 * 70 && classes.shape[0]! < 6 * 90, String(classes.shape[0]));
  const v = classes.data.filter((c) => c === 1).length / classes.shape[0]!;
  assert.ok(v > 1 / 7 + 0.005 && v < 1 / 5 - 0.005, `V share ${v}`);
});

test('recordings without ventricular beats: allowed, only class N is shared (said before training)', () => {
  const d = tmp();
  for (let i = 1; i <= 8; i++) writeTinyEcg(d.from, { name: `n${i}`, vEvery: 0 });
  const r = cli('--from', d.from, '--out', d.out, '--work', d.work, '--python', fakePython(d.root, 5).path);
  assert.is(r.status, 5, r.stderr);
  assert.match(r.stdout, /note: n1, n2, n3, n4, n5, n6, n7, n8: no ventricular \(V\) beats; allowed/);
  assert.match(r.stdout, /note: 0 ventricular beats in the training part \(fewer than 30\): only class N strips are shared/);
});

test('--kind: eeg-maps needs --labels, ecg refuses it and --montage, an unknown kind or montage is named; eeg-maps bad input reaches its validation (exit 2)', () => {
  const d = tmp();
  const bad = [
    [['--kind', 'eeg-maps'], /--kind eeg-maps needs --labels <csv>/],
    [['--labels', 'x.csv'], /--labels is for --kind eeg-maps/],
    [['--kind', 'emg'], /--kind emg: ecg or eeg-maps/],
    [['--montage', '8'], /--montage is for --kind eeg-maps/],
    [['--kind', 'eeg-maps', '--labels', 'x.csv', '--montage', '16'], /--montage 16: 19 or 8/],
  ] as const;
  for (const [args, message] of bad) {
    const r = cli('--from', d.from, '--out', d.out, ...args);
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, /problems? in the options, nothing was trained or written/);
    assert.match(r.stderr, message);
  }
  writeTinyDataset(d.from, balancedPersons(3));
  const r = cli('--kind', 'eeg-maps', '--from', d.from, '--labels', join(d.from, 'labels.csv'), '--out', d.out, '--work', d.work);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /problems? in the input, nothing was trained or written/);
  assert.match(r.stderr, /3 MDD persons \(M1, M2, M3\); synth share needs at least 4 persons per label \(2 of them held out as persons the generator never sees/);
  assert.match(r.stderr, /3 healthy persons/);
  assert.not.match(r.stderr, /--folds/);
  assert.not.ok(existsSync(d.out) || existsSync(d.work));
});

test.run();
