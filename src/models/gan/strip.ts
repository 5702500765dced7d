// Assembles generated beats into a continuous ECG strip. The GAN (ecg-generator.ts) makes beat
// morphology; the rhythm comes from the empirical statistics of the generator's own training
// records (models/gan-ecg/rhythm.json, written by training/gan/ecg_data.py):
// - a strip draws one training record's median NN interval and short-term variability, and its RR
//   intervals follow an AR(1) process around that median with that variability;
// - in a 'V' strip a beat becomes ventricular (after at least two normal beats) with probability
//   `vFraction`, with a coupling interval and compensatory pause drawn as one observed pair;
// - one latent vector per strip and class gives the strip a consistent morphology (one "wearer",
//   one ectopic focus); each beat perturbs it by a small rotation (beat-to-beat variability);
// - beats are overlap-added with short raised-cosine tapers at the window edges.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { SeededRandom } from '../../common/random.js';
import type { EcgBeatGenerator } from './ecg-generator.js';

const RhythmSchema = Type.Object({
  nnMeanRrS: Type.Array(Type.Number({ exclusiveMinimum: 0.2, maximum: 3 }), { minItems: 1 }),
  nnRrCv: Type.Array(Type.Number({ minimum: 0, maximum: 1 }), { minItems: 1 }),
  vPairs: Type.Array(Type.Tuple([Type.Number({ exclusiveMinimum: 0 }), Type.Number({ exclusiveMinimum: 0 })])),
});
export type RhythmStats = Static<typeof RhythmSchema>;

export function loadRhythm(generator: EcgBeatGenerator): RhythmStats {
  const path = join(generator.doc.dir, generator.params.rhythm);
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!Value.Check(RhythmSchema, raw)) throw new Error(`${path}: ${[...Value.Errors(RhythmSchema, raw)].slice(0, 3).map((e) => `${e.path} ${e.message}`).join('; ')}`);
  if (raw.nnMeanRrS.length !== raw.nnRrCv.length) throw new Error(`${path}: nnMeanRrS and nnRrCv differ in length`);
  return raw;
}

export interface StripOptions {
  seconds: number;
  /** 'N': normal beats only; 'V': normal beats with ventricular ectopics at `vFraction`. */
  rhythmClass: 'N' | 'V';
  vFraction?: number;
  /** Overrides the drawn median heart rate. */
  heartRateBpm?: number;
  /** Beat-to-beat latent rotation, radians (0 = identical beats). */
  beatJitterRad?: number;
  /** White measurement noise added to the strip, µV RMS. */
  noiseMicrovolts?: number;
}

export interface Strip {
  sampleRateHz: number;
  /** Millivolts. */
  samplesMv: Float32Array;
  beats: { sample: number; symbol: string; classIndex: number }[];
  /** Which training record's rhythm statistics the strip drew. */
  rhythmFrom: number;
}

const AR_COEFF = 0.9;
const TAPER_SAMPLES = 12;
export const DEFAULT_V_FRACTION = 0.15;
export const DEFAULT_BEAT_JITTER_RAD = 0.25;

function gaussianVector(rng: SeededRandom, n: number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.gaussian();
  return v;
}

function rotate(base: Float32Array, rng: SeededRandom, angleRad: number): Float32Array {
  const c = Math.cos(angleRad);
  const s = Math.sin(angleRad);
  const out = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) out[i] = c * base[i] + s * rng.gaussian();
  return out;
}

function taper(n: number): Float32Array {
  const w = new Float32Array(n).fill(1);
  for (let i = 0; i < TAPER_SAMPLES && i < n / 2; i++) {
    const g = 0.5 - 0.5 * Math.cos((Math.PI * (i + 0.5)) / TAPER_SAMPLES);
    w[i] = g;
    w[n - 1 - i] = g;
  }
  return w;
}

export function assembleStrip(generator: EcgBeatGenerator, rhythm: RhythmStats, rng: SeededRandom, options: StripOptions): Strip {
  const { sampleRateHz: rateHz, beatSamples, preSamples, latentSize } = generator.params;
  if (!(options.seconds > 0)) throw new RangeError('strip length must be > 0 s');
  const vFraction = options.vFraction ?? DEFAULT_V_FRACTION;
  if (vFraction < 0 || vFraction > 0.5) throw new RangeError('vFraction must be within [0, 0.5]');
  if (options.rhythmClass === 'V' && rhythm.vPairs.length === 0) throw new Error('the rhythm statistics hold no ventricular beats');
  const total = Math.round(options.seconds * rateHz);
  const from = Math.floor(rng.next() * rhythm.nnMeanRrS.length);
  const meanRrS = options.heartRateBpm !== undefined ? 60 / options.heartRateBpm : rhythm.nnMeanRrS[from];
  const sigma = (meanRrS * rhythm.nnRrCv[from]) / Math.sqrt(2 * (1 - AR_COEFF));
  const jitter = options.beatJitterRad ?? DEFAULT_BEAT_JITTER_RAD;
  const n = generator.classIndex('N');
  const v = options.rhythmClass === 'V' ? generator.classIndex('V') : -1;
  const base = [gaussianVector(rng, latentSize), gaussianVector(rng, latentSize)];
  const requests: { at: number; classIndex: number; latent: Float32Array }[] = [];
  let state = 0;
  let sinceV = 0;
  let t = preSamples + rng.next() * meanRrS * rateHz;
  const fits = (at: number) => at - preSamples + beatSamples <= total;
  while (fits(Math.round(t))) {
    const at = Math.round(t);
    state = AR_COEFF * state + Math.sqrt(1 - AR_COEFF * AR_COEFF) * rng.gaussian();
    const localRrS = Math.max(0.3, meanRrS + sigma * state);
    requests.push({ at, classIndex: n, latent: rotate(base[0], rng, jitter) });
    sinceV++;
    if (v >= 0 && sinceV >= 2 && rng.next() < vFraction) {
      // A ventricular beat after this one: early by its coupling ratio, then the compensatory pause.
      const [coupling, pause] = rhythm.vPairs[Math.floor(rng.next() * rhythm.vPairs.length)];
      const vAt = Math.round(t + coupling * localRrS * rateHz);
      if (!fits(vAt)) break;
      requests.push({ at: vAt, classIndex: v, latent: rotate(base[1], rng, jitter) });
      t = vAt + pause * localRrS * rateHz;
      sinceV = 0;
    } else t += localRrS * rateHz;
  }
  const beats = generator.generate(requests);
  const w = taper(beatSamples);
  const out = new Float32Array(total);
  requests.forEach((r, k) => {
    const start = r.at - preSamples;
    for (let i = 0; i < beatSamples; i++) {
      const j = start + i;
      if (j >= 0 && j < total) out[j] += beats[k][i] * w[i];
    }
  });
  const noiseMv = (options.noiseMicrovolts ?? 0) / 1000;
  if (noiseMv > 0) for (let i = 0; i < total; i++) out[i] += noiseMv * rng.gaussian();
  const symbols = generator.params.symbols;
  return {
    sampleRateHz: rateHz,
    samplesMv: out,
    beats: requests.map((r) => ({ sample: r.at, symbol: symbols[r.classIndex], classIndex: r.classIndex })),
    rhythmFrom: from,
  };
}
