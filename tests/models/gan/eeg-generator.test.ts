// The committed EEG map generators (models/gan-eeg-maps, 19 electrodes; models/gan-eeg-maps-cyton8, 8): both variants load through the model
// stage (sha256, tensors, golden vectors from Python LiteRT), their outputs are centred per epoch
// like the MDD features, and the TypeScript spline stage turns the golden values into the same map
// stacks as the trainer's NumPy (training/gan/eeg_export.py), 0 outside the head.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy } from '../../../src/quantize/npy.js';
import { createLiteRtRuntime } from '../../../src/models/runtime/litert.js';
import type { ModelRuntime } from '../../../src/models/runtime/types.js';
import { DEFAULT_GAN_EEG_DIR, EegMapGenerator } from '../../../src/models/gan/eeg-generator.js';
import { valuesToMaps, valuesToRelativePowers } from '../../../src/models/gan/eeg-maps.js';
import { DEFAULT_MDD_FEATURES, MDD_19, relativeBandPowers } from '../../../src/models/mdd/features.js';
import { CYTON_8 } from '../../../src/streaming/eeg/positions.js';

let runtime: ModelRuntime;
test.before(async () => {
  runtime = await createLiteRtRuntime();
});
test.after(() => runtime.close());

const npy = (file: string, dir = DEFAULT_GAN_EEG_DIR) => readNpy(new Uint8Array(readFileSync(join(dir, file))));
const CYTON8_DIR = join(DEFAULT_GAN_EEG_DIR, '..', 'gan-eeg-maps-cyton8');

for (const [dir, name, electrodes] of [[DEFAULT_GAN_EEG_DIR, 'gan-eeg-maps', MDD_19], [CYTON8_DIR, 'gan-eeg-maps-cyton8', CYTON_8]] as const) {
  const width = electrodes.length * 5;
  for (const variant of ['float32', 'int8']) {
    test(`${name} ${variant} loads with its goldens and generates centred ${electrodes.length} x 5 values`, async () => {
      const g = await EegMapGenerator.load(runtime, { dir, variant });
      assert.is(g.info.name, name);
      assert.is(g.info.variant, variant);
      assert.is(g.info.task, 'synth');
      assert.equal(g.params.electrodes, [...electrodes]);
      assert.equal(g.params.bands, DEFAULT_MDD_FEATURES.bands.map((b) => b.name));
      assert.equal(g.params.conditions, ['MDD-EC', 'MDD-EO', 'healthy-EC', 'healthy-EO']);
      const inputs = npy('golden-inputs.npy', dir);
      const want = npy(`golden-outputs-${variant}.npy`, dir);
      const inWidth = inputs.data.length / inputs.shape[0];
      const latentSize = g.params.latentSize;
      for (let k = 0; k < inputs.shape[0]; k++) {
        const x = inputs.data.subarray(k * inWidth, (k + 1) * inWidth);
        const conditionIndex = Array.from(x.subarray(latentSize)).indexOf(1);
        const [v] = g.values([{ latent: x.slice(0, latentSize), conditionIndex }]);
        assert.is(v!.length, width);
        let mean = 0;
        v!.forEach((value, i) => {
          mean += value / v!.length;
          assert.ok(Math.abs(value - want.data[k * width + i]!) < (variant === 'int8' ? 0.05 : 1e-4), `vector ${k} value ${i}`);
        });
        // the folded centring: float exactly, int8 within its output step
        assert.ok(Math.abs(mean) < (variant === 'int8' ? 0.02 : 1e-4), `mean ${mean}`);
      }
      g.dispose();
    });
  }

  test(`${name}: the TypeScript spline stage reproduces the trainer’s golden map stacks`, async () => {
    const g = await EegMapGenerator.load(runtime, { dir, variant: 'float32' });
    const values = npy('golden-outputs-float32.npy', dir);
    const maps = npy('golden-maps-float32.npy', dir);
    assert.equal(maps.shape.slice(1), [5, 32, 32]);
    for (let k = 0; k < maps.shape[0]; k++) {
      const stack = valuesToMaps(values.data.subarray(k * width, (k + 1) * width), g.geometry);
      let worst = 0;
      let outside = 0;
      stack.forEach((m, i) => {
        worst = Math.max(worst, Math.abs(m - maps.data[k * 5120 + i]!));
        if (maps.data[k * 5120 + i] === 0) outside++;
      });
      assert.ok(worst < 1e-5, `stack ${k}: max |diff| ${worst}`);
      assert.ok(outside > 5 * 150, 'pixels outside the head are 0');
    }
    g.dispose();
  });
}

test('relative band powers from generated values are what the baseline computes from powers', () => {
  const geometry = { electrodes: DEFAULT_MDD_FEATURES.electrodes, bands: ['a', 'b', 'c', 'd', 'e'], gridPx: 32 };
  const powers = Array.from({ length: 5 }, (_, b) => Float64Array.from({ length: 19 }, (_, e) => 1 + ((b * 7 + e * 3) % 11)));
  const logs = powers.flatMap((band) => Array.from(band, (p) => Math.log10(p)));
  const mean = logs.reduce((s, v) => s + v, 0) / logs.length;
  const fromValues = valuesToRelativePowers(logs.map((v) => v - mean), geometry);
  const direct = relativeBandPowers(powers);
  direct.forEach((v, i) => assert.ok(Math.abs(v - fromValues[i]!) < 1e-12, `${i}`));
});

test('a manifest of another task is refused clearly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gan-eeg-bad-'));
  for (const f of readdirSync(DEFAULT_GAN_EEG_DIR, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name)) if (!f.endsWith('.md')) copyFileSync(join(DEFAULT_GAN_EEG_DIR, f), join(dir, f));
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { task: string; params: Record<string, unknown> };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, task: 'mdd' }));
  await EegMapGenerator.load(runtime, { dir }).then(
    () => assert.unreachable('loaded an mdd manifest'),
    (err: Error) => assert.match(err.message, /not a GAN EEG-maps manifest: task is 'mdd'/),
  );
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, params: { ...manifest.params, valueLayout: 'electrode-major' } }));
  await EegMapGenerator.load(runtime, { dir }).then(
    () => assert.unreachable('loaded a wrong layout'),
    (err: Error) => assert.match(err.message, /valueLayout/),
  );
});

test.run();
