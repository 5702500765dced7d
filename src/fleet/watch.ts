// The slowdown check of a watched fleet model, judged on every inference rather than once at the
// end of the watch: the (low) median of the new stage's latest `minSamples` run times against that
// of the run times its standby had before the swap (ModelStage keeps the last RECENT_RUNS). Medians,
// because runs stretched by a GC pause, a CPU-starved tick or a first-run warm-up must not roll a
// good model back, and a few fast ones must not hide a slow one: a verdict needs more than half of
// the window over the limit, so up to half slow outliers, or under half fast ones, cannot move it. No verdict until both sides hold `minSamples` runs; with a thinner baseline
// only the end-of-watch mean comparison (updater.ts) judges speed.

export interface SlowdownRule {
  /** The candidate is too slow when its median run time exceeds this multiple of the baseline's. */
  maxSlowdown: number;
  /** Runs needed on each side (and the candidate's rolling window) before anything is judged. */
  minSamples: number;
}

/** The measured numbers behind a slowdown verdict (published on `bridge/models` with the reason): µs rounded to 1, ratio to 0.01. */
export interface SlowdownVerdict {
  candidateMedianUs: number;
  baselineMedianUs: number;
  /** candidateMedianUs / baselineMedianUs. */
  ratio: number;
  /** Candidate runs observed so far, and how many the median covers. */
  candidateRuns: number;
  windowRuns: number;
  baselineRuns: number;
  maxSlowdown: number;
}

/** The ceil(n/2)-th smallest value: at least half the values are at or below it (n > 0). */
export function lowMedian(values: ArrayLike<number>): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1];
}

export class SlowdownJudge {
  /** undefined: the baseline is too thin to judge during the watch. */
  readonly baselineMedianUs: number | undefined;
  private readonly window: Float64Array;
  private observed = 0;

  constructor(
    private readonly baselineUs: readonly number[],
    readonly rule: SlowdownRule,
  ) {
    if (!(rule.maxSlowdown > 1) || !Number.isInteger(rule.minSamples) || rule.minSamples < 1) {
      throw new Error(`slowdown rule needs maxSlowdown > 1 and an integer minSamples >= 1 (got ${rule.maxSlowdown}, ${rule.minSamples})`);
    }
    this.window = new Float64Array(rule.minSamples);
    this.baselineMedianUs = baselineUs.length >= rule.minSamples ? lowMedian(baselineUs) : undefined;
  }

  get active(): boolean {
    return this.baselineMedianUs !== undefined && this.baselineMedianUs > 0;
  }

  /** One candidate run time, µs; a verdict when the latest `minSamples` runs are clearly too slow. */
  observe(runUs: number): SlowdownVerdict | undefined {
    this.window[this.observed % this.window.length] = runUs;
    this.observed++;
    const base = this.baselineMedianUs;
    if (base === undefined || !(base > 0) || this.observed < this.window.length) return undefined;
    const candidateMedianUs = lowMedian(this.window);
    const ratio = candidateMedianUs / base;
    if (ratio <= this.rule.maxSlowdown) return undefined;
    return {
      candidateMedianUs: Math.round(candidateMedianUs),
      baselineMedianUs: Math.round(base),
      ratio: Math.round(ratio * 100) / 100,
      candidateRuns: this.observed,
      windowRuns: this.window.length,
      baselineRuns: this.baselineUs.length,
      maxSlowdown: this.rule.maxSlowdown,
    };
  }
}

/** The status text of a slowdown verdict (the numbers are also published as they are). */
export function describeSlowdown(v: SlowdownVerdict, watchedMs: number): string {
  return (
    `slowdown during the watch: median inference ${Math.round(v.candidateMedianUs)} µs over the last ${v.windowRuns} runs is ` +
    `${v.ratio.toFixed(1)}x the previous model's median ${Math.round(v.baselineMedianUs)} µs (${v.baselineRuns} runs), ` +
    `over the ${v.maxSlowdown}x limit; judged after ${v.candidateRuns} runs, ${(watchedMs / 1000).toFixed(1)} s into the watch`
  );
}

// The quality check of a watched fleet model: the task's own plausibility score of every inference
// (ModelCodec.quality, in [0, 1]; e.g. an R-peak window whose peaks imply a plausible heart rate).
// The mean of the new stage's latest `minSamples` scores against the mean of the standby's latest
// `minSamples` scores before the swap; a drop of more than `maxDrop` rolls back. Means, not medians:
// the scores are mostly 0 or 1, so the mean is the share of plausible outputs, and a good model's
// occasional implausible window (a pause, an artefact) moves it by 1/minSamples only. No verdict
// while the candidate has fewer than `minSamples` scores, nor ever when the standby had fewer (the
// caller logs it) or the task has no score.

export interface QualityRule {
  /** The candidate is rolled back when its mean quality is below the baseline's by more than this (0..1). */
  maxDrop: number;
  /** Scores needed on each side (and the candidate's rolling window) before anything is judged. */
  minSamples: number;
}

/** The measured numbers behind a quality verdict (published on `bridge/models` with the reason), means rounded to 0.001. */
export interface QualityVerdict {
  candidateMean: number;
  baselineMean: number;
  /** baselineMean - candidateMean. */
  drop: number;
  candidateRuns: number;
  windowRuns: number;
  baselineRuns: number;
  maxDrop: number;
}

const mean = (values: ArrayLike<number>): number => Array.from(values).reduce((s, v) => s + v, 0) / values.length;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export class QualityJudge {
  /** undefined: the baseline is too thin (or there is no score) to judge during the watch. */
  readonly baselineMean: number | undefined;
  private readonly window: Float64Array;
  private observed = 0;

  constructor(
    private readonly baseline: readonly number[],
    readonly rule: QualityRule,
  ) {
    if (!(rule.maxDrop >= 0 && rule.maxDrop <= 1) || !Number.isInteger(rule.minSamples) || rule.minSamples < 1) {
      throw new Error(`quality rule needs maxDrop in [0, 1] and an integer minSamples >= 1 (got ${rule.maxDrop}, ${rule.minSamples})`);
    }
    this.window = new Float64Array(rule.minSamples);
    this.baselineMean = baseline.length >= rule.minSamples ? mean(baseline.slice(-rule.minSamples)) : undefined;
  }

  get active(): boolean {
    return this.baselineMean !== undefined;
  }

  /** One candidate quality score in [0, 1]; a verdict when the mean of the latest `minSamples` dropped too far. */
  observe(quality: number): QualityVerdict | undefined {
    this.window[this.observed % this.window.length] = quality;
    this.observed++;
    const base = this.baselineMean;
    if (base === undefined || this.observed < this.window.length) return undefined;
    const candidateMean = mean(this.window);
    const drop = base - candidateMean;
    // A hair of slack: a drop of exactly maxDrop (e.g. 0.3 from sums of 1/20ths) is not over it.
    if (!(drop > this.rule.maxDrop + 1e-9)) return undefined;
    return {
      candidateMean: round3(candidateMean),
      baselineMean: round3(base),
      drop: round3(drop),
      candidateRuns: this.observed,
      windowRuns: this.window.length,
      baselineRuns: Math.min(this.baseline.length, this.rule.minSamples),
      maxDrop: this.rule.maxDrop,
    };
  }
}

/** The status text of a quality verdict (the numbers are also published as they are). */
export function describeQualityDrop(v: QualityVerdict, watchedMs: number): string {
  return (
    `quality drop during the watch: mean quality ${v.candidateMean.toFixed(3)} over the last ${v.windowRuns} runs is ` +
    `${v.drop.toFixed(3)} below the previous model's ${v.baselineMean.toFixed(3)} (its last ${v.baselineRuns} runs), ` +
    `over the ${v.maxDrop} limit; judged after ${v.candidateRuns} runs, ${(watchedMs / 1000).toFixed(1)} s into the watch`
  );
}
