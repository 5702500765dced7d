// Enrolling an athlete from an ECG recording (EDF/EDF+/BDF or WFDB), shared by the CLI and the
// gateway: load one ECG channel, gate its quality, embed the good beats, store the template.
import { extname } from 'node:path';
import { loadEdf } from '../../streaming/formats/load.js';
import { toMicrovolts } from '../../streaming/formats/wfdb-signals.js';
import { loadEcgChannel, type EcgSignal } from './ecgid.js';
import { analyzeEnrollment, defaultEnrollmentPolicy, enrollTemplate, type EnrollmentPolicy, type EnrollmentResult } from './enroll.js';
import type { SimilarityEncoder } from './encoder.js';
import type { AthleteRecord, AthleteStore } from './athletes-store.js';

/** One ECG channel of a recording: `channel` by label/description, else the first one naming ECG, else the first. */
export async function loadEcgRecording(path: string, channel?: string): Promise<EcgSignal> {
  const ext = extname(path).toLowerCase();
  if (ext === '.edf' || ext === '.bdf') {
    const edf = await loadEdf(path);
    const signals = edf.signals.filter((s) => !s.header.isAnnotations);
    if (signals.length === 0) throw new Error(`${path}: no signal channels`);
    const pick =
      (channel !== undefined ? signals.find((s) => s.header.label.trim() === channel) : undefined) ??
      signals.find((s) => /ecg|ekg/i.test(s.header.label)) ??
      signals[0];
    if (channel !== undefined && pick.header.label.trim() !== channel) throw new Error(`${path}: no channel '${channel}'`);
    return { microvolts: toMicrovolts(pick.physical, pick.header.physicalDimension), sampleRateHz: pick.sampleRateHz, channel: pick.header.label.trim() };
  }
  const base = ext === '.hea' || ext === '.dat' || ext === '.mat' ? path.slice(0, -ext.length) : path;
  return loadEcgChannel(base, channel);
}

export interface EnrollAthleteInput {
  store: AthleteStore;
  encoder: SimilarityEncoder;
  signal: EcgSignal;
  id: string;
  name?: string;
  source: string;
  policy?: EnrollmentPolicy;
  nowMs: number;
}

/** Gate + template + store. A refusal stores nothing and keeps any earlier template of the athlete. */
export function enrollAthlete(input: EnrollAthleteInput): EnrollmentResult & { record?: AthleteRecord } {
  const analysis = analyzeEnrollment(input.signal.microvolts, input.signal.sampleRateHz);
  const embeddings = input.encoder.embed(analysis.segments.map((s) => s.values));
  const result = enrollTemplate(analysis, embeddings, input.policy ?? defaultEnrollmentPolicy);
  if (!result.ok) return result;
  const record: AthleteRecord = {
    id: input.id,
    name: input.name ?? null,
    createdAtMs: input.nowMs,
    model: { name: input.encoder.identity.name, version: input.encoder.identity.version, sha256: input.encoder.identity.sha256, variant: input.encoder.identity.variant },
    template: result.template,
    quality: { ...result.stats, source: input.source, channel: input.signal.channel, sampleRateHz: input.signal.sampleRateHz },
  };
  input.store.put(record);
  return { ...result, record };
}
