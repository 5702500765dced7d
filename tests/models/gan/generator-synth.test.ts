// The committed ECG GAN generator (models/gan-ecg) on LiteRT: it loads through the model stage
// (sha256, tensors, golden vectors), strips are assembled as documented, and `synth ecg` writes
// EDF+ and WFDB files our own readers open with every beat annotated.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '../../../src/common/random.js';
import { EcgBeatGenerator } from '../../../src/models/gan/ecg-generator.js';
import { assembleStrip, loadRhythm } from '../../../src/models/gan/strip.js';
import { synthEcg } from '../../../src/models/gan/synth-ecg.js';
import type { SynthEcgOptions } from '../../../src/gateway/commands/synth.js';
import { createLiteRtRuntime } from '../../../src/models/runtime/litert.js';
import type { ModelRuntime } from '../../../src/models/runtime/types.js';
import { readNpy } from '../../../src/quantize/npy.js';
import { parseEdf } from '../../../src/streaming/formats/edf.js';
import { loadWfdbRecord } from '../../../src/streaming/formats/load.js';

let runtime: ModelRuntime;
let gen: EcgBeatGenerator;
const dir = mkdtempSync(join(tmpdir(), 'wg-synth-'));

test.before(async () => {
  runtime = await createLiteRtRuntime();
  gen = await EcgBeatGenerator.load(runtime);
});
test.after(() => {
  gen.dispose();
  runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the shipped generator is int8 by default and passed its golden vectors at load', () => {
  assert.is(gen.info.precision, 'int8');
  assert.is(gen.params.sampleRateHz, 250);
  assert.equal(gen.params.classes, ['N', 'V']);
  assert.throws(() => gen.classIndex('S'), /unknown beat class 'S'/);
});

test('strips: beats inside the strip, ascending, ventricular beats early and followed by a pause', () => {
  const rhythm = loadRhythm(gen);
  const rng = new SeededRandom(4);
  const s = assembleStrip(gen, rhythm, rng, { seconds: 60, rhythmClass: 'V', vFraction: 0.3 });
  assert.is(s.samplesMv.length, 60 * 250);
  const at = s.beats.map((b) => b.sample);
  assert.ok(at.every((v, i) => i === 0 || v > at[i - 1]));
  assert.ok(at[0] >= gen.params.preSamples && at[at.length - 1] + gen.params.beatSamples - gen.params.preSamples <= s.samplesMv.length);
  const vIdx = s.beats.flatMap((b, i) => (b.symbol === 'V' && i > 0 && i < s.beats.length - 1 ? [i] : []));
  assert.ok(vIdx.length >= 5, `${vIdx.length} V beats`);
  for (const i of vIdx) assert.ok(at[i] - at[i - 1] < at[i + 1] - at[i], `V beat ${i}: coupling shorter than the pause`);
  const n = assembleStrip(gen, rhythm, new SeededRandom(4), { seconds: 30, rhythmClass: 'N' });
  assert.ok(n.beats.every((b) => b.symbol === 'N'));
  for (const v of s.samplesMv) assert.ok(Number.isFinite(v));
});

test('the same seed gives the same strip; another seed another one', () => {
  const rhythm = loadRhythm(gen);
  const a = assembleStrip(gen, rhythm, new SeededRandom(9), { seconds: 10, rhythmClass: 'N' });
  const b = assembleStrip(gen, rhythm, new SeededRandom(9), { seconds: 10, rhythmClass: 'N' });
  const c = assembleStrip(gen, rhythm, new SeededRandom(10), { seconds: 10, rhythmClass: 'N' });
  assert.equal(Array.from(a.samplesMv), Array.from(b.samplesMv));
  assert.not.equal(Array.from(a.samplesMv), Array.from(c.samplesMv));
});

test('synth ecg writes WFDB records our reader opens, with one annotation per placed beat', async () => {
  const out = join(dir, 'wfdb');
  assert.is(await synthEcg({ n: '2', class: 'V', out, format: 'wfdb', seconds: '10', seed: '3', noiseUv: '0', quiet: true }), 0);
  const meta = JSON.parse(readFileSync(join(out, 'synthetic.json'), 'utf8')) as { strips: { name: string; beats: number; ventricular: number }[]; notice: string };
  assert.match(meta.notice, /SYNTHETIC/);
  for (const s of meta.strips) {
    const rec = await loadWfdbRecord(join(out, s.name));
    assert.is(rec.signals[0].physical.length, 2500);
    assert.is(rec.annotations?.length, s.beats);
    assert.is(rec.annotations?.filter((a) => a.symbol === 'V').length, s.ventricular);
  }
});

test('synth ecg writes EDF+ with beat annotations and the synthetic notice', async () => {
  const out = join(dir, 'edf');
  assert.is(await synthEcg({ n: '1', class: 'N', out, format: 'edf', seconds: '12', seed: '3', noiseUv: '5', quiet: true }), 0);
  const file = readdirSync(out).find((f) => f.endsWith('.edf')) as string;
  const edf = parseEdf(new Uint8Array(readFileSync(join(out, file))));
  assert.is(edf.signals[0].physical.length, 12 * 250);
  assert.ok(edf.annotations.some((a) => /SYNTHETIC/.test(a.texts.join(' '))));
  assert.ok(edf.annotations.filter((a) => a.texts.includes('N')).length >= 8);
});

test('synth ecg --format npy writes beats of the asked class; bad arguments are refused', async () => {
  const out = join(dir, 'npy');
  assert.is(await synthEcg({ n: '7', class: 'V', out, format: 'npy', seconds: '10', seed: '1', noiseUv: '0', quiet: true }), 0);
  const npy = readNpy(new Uint8Array(readFileSync(join(out, 'beats-V.npy'))));
  assert.equal(npy.shape, [7, 192]);
  const base: SynthEcgOptions = { n: '1', class: 'N', out, format: 'wfdb', seconds: '10', seed: '1', noiseUv: '0', quiet: true };
  const refusal = async (over: Partial<SynthEcgOptions>) => synthEcg({ ...base, ...over }).then(() => 'accepted', (e: Error) => e.message);
  assert.match(await refusal({ class: 'S' }), /--class must be N or V/);
  assert.match(await refusal({ format: 'csv' }), /--format/);
  assert.match(await refusal({ n: '0' }), /--n must be/);
  assert.match(await refusal({ vFraction: '0.9' }), /--v-fraction/);
});

test.run();
