// `npm run bench -- synth`: the ECG GAN generator on LiteRT.js (one thread): latency per beat for
// each variant, and how much of one core a simulated garment streaming GAN ECG at 250 Hz costs
// (strip assembly included). The EEG map generator has its own lines when models/gan-eeg-maps exists.
import { SeededRandom } from '../src/common/random.js';
import { EcgBeatGenerator } from '../src/models/gan/ecg-generator.js';
import { assembleStrip, loadRhythm } from '../src/models/gan/strip.js';
import { createLiteRtRuntime } from '../src/models/runtime/litert.js';

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
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
  } finally {
    runtime.close();
  }
}
