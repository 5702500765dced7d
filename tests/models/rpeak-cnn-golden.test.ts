// The committed R-peak CNN (models/rpeak-cnn): manifest and sha256, and the TypeScript path
// against Python's golden vectors (training/rpeak_cnn_goldens.py): resampling, normalisation,
// LiteRT.js outputs of the shipped float and int8 models, peak picking.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLiteRtRuntime } from '../../src/models/runtime/litert.js';
import type { ModelRuntime } from '../../src/models/runtime/types.js';
import { readVariantBytes, parseManifest } from '../../src/models/manifest.js';
import { RPEAK_CNN_DIR, foldHoldingOut, readRPeakCnnManifest, rpeakCnnConfig, rpeakCnnFolds } from '../../src/models/rpeak/cnn-config.js';
import { loadCnnWindowModel } from '../../src/models/rpeak/cnn-model.js';
import { LinearResampler, normalizeWindow, StreamingPeakPicker } from '../../src/models/rpeak/cnn-stream.js';

interface Golden {
  threshold: number;
  refractory_samples: number;
  resample: { name: string; rate_in_hz: number; input: number[]; output: number[] }[];
  windows: { name: string; mv: number[]; input: number[]; float32: number[]; int8: number[]; peaks_float32: number[]; peaks_int8: number[] }[];
}
const golden = JSON.parse(readFileSync(join(RPEAK_CNN_DIR, 'golden.json'), 'utf8')) as Golden;
const DS1 = '101 106 108 109 112 114 115 116 118 119 122 124 201 203 205 207 208 209 215 220 223 230'.split(' ');

let runtime: ModelRuntime;
test.before(async () => {
  runtime = await createLiteRtRuntime();
});
test.after(() => runtime?.close());

test('manifest: every file matches its sha256; the folds hold out each DS1 record exactly once', () => {
  const doc = readRPeakCnnManifest();
  const config = rpeakCnnConfig(doc.manifest);
  assert.equal([config.sampleRateHz, config.windowSamples, config.hopSamples, config.trustedStartSamples], [250, 768, 256, 256]);
  assert.is(doc.manifest.defaultVariant, 'int8');
  assert.ok(doc.manifest.variants.int8 && doc.manifest.variants.float32, 'shipped int8 and float32');
  const folds = rpeakCnnFolds(doc);
  for (const d of [doc, ...folds.map((f) => f.doc)]) for (const v of Object.keys(d.manifest.variants)) readVariantBytes(d, v); // throws on mismatch
  assert.ok(folds.length >= 5, `${folds.length} folds`);
  for (const f of folds) assert.ok(f.doc.manifest.variants.int8 && f.doc.manifest.variants.float32, `${f.name} has int8 and float32`);
  assert.equal(folds.flatMap((f) => f.heldOut).sort(), [...DS1].sort());
  assert.is(foldHoldingOut(folds, '203')?.heldOut.includes('203'), true);
  assert.is(foldHoldingOut(folds, '100'), undefined);
});

test('manifest: a changed model byte, a fold file outside the folder or a bad parameter is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rpeak-cnn-'));
  try {
    cpSync(RPEAK_CNN_DIR, dir, { recursive: true });
    const doc = readRPeakCnnManifest(dir);
    const path = join(dir, doc.manifest.variants.int8.file);
    const bytes = readFileSync(path);
    bytes[bytes.length - 100] ^= 1;
    writeFileSync(path, bytes);
    assert.throws(() => readVariantBytes(doc, 'int8'), /sha256/);
    await loadCnnWindowModel(runtime, { dir }).then(
      () => assert.unreachable('the loader checks the sha256'),
      (err: Error) => assert.match(err.message, /sha256/),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const path = join(RPEAK_CNN_DIR, 'manifest.json');
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { params: Record<string, unknown>; folds: { variants: Record<string, { file: string }> }[] };
  const broken = structuredClone(raw);
  broken.params.hopSamples = 600; // the trusted centre no longer fits
  assert.throws(() => rpeakCnnConfig(parseManifest(JSON.stringify(broken), path).manifest), /trusted centre/);
  delete broken.params.threshold;
  assert.throws(() => rpeakCnnConfig(parseManifest(JSON.stringify(broken), path).manifest), /threshold/);
  const escape = structuredClone(raw);
  escape.folds[0].variants.int8.file = '../rpeak-proto/float32.tflite';
  assert.throws(() => rpeakCnnFolds(parseManifest(JSON.stringify(escape), path)), /inside the folder/);
});

test('resampling to 250 Hz reproduces Python (360, 130 and 500 Hz inputs, any chunking)', () => {
  for (const c of golden.resample) {
    for (const chunk of [1, 7, c.input.length]) {
      const r = new LinearResampler(c.rate_in_hz, 250);
      const out: number[] = [];
      for (let i = 0; i < c.input.length; i += chunk) r.push(c.input.slice(i, i + chunk), out);
      // The stream emits a sample once the input after its position has arrived.
      const expected = c.output.filter((_, k) => Math.floor(r.position(k)) + 1 < c.input.length);
      assert.is(out.length, expected.length, `${c.name}: count`);
      const worst = Math.max(...out.map((v, k) => Math.abs(v - expected[k])));
      assert.ok(worst <= 1e-12, `${c.name} chunk ${chunk}: max diff ${worst}`);
    }
  }
});

test('window normalisation reproduces Python (float32)', () => {
  for (const w of golden.windows) {
    const z = normalizeWindow(Float64Array.from(w.mv), 0.01, 8, new Float32Array(w.mv.length));
    const worst = Math.max(...Array.from(z, (v, i) => Math.abs(v - w.input[i])));
    assert.ok(worst <= 1e-6, `${w.name}: max diff ${worst}`);
  }
});

test('LiteRT.js runs the shipped float32 and int8 models like Python LiteRT; peaks match', async () => {
  for (const variant of ['float32', 'int8'] as const) {
    const { model, stage } = await loadCnnWindowModel(runtime, { variant }); // runs the manifest's golden vectors too
    for (const w of golden.windows) {
      const p = model.probabilities(Float32Array.from(w.input));
      const ref = w[variant];
      const worst = Math.max(...Array.from(p, (v, i) => Math.abs(v - ref[i])));
      assert.ok(worst <= (variant === 'int8' ? 1 / 256 + 1e-6 : 1e-5), `${variant} ${w.name}: max diff ${worst}`);
      const picker = new StreamingPeakPicker(golden.threshold, golden.refractory_samples);
      const peaks: number[] = [];
      picker.push(Float32Array.from(ref), peaks);
      picker.flush(peaks);
      assert.equal(peaks, variant === 'int8' ? w.peaks_int8 : w.peaks_float32, `${variant} ${w.name}: peaks`);
    }
    stage.dispose();
  }
});

test('the shipped int8 model agrees with the float model on the golden windows', () => {
  for (const w of golden.windows) {
    const worst = Math.max(...w.int8.map((v, i) => Math.abs(v - w.float32[i])));
    assert.ok(worst < 0.2, `${w.name}: int8 vs float max diff ${worst}`);
  }
});

test.run();
