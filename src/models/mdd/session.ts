// One EEG session's MDD screening score, as data (no timers, no I/O): per epoch the model's P(MDD)
// (or a rejection), out the session score = mean P over the clean epochs, a 95 % percentile bootstrap
// interval over those epochs (seeded, so the same epochs give the same interval), and the counts.
// Epochs overlap by 50 %, so neighbours are not independent: the interval is optimistic, and it says
// nothing about the model's error on persons (that is the model card's CV interval).
import type { EegMdd, ModelRef } from '../../mqtt/api.js';
import type { RejectReason } from './features.js';
import { mulberry32 } from './metrics.js';

export const MDD_RESEARCH_NOTICE =
  'Research screening signal from a model trained on 36 persons (Mumtaz 2016 data set); not a diagnosis and not a medical device. Refer to a clinician.';

export interface MddSessionOptions {
  /** Fewer clean epochs than this: no score yet (default 10, i.e. about 20 s of clean EEG at a 2 s hop). */
  minCleanEpochs?: number;
  bootstrapResamples?: number;
  seed?: number;
  /** Most recent clean epochs kept (a bounded session; default 1800 = 1 h at a 2 s hop). */
  maxEpochs?: number;
}

export interface MddSessionScore {
  probability: number;
  interval: { low: number; high: number; level: number };
  cleanEpochs: number;
  rejectedEpochs: number;
  rejected: Partial<Record<RejectReason, number>>;
  /** Time covered from the first to the end of the last epoch seen, s. */
  sessionS: number;
  screening_only: true;
  notice: string;
}

export class MddSession {
  private readonly probabilities: number[] = [];
  private readonly rejected: Partial<Record<RejectReason, number>> = {};
  private rejectedCount = 0;
  private firstStartS: number | undefined;
  private lastEndS = 0;
  private readonly minClean: number;
  private readonly resamples: number;
  private readonly seed: number;
  private readonly maxEpochs: number;

  constructor(options: MddSessionOptions = {}) {
    this.minClean = options.minCleanEpochs ?? 10;
    this.resamples = options.bootstrapResamples ?? 500;
    this.seed = options.seed ?? 1;
    this.maxEpochs = options.maxEpochs ?? 1800;
  }

  /** One clean epoch's P(MDD) (0..1), the epoch spanning [startS, endS). */
  addEpoch(probability: number, startS: number, endS: number): void {
    if (!(probability >= 0 && probability <= 1)) throw new RangeError(`P(MDD) ${probability} is not in [0, 1]`);
    this.span(startS, endS);
    this.probabilities.push(probability);
    if (this.probabilities.length > this.maxEpochs) this.probabilities.shift();
  }

  /** An epoch the artefact rules rejected (counted, not scored). */
  addRejected(reason: RejectReason, startS: number, endS: number): void {
    this.span(startS, endS);
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
    this.rejectedCount++;
  }

  get cleanEpochs(): number {
    return this.probabilities.length;
  }

  /** The session score, or undefined while fewer than minCleanEpochs clean epochs are in. */
  score(): MddSessionScore | undefined {
    const p = this.probabilities;
    const n = p.length;
    if (n < this.minClean || n === 0) return undefined;
    const mean = p.reduce((a, b) => a + b, 0) / n;
    const rand = mulberry32(this.seed);
    const means = new Float64Array(this.resamples);
    for (let r = 0; r < this.resamples; r++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += p[Math.floor(rand() * n)]!;
      means[r] = s / n;
    }
    means.sort();
    const low = means[Math.floor(0.025 * (this.resamples - 1))]!;
    const high = means[Math.ceil(0.975 * (this.resamples - 1))]!;
    return {
      probability: mean,
      interval: { low, high, level: 0.95 },
      cleanEpochs: n,
      rejectedEpochs: this.rejectedCount,
      rejected: { ...this.rejected },
      sessionS: this.firstStartS === undefined ? 0 : this.lastEndS - this.firstStartS,
      screening_only: true,
      notice: MDD_RESEARCH_NOTICE,
    };
  }

  private span(startS: number, endS: number): void {
    if (this.firstStartS === undefined) this.firstStartS = startS;
    this.lastEndS = Math.max(this.lastEndS, endS);
  }
}

/** The `<device>/eeg/mdd` payload of a session score. */
export function mddPayload(score: MddSessionScore, seq: number, t: number, model: ModelRef): EegMdd {
  return {
    seq, t, model, probability: score.probability, interval: { ...score.interval }, epochs: score.cleanEpochs,
    rejectedEpochs: score.rejectedEpochs, sessionS: score.sessionS, screening_only: true, notice: score.notice,
  };
}
