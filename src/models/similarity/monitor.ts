// A running similarity score between an enrolled template and the live ECG, as data (no timers):
// the caller pushes one embedding per beat segment; every `beatsPerScore` embeddings the monitor
// returns a score = cosine(template, mean of those embeddings), `sameWearer` = score >= threshold,
// and `signalChange` once the score has been down for `dropWindows` scores in a row. "Down" is
// below the threshold, or more than `dropDelta` under the wearer's reference level (a slow
// average of the scores that were not down), so an electrode moving on the same wearer shows too.
import { cosine, meanTemplate } from './metrics.js';

export interface MonitorOptions {
  /** Beat segments per score (N). */
  beatsPerScore: number;
  /** Cosine threshold of `sameWearer` (the manifest's EER threshold unless configured). */
  threshold: number;
  /** Scores in a row that must be down before `signalChange` (M). */
  dropWindows: number;
  /** A score this far under the reference level counts as down. */
  dropDelta: number;
  /** Weight of a new score in the reference level. */
  referenceAlpha: number;
}

export const defaultMonitorOptions: Omit<MonitorOptions, 'threshold'> = {
  beatsPerScore: 8,
  dropWindows: 3,
  dropDelta: 0.15,
  referenceAlpha: 0.2,
};

export interface SimilarityScore {
  /** Time of the last beat in the score (caller's clock, e.g. seconds or ms). */
  t: number;
  score: number;
  sameWearer: boolean;
  signalChange: boolean;
  /** Down scores in a row, this one included. */
  downCount: number;
  /** Reference level before this score; null until the first score that is not down. */
  reference: number | null;
  beats: number;
}

export class SimilarityMonitor {
  private readonly options: MonitorOptions;
  private pending: Float32Array[] = [];
  private reference: number | null = null;
  private downCount = 0;

  constructor(
    private readonly template: Float32Array,
    options: Partial<MonitorOptions> & { threshold: number },
  ) {
    this.options = { ...defaultMonitorOptions, ...options };
    const o = this.options;
    if (!(Number.isInteger(o.beatsPerScore) && o.beatsPerScore >= 1)) throw new RangeError('beatsPerScore must be a positive integer');
    if (!(Number.isInteger(o.dropWindows) && o.dropWindows >= 1)) throw new RangeError('dropWindows must be a positive integer');
    if (!(o.referenceAlpha > 0 && o.referenceAlpha <= 1)) throw new RangeError('referenceAlpha must be in (0, 1]');
  }

  /** Adds beat embeddings (with the time of the last one); returns the scores they complete. */
  push(embeddings: readonly Float32Array[], t: number): SimilarityScore[] {
    const out: SimilarityScore[] = [];
    for (const e of embeddings) {
      if (e.length !== this.template.length) throw new RangeError(`embedding of ${e.length} values, template of ${this.template.length}`);
      this.pending.push(e);
      if (this.pending.length === this.options.beatsPerScore) {
        out.push(this.score(t));
        this.pending = [];
      }
    }
    return out;
  }

  /** Forgets partial windows and the reference (e.g. after a gap in the signal). */
  reset(): void {
    this.pending = [];
    this.reference = null;
    this.downCount = 0;
  }

  private score(t: number): SimilarityScore {
    const o = this.options;
    const score = cosine(this.template, meanTemplate(this.pending));
    const reference = this.reference;
    const down = score < o.threshold || (reference !== null && score < reference - o.dropDelta);
    this.downCount = down ? this.downCount + 1 : 0;
    if (!down) this.reference = reference === null ? score : reference + o.referenceAlpha * (score - reference);
    return {
      t,
      score,
      sameWearer: score >= o.threshold,
      signalChange: this.downCount >= o.dropWindows,
      downCount: this.downCount,
      reference,
      beats: this.pending.length,
    };
  }
}
