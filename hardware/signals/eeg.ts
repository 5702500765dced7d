// EEG sources for simulated headsets and boards, in microvolts, one array per channel. Synthetic:
// alpha (10 Hz, strongest where `alphaGain` says), theta (6 Hz), eye blinks (where `blinkGain`
// says), 50 Hz line noise and white noise, seeded. Replay: channels of an EDF file, resampled to the
// device's rate and looped. Shared by the Muse (BLE) and the Cyton (serial) simulators.
import { SeededRandom } from '../../src/common/random.js';
import { loadEdf } from '../../src/streaming/formats/load.js';
import { resampleSinc } from '../../src/streaming/resample.js';

/** A multichannel EEG source; `next()` never ends. */
export interface EegSource {
  readonly sampleRateHz: number;
  readonly channels: string[];
  readonly description: string;
  /** The next `count` samples of every channel, µV. */
  next(count: number): Float32Array[];
}

export interface SyntheticEegOptions {
  sampleRateHz: number;
  seed: number;
  /** Per channel: how much alpha and blink each electrode sees (their lengths set the channel count). */
  alphaGain: readonly number[];
  blinkGain: readonly number[];
  alphaUv?: number;
  thetaUv?: number;
  lineNoiseUv?: number;
  noiseUv?: number;
  blinkUv?: number;
}

/**
 * The synthetic EEG model (it was the Muse simulator's; the random stream is drawn in the same
 * order, so a seed gives the same samples as before).
 */
export class SyntheticEeg {
  private readonly random: SeededRandom;
  private readonly o: Required<Omit<SyntheticEegOptions, 'seed'>>;
  private sampleIndex = 0;
  private nextBlinkIndex: number;

  constructor(options: SyntheticEegOptions) {
    if (options.alphaGain.length !== options.blinkGain.length) throw new Error('alphaGain and blinkGain need one entry per channel');
    this.random = new SeededRandom(options.seed);
    this.o = {
      sampleRateHz: options.sampleRateHz,
      alphaGain: options.alphaGain,
      blinkGain: options.blinkGain,
      alphaUv: options.alphaUv ?? 20,
      thetaUv: options.thetaUv ?? 6,
      lineNoiseUv: options.lineNoiseUv ?? 4,
      noiseUv: options.noiseUv ?? 3,
      blinkUv: options.blinkUv ?? 120,
    };
    this.nextBlinkIndex = Math.round((1 + this.random.next() * 3) * options.sampleRateHz);
  }

  get channelCount(): number {
    return this.o.alphaGain.length;
  }

  /** `count` samples per channel, µV (as plain arrays: the Muse simulator's shape). */
  next(count: number): number[][] {
    const { sampleRateHz, alphaGain, blinkGain } = this.o;
    const out: number[][] = alphaGain.map(() => new Array<number>(count).fill(0));
    const blinkSamples = Math.round(0.25 * sampleRateHz);
    for (let i = 0; i < count; i++) {
      const n = this.sampleIndex++;
      const t = n / sampleRateHz;
      const alpha = this.o.alphaUv * Math.sin(2 * Math.PI * 10 * t) * (0.8 + 0.2 * Math.sin(2 * Math.PI * 0.1 * t));
      const theta = this.o.thetaUv * Math.sin(2 * Math.PI * 6 * t + 1);
      const line = this.o.lineNoiseUv * Math.sin(2 * Math.PI * 50 * t);
      let blink = 0;
      if (n >= this.nextBlinkIndex) {
        const k = n - this.nextBlinkIndex;
        if (k < blinkSamples) blink = this.o.blinkUv * Math.sin((Math.PI * k) / blinkSamples);
        else this.nextBlinkIndex = n + Math.round((2 + this.random.next() * 4) * sampleRateHz);
      }
      for (let c = 0; c < out.length; c++) {
        out[c][i] = alphaGain[c] * alpha + theta + line + blinkGain[c] * blink + this.o.noiseUv * this.random.gaussian();
      }
    }
    return out;
  }
}

/** Alpha and blink weights from 10-20 names: occipital/parietal see alpha, frontal the blinks. */
export function scalpGains(labels: readonly string[]): { alphaGain: number[]; blinkGain: number[] } {
  const alphaGain = labels.map((l) => (/^(O|P|PO|TP)/i.test(l) ? 1 : /^(Fp|AF)/i.test(l) ? 0.35 : 0.6));
  const blinkGain = labels.map((l) => (/^(Fp|AF)/i.test(l) ? 1 : /^F/i.test(l) ? 0.4 : 0.1));
  return { alphaGain, blinkGain };
}

/** A synthetic EEG source with named channels. */
export function syntheticEegSource(opts: { sampleRateHz: number; channels: string[]; seed: number } & Partial<SyntheticEegOptions>): EegSource {
  const gains = scalpGains(opts.channels);
  const model = new SyntheticEeg({ ...gains, ...opts });
  return {
    sampleRateHz: opts.sampleRateHz,
    channels: opts.channels,
    description: `synthetic EEG (alpha, theta, blinks, 50 Hz), seed ${opts.seed}`,
    next: (count) => model.next(count).map((c) => Float32Array.from(c)),
  };
}

/** Replays channels of an EDF file at `sampleRateHz` (resampled), looping. */
export class EdfEegSource implements EegSource {
  private position = 0;

  private constructor(
    readonly sampleRateHz: number,
    readonly channels: string[],
    readonly description: string,
    private readonly microvolts: Float32Array[],
  ) {}

  /** `channelCount` channels from the first signals (or those named in `labels`), repeated when fewer; mV, V or µV. */
  static async fromFile(path: string, opts: { sampleRateHz: number; channelCount: number; labels?: string[] }): Promise<EdfEegSource> {
    const edf = await loadEdf(path);
    const picked = opts.labels
      ? opts.labels.map((l) => {
          const s = edf.signals.find((x) => x.header.label.trim().toLowerCase() === l.toLowerCase());
          if (!s) throw new Error(`${path} has no signal ${l} (it has ${edf.signals.map((x) => x.header.label.trim()).join(', ')})`);
          return s;
        })
      : edf.signals.slice(0, opts.channelCount);
    if (picked.length === 0) throw new Error(`${path} has no signals`);
    // Fewer signals than channels (8 replayed on a 16-channel board): the rest repeat them in order.
    const signals = Array.from({ length: opts.channelCount }, (_, i) => picked[i % picked.length]);
    const microvolts = signals.map((s) => {
      const unit = s.header.physicalDimension.trim().toLowerCase();
      const scale = unit === 'mv' ? 1000 : unit === 'v' ? 1e6 : 1;
      const out = resampleSinc(s.physical, s.sampleRateHz, opts.sampleRateHz);
      for (let i = 0; i < out.length; i++) out[i] *= scale;
      return out;
    });
    const length = Math.min(...microvolts.map((m) => m.length));
    return new EdfEegSource(
      opts.sampleRateHz,
      signals.map((s) => s.header.label.trim()),
      `EDF ${path} (${signals.length} channels) at ${opts.sampleRateHz} Hz`,
      microvolts.map((m) => m.subarray(0, length)),
    );
  }

  get lengthSamples(): number {
    return this.microvolts[0].length;
  }

  next(count: number): Float32Array[] {
    const out = this.microvolts.map(() => new Float32Array(count));
    for (let i = 0; i < count; i++) {
      if (this.position >= this.lengthSamples) this.position = 0;
      for (let c = 0; c < out.length; c++) out[c][i] = this.microvolts[c][this.position];
      this.position++;
    }
    return out;
  }
}
