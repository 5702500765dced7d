// `weargate synth eeg-maps` end to end (in-process, through the command's own function): a valid
// .npy of the requested shape, labels and conditions in the sidecar, the same file for the same
// seed, layouts that are transpositions of each other; bad arguments refused with a clear message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy } from '../../../src/quantize/npy.js';
import { planEegSynth, synthEegMaps, SYNTHETIC_EEG_NOTICE } from '../../../src/models/gan/eeg-synth.js';
import type { SynthEegOptions } from '../../../src/gateway/commands/synth-eeg.js';
import { createLiteRtRuntime } from '../../../src/models/runtime/litert.js';
import { packagePath } from '../../../src/common/package-root.js';
import { CYTON_8 } from '../../../src/streaming/eeg/positions.js';

const dir = mkdtempSync(join(tmpdir(), 'synth-eeg-'));
const opts = (o: Partial<SynthEegOptions>): SynthEegOptions => ({ n: '6', label: 'MDD', out: join(dir, 'maps.npy'), seed: '1', layout: 'nhwc', quiet: true, ...o });
const read = (file: string) => readNpy(new Uint8Array(readFileSync(file)));
interface Sidecar { notice: string; count: number; shape: number[]; labels: string[]; conditions: string[]; model: { name: string; variant: string } }
const sidecar = (file: string) => JSON.parse(readFileSync(file.replace(/\.npy$/, '.json'), 'utf8')) as Sidecar;

test('writes [n, 32, 32, 5] stacks with labels and alternating conditions', async () => {
  const out = join(dir, 'mdd.npy');
  assert.is(await synthEegMaps(opts({ out })), 0);
  const a = read(out);
  assert.equal(a.shape, [6, 32, 32, 5]);
  const s = sidecar(out);
  assert.is(s.notice, SYNTHETIC_EEG_NOTICE);
  assert.is(s.model.name, 'gan-eeg-maps');
  assert.equal(s.labels, Array(6).fill('MDD'));
  assert.equal(s.conditions, ['EC', 'EO', 'EC', 'EO', 'EC', 'EO']);
  // the corner pixel is outside the head in every band; the centre (Cz) is not
  for (let i = 0; i < 6; i++) {
    for (let b = 0; b < 5; b++) assert.is(a.data[i * 5120 + b], 0);
    let centre = 0;
    for (let b = 0; b < 5; b++) centre += Math.abs(a.data[i * 5120 + (16 * 32 + 16) * 5 + b]!);
    assert.ok(centre > 0, `stack ${i} has values inside the head`);
    for (let j = 0; j < 5120; j++) assert.ok(Number.isFinite(a.data[i * 5120 + j]!));
  }
});

test('same seed, same file; another seed, other stacks; nchw is the transposition', async () => {
  const one = join(dir, 'h1.npy');
  const two = join(dir, 'h2.npy');
  const other = join(dir, 'h3.npy');
  const nchw = join(dir, 'h4.npy');
  await synthEegMaps(opts({ out: one, label: 'healthy', condition: 'EO', seed: '42' }));
  await synthEegMaps(opts({ out: two, label: 'Healthy', condition: 'eo', seed: '42' }));
  await synthEegMaps(opts({ out: other, label: 'healthy', condition: 'EO', seed: '43' }));
  await synthEegMaps(opts({ out: nchw, label: 'healthy', condition: 'EO', seed: '42', layout: 'nchw' }));
  assert.equal(readFileSync(one), readFileSync(two));
  assert.not.equal(read(one).data, read(other).data);
  assert.equal(sidecar(one).conditions, Array(6).fill('EO'));
  assert.equal(sidecar(one).labels, Array(6).fill('healthy'));
  const a = read(one);
  const b = read(nchw);
  assert.equal(b.shape, [6, 5, 32, 32]);
  for (let i = 0; i < 6; i++) for (let band = 0; band < 5; band++) for (let p = 0; p < 1024; p++) {
    if (a.data[i * 5120 + p * 5 + band] !== b.data[i * 5120 + band * 1024 + p]) assert.unreachable(`stack ${i} band ${band} pixel ${p}`);
  }
});

test('MDD and healthy stacks differ (the condition reaches the generator)', async () => {
  const m = join(dir, 'c-mdd.npy');
  const h = join(dir, 'c-healthy.npy');
  await synthEegMaps(opts({ out: m, condition: 'EC', seed: '5' }));
  await synthEegMaps(opts({ out: h, label: 'healthy', condition: 'EC', seed: '5' }));
  assert.not.equal(read(m).data, read(h).data);
});

test('gan-eeg-maps-cyton8: 8-electrode stacks that the 8-electrode MDD CNN reads in the generated condition', async () => {
  const model = packagePath('models', 'gan-eeg-maps-cyton8');
  const runtime = await createLiteRtRuntime();
  try {
    const cnn = await runtime.load(new Uint8Array(readFileSync(packagePath('models', 'mdd-cnn-cyton8', 'float32.tflite'))), { name: 'mdd-cnn-cyton8' });
    const meanP: Record<string, number> = {};
    for (const label of ['MDD', 'healthy'] as const) {
      const out = join(dir, `c8-${label}.npy`);
      await synthEegMaps(opts({ model, out, label, n: '40', seed: '9' }));
      const side = sidecar(out) as Sidecar & { electrodes: string[] };
      assert.is(side.model.name, 'gan-eeg-maps-cyton8');
      assert.equal(side.electrodes, [...CYTON_8]);
      const stacks = read(out);
      assert.equal(stacks.shape, [40, 32, 32, 5]);
      const per = 32 * 32 * 5;
      const p = cnn.runBatch(Array.from({ length: 40 }, (_, k) => [Float32Array.from(stacks.data.subarray(k * per, (k + 1) * per) as Float32Array)]));
      meanP[label] = p.reduce((sum, [o]) => sum + Number(o![0]), 0) / p.length;
    }
    // the shipped CNN and this generator were fitted to the same 36 persons: a check that the condition reaches the
    // maps in the direction the CNN learnt, not a utility number (that is eval synth eeg-maps's TSTR)
    assert.ok(meanP.MDD! > 0.5 && meanP.healthy! < 0.5, `mean P(MDD): MDD ${meanP.MDD}, healthy ${meanP.healthy}`);
  } finally {
    runtime.close();
  }
});

test('bad arguments are refused with the argument named', () => {
  const bad: [Partial<SynthEegOptions>, RegExp][] = [
    [{ n: '0' }, /--n must be an integer within \[1, 100000\], got '0'/],
    [{ n: '2.5' }, /--n must be an integer/],
    [{ n: 'many' }, /--n must be an integer/],
    [{ label: 'depressed' }, /--label must be MDD or healthy, got 'depressed'/],
    [{ condition: 'REM' }, /--condition must be EC \(eyes closed\) or EO \(eyes open\), got 'REM'/],
    [{ seed: '-1' }, /--seed must be an integer/],
    [{ layout: 'hwc' }, /--layout must be nhwc or nchw, got 'hwc'/],
    [{ out: join(dir, 'maps.csv') }, /--out must name a \.npy file/],
  ];
  for (const [o, message] of bad) assert.throws(() => planEegSynth(opts(o)), message);
  assert.equal(planEegSynth(opts({ label: 'mdd', condition: 'ec' })).condition, 'EC');
});

test.run();
