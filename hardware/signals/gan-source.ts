// A simulated ECG source driven by the GAN generator (models/gan-ecg): strips of generated beats
// (normal, or with ventricular ectopics) assembled with the training records' rhythm, produced on
// demand, resampled to the device rate. Values are microvolts; the stream never ends.
import type { SeededRandom } from '../../src/common/random.js';
import { SeededRandom as Rng } from '../../src/common/random.js';
import { EcgBeatGenerator } from '../../src/models/gan/ecg-generator.js';
import { assembleStrip, loadRhythm, type RhythmStats, type StripOptions } from '../../src/models/gan/strip.js';
import { createLiteRtRuntime } from '../../src/models/runtime/litert.js';
import type { ModelRuntime } from '../../src/models/runtime/types.js';
import { resampleSinc } from '../../src/streaming/resample.js';
import type { SignalSource } from './source.js';

export interface GanSourceOptions {
  sampleRateHz: number;
  rhythmClass: 'N' | 'V';
  seed: number;
  vFraction?: number;
  heartRateBpm?: number;
  noiseMicrovolts?: number;
  /** Generator folder (default models/gan-ecg) and variant (default: the manifest's). */
  modelDir?: string;
  variant?: string;
}

const STRIP_S = 20;
const MAX_TRUTH_BEATS = 4096;

export class GanSource implements SignalSource {
  readonly truthBeats: number[] = [];
  private buffer = new Float32Array(0);
  private position = 0;
  private produced = 0;

  private constructor(
    readonly sampleRateHz: number,
    readonly description: string,
    private readonly runtime: ModelRuntime,
    private readonly generator: EcgBeatGenerator,
    private readonly rhythm: RhythmStats,
    private readonly rng: SeededRandom,
    private readonly strip: StripOptions,
  ) {}

  static async create(o: GanSourceOptions): Promise<GanSource> {
    const runtime = await createLiteRtRuntime();
    try {
      const generator = await EcgBeatGenerator.load(runtime, { dir: o.modelDir, variant: o.variant });
      const info = generator.info;
      const what = `synthetic ECG from ${info.name}@${info.version}/${info.variant} (class ${o.rhythmClass}, seed ${o.seed})`;
      return new GanSource(o.sampleRateHz, what, runtime, generator, loadRhythm(generator), new Rng(o.seed), {
        seconds: STRIP_S,
        rhythmClass: o.rhythmClass,
        vFraction: o.vFraction,
        heartRateBpm: o.heartRateBpm,
        noiseMicrovolts: o.noiseMicrovolts,
      });
    } catch (err) {
      runtime.close();
      throw err;
    }
  }

  private refill(): void {
    const s = assembleStrip(this.generator, this.rhythm, this.rng, this.strip);
    const ratio = this.sampleRateHz / s.sampleRateHz;
    const mv = ratio === 1 ? s.samplesMv : resampleSinc(s.samplesMv, s.sampleRateHz, this.sampleRateHz);
    const uv = new Float32Array(mv.length);
    for (let i = 0; i < mv.length; i++) uv[i] = mv[i] * 1000;
    const rest = this.buffer.subarray(this.position);
    const next = new Float32Array(rest.length + uv.length);
    next.set(rest);
    next.set(uv, rest.length);
    const offset = this.produced + rest.length;
    for (const b of s.beats) this.truthBeats.push(offset + Math.round(b.sample * ratio));
    if (this.truthBeats.length > MAX_TRUTH_BEATS) this.truthBeats.splice(0, this.truthBeats.length - MAX_TRUTH_BEATS);
    this.buffer = next;
    this.position = 0;
  }

  next(count: number): Float32Array {
    while (this.buffer.length - this.position < count) this.refill();
    const out = this.buffer.slice(this.position, this.position + count);
    this.position += count;
    this.produced += count;
    return out;
  }

  close(): void {
    this.generator.dispose();
    this.runtime.close();
  }
}
