// The `<deviceId>/ecg/similarity` payload from a monitor score (the extension adds seq and the
// wall-clock time; it owns both).
import type { EcgSimilarity } from '../../mqtt/api.js';
import type { ModelIdentity } from './encoder.js';
import type { SimilarityScore } from './monitor.js';
import { SIMILARITY_NOTE } from './stream.js';

export function similarityPayload(score: SimilarityScore, o: { seq: number; tMs: number; athleteId: string; model: ModelIdentity; threshold: number }): EcgSimilarity {
  return {
    seq: o.seq,
    t: o.tMs,
    model: { name: o.model.name, version: o.model.version, sha256: o.model.sha256, variant: o.model.variant },
    athleteId: o.athleteId,
    score: Math.round(score.score * 10_000) / 10_000,
    beats: score.beats,
    threshold: o.threshold,
    same_wearer: score.sameWearer,
    signal_change: score.signalChange,
    note: SIMILARITY_NOTE,
  };
}
