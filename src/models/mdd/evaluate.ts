// Scoring persons with the MDD model, for `weargate eval mdd`: each recording's clean epochs through
// the features, each epoch's maps through the model a person is allowed to meet (the CV fold model
// that held them out, when the manifest lists the person in its folds), a person's score per
// condition = mean P(MDD) over those epochs, metrics with bootstrap intervals over persons.
import type { LabelledRecording, MddCondition } from './labels.js';
import { metricsWithCi, type MetricsWithCi } from './metrics.js';
import { MddSession } from './session.js';

export type EvalCondition = MddCondition | 'both';
export const EVAL_CONDITIONS: readonly EvalCondition[] = ['EC', 'EO', 'both'];

export interface ScoredRecording {
  recording: LabelledRecording;
  /** Which model scored it, e.g. 'fold 3' or 'final (may have seen this person)'. */
  model: string;
  probabilities: number[];
  rejected: number;
}

export interface PersonResult {
  subject: string;
  label: LabelledRecording['label'];
  model: string;
  condition: EvalCondition;
  score: number;
  interval: { low: number; high: number };
  cleanEpochs: number;
  rejectedEpochs: number;
  predicted: 'MDD' | 'healthy';
}

export interface MddEvaluation {
  persons: Record<EvalCondition, PersonResult[]>;
  metrics: Partial<Record<EvalCondition, MetricsWithCi>>;
}

export function evaluatePersons(scored: readonly ScoredRecording[], threshold = 0.5, resamples = 2000): MddEvaluation {
  const persons: Record<EvalCondition, PersonResult[]> = { EC: [], EO: [], both: [] };
  const metrics: Partial<Record<EvalCondition, MetricsWithCi>> = {};
  const subjects = [...new Set(scored.map((s) => s.recording.subject))].sort();
  for (const condition of EVAL_CONDITIONS) {
    for (const subject of subjects) {
      const recs = scored.filter((s) => s.recording.subject === subject && (condition === 'both' || s.recording.condition === condition));
      const probabilities = recs.flatMap((r) => r.probabilities);
      if (probabilities.length === 0) continue;
      const session = new MddSession({ minCleanEpochs: 1 });
      probabilities.forEach((p, i) => session.addEpoch(p, 2 * i, 2 * i + 4));
      const s = session.score()!;
      // the mean over epochs in file order, exactly as training/mdd_common.py person_scores
      const score = probabilities.reduce((a, b) => a + b, 0) / probabilities.length;
      persons[condition].push({
        subject, label: recs[0]!.recording.label, model: [...new Set(recs.map((r) => r.model))].join(', '), condition,
        score, interval: { low: s.interval.low, high: s.interval.high }, cleanEpochs: probabilities.length,
        rejectedEpochs: recs.reduce((n, r) => n + r.rejected, 0), predicted: score >= threshold ? 'MDD' : 'healthy',
      });
    }
    const list = persons[condition];
    if (list.length > 0) metrics[condition] = metricsWithCi(list.map((p) => (p.label === 'MDD' ? 1 : 0)), list.map((p) => p.score), resamples);
  }
  return { persons, metrics };
}
