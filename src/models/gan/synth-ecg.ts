// The work behind `weargate synth ecg` (the command parses, this generates and writes).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SynthEcgOptions } from '../../gateway/commands/synth.js';
import { SeededRandom } from '../../common/random.js';
import { writeNpy } from '../../quantize/npy.js';
import { createLiteRtRuntime } from '../runtime/litert.js';
import { EcgBeatGenerator } from './ecg-generator.js';
import { assembleStrip, loadRhythm, type Strip } from './strip.js';
import { SYNTHETIC_NOTICE, writeStripEdf, writeStripWfdb } from './write-strip.js';

const MAX_COUNT = 100_000;

function number(text: string | undefined, what: string, min: number, max: number, integer = false): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) throw new RangeError(`${what} must be ${integer ? 'an integer ' : ''}within [${min}, ${max}], got '${text}'`);
  return v;
}

/** Beat latents: one fresh latent per beat (npy beats are independent draws). */
function latent(rng: SeededRandom, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.gaussian());
}

export async function synthEcg(opts: SynthEcgOptions): Promise<number> {
  const count = number(opts.n, '--n', 1, MAX_COUNT, true) as number;
  const seconds = number(opts.seconds, '--seconds', 2, 3600) as number;
  const seed = number(opts.seed, '--seed', 0, 2 ** 32 - 1, true) as number;
  const vFraction = number(opts.vFraction, '--v-fraction', 0, 0.5);
  const heartRateBpm = number(opts.heartRateBpm, '--heart-rate-bpm', 30, 200);
  const noiseMicrovolts = number(opts.noiseUv, '--noise-uv', 0, 1000) as number;
  const cls = opts.class.toUpperCase();
  if (cls !== 'N' && cls !== 'V') throw new RangeError(`--class must be N or V, got '${opts.class}'`);
  if (!['wfdb', 'edf', 'npy'].includes(opts.format)) throw new RangeError(`--format must be wfdb, edf or npy, got '${opts.format}'`);
  const runtime = await createLiteRtRuntime();
  try {
    const generator = await EcgBeatGenerator.load(runtime, { dir: opts.model, variant: opts.variant });
    const info = generator.info;
    const model = `${info.name}@${info.version}/${info.variant}`;
    const rng = new SeededRandom(seed);
    const out = resolve(opts.out);
    mkdirSync(out, { recursive: true });
    const provenance = { notice: SYNTHETIC_NOTICE, model: { ...info }, seed, class: cls, format: opts.format, generatedAt: new Date().toISOString() };
    if (opts.format === 'npy') {
      const k = generator.classIndex(cls);
      const n = generator.params.beatSamples;
      const data = new Float32Array(count * n);
      for (let i = 0; i < count; i++) data.set(generator.generate([{ latent: latent(rng, generator.params.latentSize), classIndex: k }])[0], i * n);
      const file = join(out, `beats-${cls}.npy`);
      writeFileSync(file, writeNpy({ shape: [count, n], data }));
      writeFileSync(join(out, `beats-${cls}.json`), JSON.stringify({ ...provenance, beats: count, sampleRateHz: generator.params.sampleRateHz, preSamples: generator.params.preSamples }, null, 1));
      if (!opts.quiet) console.log(`${count} synthetic ${cls} beats (${n} samples at ${generator.params.sampleRateHz} Hz, mV) -> ${file}`);
      return 0;
    }
    const rhythm = loadRhythm(generator);
    const strips: { name: string; beats: number; ventricular: number; clipped: number }[] = [];
    const startMs = Date.UTC(2000, 0, 1);
    for (let i = 0; i < count; i++) {
      const strip: Strip = assembleStrip(generator, rhythm, rng, { seconds, rhythmClass: cls, vFraction, heartRateBpm, noiseMicrovolts });
      const name = `synth_${cls}_${String(i + 1).padStart(4, '0')}`;
      const { clipped } = opts.format === 'edf' ? writeStripEdf(out, name, strip, { startMs, model }) : writeStripWfdb(out, name, strip, { model });
      strips.push({ name, beats: strip.beats.length, ventricular: strip.beats.filter((b) => b.symbol === 'V').length, clipped });
      if (!opts.quiet && ((i + 1) % 10 === 0 || i + 1 === count)) console.log(`${i + 1}/${count} strips`);
    }
    writeFileSync(join(out, 'synthetic.json'), JSON.stringify({ ...provenance, seconds, vFraction: cls === 'V' ? (vFraction ?? 0.15) : 0, heartRateBpm: heartRateBpm ?? 'drawn', noiseMicrovolts, strips }, null, 1));
    const clipped = strips.reduce((n, s) => n + s.clipped, 0);
    if (!opts.quiet) console.log(`${count} synthetic ${seconds} s strips (${opts.format}) -> ${out}${clipped > 0 ? `; ${clipped} samples clipped at ±5 mV` : ''}`);
    return 0;
  } finally {
    runtime.close();
  }
}
