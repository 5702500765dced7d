// Cross-validated verification and identification on ECG-ID style data: each person is scored by
// the one model that never saw them (the fold holding them out; `final` for persons outside the
// training set). The first record enrolls (template = normalised mean of its segment embeddings),
// the second gives the trials: one per record (mean of its segments, ~10 s) and one per segment
// (2 s). Scores of all folds are pooled for the EER; rank-1 is within each fold's persons.
import { equalErrorRate, meanTemplate, rocSummary, verificationScores, type RocPoint, type VerificationScores } from './metrics.js';
import type { SimilarityManifest } from './manifest.js';

export interface PersonSegments {
  id: string;
  enroll: Float32Array[];
  trial: Float32Array[];
}

export interface EvalGroup {
  model: string;
  persons: PersonSegments[];
}

export type TrialKind = 'record' | 'segment';

export interface TrialSummary {
  eer: number;
  threshold: number;
  rank1: number;
  rank1Correct: number;
  trials: number;
  genuine: number;
  impostor: number;
  /** FRR at fixed FARs. */
  roc: RocPoint[];
  /** FAR and FRR at the manifest's threshold. */
  atManifestThreshold: { threshold: number; far: number; frr: number };
}

export interface GroupResult {
  model: string;
  persons: string[];
  /** EER null when the group has one person (no impostors). */
  record: { eer: number | null; rank1: number };
  segment: { eer: number | null; rank1: number };
}

/** Which model scores which persons: by the manifest's held-out lists. */
export function assignGroups(manifest: SimilarityManifest, personIds: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  const trained = new Set(manifest.trainingPersons);
  for (const id of personIds) {
    const fold = manifest.folds.find((f) => f.name !== 'final' && f.heldOut.includes(id));
    const model = fold ? fold.name : trained.has(id) ? undefined : 'final';
    if (model === undefined) throw new Error(`person ${id} was trained on by every model (no fold holds it out)`);
    groups.set(model, [...(groups.get(model) ?? []), id]);
  }
  return groups;
}

type Embed = (segments: readonly Float32Array[]) => Float32Array[];

function scoresOf(persons: readonly PersonSegments[], embed: Embed): Record<TrialKind, VerificationScores> {
  const templates = new Map<string, Float32Array>();
  const recordTrials = new Map<string, Float32Array[]>();
  const segmentTrials = new Map<string, Float32Array[]>();
  for (const p of persons) {
    if (p.enroll.length === 0 || p.trial.length === 0) continue;
    templates.set(p.id, meanTemplate(embed(p.enroll)));
    const t = embed(p.trial);
    segmentTrials.set(p.id, t);
    recordTrials.set(p.id, [meanTemplate(t)]);
  }
  return { record: verificationScores(templates, recordTrials), segment: verificationScores(templates, segmentTrials) };
}

function summarize(parts: VerificationScores[], manifestThreshold: number): TrialSummary {
  const genuine = parts.flatMap((p) => p.genuine);
  const impostor = parts.flatMap((p) => p.impostor);
  const { eer, threshold } = equalErrorRate(genuine, impostor);
  const correct = parts.reduce((n, p) => n + p.rank1Correct, 0);
  const trials = parts.reduce((n, p) => n + p.trials, 0);
  return {
    eer,
    threshold,
    rank1: correct / Math.max(1, trials),
    rank1Correct: correct,
    trials,
    genuine: genuine.length,
    impostor: impostor.length,
    roc: rocSummary(genuine, impostor),
    atManifestThreshold: {
      threshold: manifestThreshold,
      far: impostor.filter((s) => s >= manifestThreshold).length / impostor.length,
      frr: genuine.filter((s) => s < manifestThreshold).length / genuine.length,
    },
  };
}

export interface VariantResult {
  variant: string;
  record: TrialSummary;
  segment: TrialSummary;
  groups: GroupResult[];
}

/** One variant (float32, int8, ...) over every group; `embedFor(model)` gives that model's encoder. */
export async function evaluateVariant(
  variant: string,
  groups: readonly EvalGroup[],
  embedFor: (model: string) => Promise<{ embed: Embed; dispose: () => void }>,
  manifestThreshold: number,
): Promise<VariantResult> {
  const record: VerificationScores[] = [];
  const segment: VerificationScores[] = [];
  const results: GroupResult[] = [];
  for (const g of groups) {
    const encoder = await embedFor(g.model);
    try {
      const s = scoresOf(g.persons, encoder.embed);
      record.push(s.record);
      segment.push(s.segment);
      const one = (v: VerificationScores) => ({
        eer: v.impostor.length > 0 && v.genuine.length > 0 ? equalErrorRate(v.genuine, v.impostor).eer : null,
        rank1: v.rank1Correct / Math.max(1, v.trials) });
      results.push({ model: g.model, persons: g.persons.map((p) => p.id), record: one(s.record), segment: one(s.segment) });
    } finally {
      encoder.dispose();
    }
  }
  return { variant, record: summarize(record, manifestThreshold), segment: summarize(segment, manifestThreshold), groups: results };
}
