// `npm run bench -- synth`: the ECG GAN generator on LiteRT.js (one thread): latency per beat for
// each variant, and how much of one core a simulated garment streaming GAN ECG at 250 Hz costs
// (strip assembly included). The EEG map generator (models/gan-eeg-maps) has its own lines: latency
// per map stack, generator alone and with the spline stage that turns its values into 32 x 32 maps.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '../src/common/random.js';
import { EcgBeatGenerator } from '../src/models/gan/ecg-generator.js';
import { DEFAULT_GAN_EEG_DIR, EegMapGenerator } from '../src/models/gan/eeg-generator.js';
import { assembleStrip, loadRhythm } from '../src/models/gan/strip.js';
import { createLiteRtRuntime } from '../src/models/runtime/litert.js';

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function eegMaps(runtime: Awaited<ReturnType<typeof createLiteRtRuntime>>): Promise<void> {
  const probe = await EegMapGenerator.load(runtime);
  const variants = Object.keys(probe.doc.manifest.variants);
  const fallback = probe.doc.manifest.defaultVariant;
  probe.dispose();
  for (const variant of variants) {
    const gen = await EegMapGenerator.load(runtime, { variant });
    const rng = new SeededRandom(3);
    const req = (i: number) => [{ latent: Float32Array.from({ length: gen.params.latentSize }, () => rng.gaussian()), conditionIndex: i % gen.params.conditions.length }];
    for (let i = 0; i < 200; i++) gen.maps(req(i));
    const timed = (withMaps: boolean): number[] => {
      const us: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const r = req(i);
        const t0 = performance.now();
        if (withMaps) gen.maps(r);
        else gen.values(r);
        us.push((performance.now() - t0) * 1000);
      }
      return us.sort((a, b) => a - b);
    };
    const values = timed(false);
    const maps = timed(true);
    console.log(
      `gan-eeg-maps ${variant}${variant === fallback ? ' (default)' : ''}: per stack p50 ${percentile(values, 0.5).toFixed(0)} µs generator, ` +
        `${percentile(maps, 0.5).toFixed(0)} µs with the 32 x 32 maps (p95 ${percentile(maps, 0.95).toFixed(0)} µs; 2000 stacks)`,
    );
    gen.dispose();
  }
}

export async function run(): Promise<void> {
  const runtime = await createLiteRtRuntime();
  try {
    for (const variant of ['int8', 'float32']) {
      const gen = await EcgBeatGenerator.load(runtime, { variant });
      const rng = new SeededRandom(1);
      const latent = () => Float32Array.from({ length: gen.params.latentSize }, () => rng.gaussian());
      for (let i = 0; i < 200; i++) gen.generate([{ latent: latent(), classIndex: i % 2 }]);
      const us: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const req = [{ latent: latent(), classIndex: i % 2 }];
        const t0 = performance.now();
        gen.generate(req);
        us.push((performance.now() - t0) * 1000);
      }
      us.sort((a, b) => a - b);
      const rhythm = loadRhythm(gen);
      const seconds = 600;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const strip = assembleStrip(gen, rhythm, new SeededRandom(2), { seconds, rhythmClass: 'V' });
      const used = process.cpuUsage(c0);
      const cpuS = (used.user + used.system) / 1e6;
      const wallS = (performance.now() - t0) / 1000;
      console.log(
        `gan-ecg ${variant}: per beat p50 ${percentile(us, 0.5).toFixed(0)} µs, p95 ${percentile(us, 0.95).toFixed(0)} µs (2000 beats); ` +
          `${seconds} s strip (${strip.beats.length} beats) in ${wallS.toFixed(2)} s wall, ${cpuS.toFixed(2)} s CPU = ${((100 * cpuS) / seconds).toFixed(3)} % of one core per real-time 250 Hz garment`,
      );
      gen.dispose();
    }
    if (existsSync(join(DEFAULT_GAN_EEG_DIR, 'manifest.json'))) await eegMaps(runtime);
  } finally {
    runtime.close();
  }
}
