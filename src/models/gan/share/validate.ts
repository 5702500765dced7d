// Checks a clinic's recordings BEFORE anything is trained (`weargate synth share`): every recording
// in the folder is opened with our readers and its ECG lead cut into beat windows, and every
// problem is collected and named by file, so one run shows all of them. Supported, one recording
// per person: WFDB records (.hea + signal file in format 212 or 16 + .atr beat annotations) and
// EDF/EDF+C files whose beat annotations are EDF+ TALs with MIT-BIH beat symbols (share/edf-input.ts).
// See docs/synthetic-data.md.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { recordBeats, splitByTime, type AnnotatedEcg, type BeatCutParams, type RecordBeats } from '../ecg-beats.js';
import { annotatedBeats, type AnnotatedBeats } from '../rhythm-stats.js';
import { loadWfdbRecord } from '../../../streaming/formats/load.js';
import { loadEdfEcg } from './edf-input.js';

/** At least 6 persons train the generator and at least 2 are held out, never seen by it. */
export const MIN_RECORDINGS = 8;
export const MIN_BEATS_PER_RECORD = 60;
export const MIN_DURATION_S = 60;
export const MIN_SAMPLE_RATE_HZ = 250;
/** Fewer ventricular beats than this in the training part of the training records: class N only. */
export const MIN_V_MEMBER_BEATS = 30;

export interface ClinicRecord {
  name: string;
  sampleRateHz: number;
  durationS: number;
  beats: RecordBeats;
  annotated: AnnotatedBeats;
  counts: { n: number; v: number };
}

export interface ShareInput {
  /** Usable only when `problems` is empty. */
  records: ClinicRecord[];
  sampleRateHz: number | undefined;
  problems: string[];
  notes: string[];
}

function listNames(names: readonly string[], max = 8): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export async function validateShareInput(fromDir: string, cut: BeatCutParams, memberFraction: number): Promise<ShareInput> {
  const problems: string[] = [];
  const notes: string[] = [];
  const records: ClinicRecord[] = [];
  if (!existsSync(fromDir) || !statSync(fromDir).isDirectory()) return { records, sampleRateHz: undefined, problems: [`${fromDir}: not a folder`], notes };
  const files = readdirSync(fromDir).sort();
  const headers = files.filter((f) => f.endsWith('.hea')).map((f) => f.slice(0, -4));
  const edfs = files.filter((x) => /\.(edf|bdf)$/i.test(x));
  for (const f of files.filter((x) => /\.(dat|atr)$/i.test(x))) {
    if (!headers.includes(f.slice(0, -4))) problems.push(`${f}: no header ${f.slice(0, -4)}.hea next to it`);
  }
  const names = new Map<string, string>();
  const inputs: { name: string; file: string; load: () => Promise<AnnotatedEcg>; missing: string }[] = [
    ...headers.map((name) => ({ name, file: `${name}.hea`, load: () => loadWfdbRecord(join(fromDir, name)), missing: `${name}.atr missing` })),
    ...edfs.map((file) => ({ name: file.replace(/\.(edf|bdf)$/i, ''), file, load: () => loadEdfEcg(join(fromDir, file)), missing: 'the file has no EDF+ annotation whose text is a beat symbol such as N or V' })),
  ];
  for (const { name, file, load, missing } of inputs) {
    if (names.has(name)) {
      problems.push(`${file}: same recording name as ${names.get(name)}; one recording per person, each name once`);
      continue;
    }
    names.set(name, file);
    let rec: AnnotatedEcg;
    try {
      rec = await load();
    } catch (err) {
      problems.push(`${file}: unreadable (${(err instanceof Error ? err.message : String(err)).replace(`${file}: `, '')})`);
      continue;
    }
    if (!rec.annotations) {
      problems.push(`${name}: no beat annotations (${missing}); the generator learns from annotated beats`);
      continue;
    }
    let beats: RecordBeats;
    try {
      beats = recordBeats(rec, cut);
    } catch (err) {
      problems.push(`${name}: ${(err instanceof Error ? err.message : String(err)).replace(`${rec.path}: `, '')}`);
      continue;
    }
    const rate = rec.header.sampleRateHz;
    const durationS = (rec.signals[0]?.physical.length ?? 0) / rate;
    const counts = { n: beats.classes.filter((c) => c === 0).length, v: beats.classes.filter((c) => c === 1).length };
    if (durationS < MIN_DURATION_S) problems.push(`${name}: ${durationS.toFixed(1)} s long; at least ${MIN_DURATION_S} s are needed (the last ${Math.round(100 * (1 - memberFraction))} % are the person's unseen part in the privacy checks)`);
    if (counts.n + counts.v < MIN_BEATS_PER_RECORD) problems.push(`${name}: ${counts.n + counts.v} usable beats (N ${counts.n}, V ${counts.v}); at least ${MIN_BEATS_PER_RECORD} are needed`);
    records.push({ name, sampleRateHz: rate, durationS, beats, annotated: annotatedBeats(rec), counts });
  }
  const byRate = new Map<number, string[]>();
  for (const r of records) byRate.set(r.sampleRateHz, [...(byRate.get(r.sampleRateHz) ?? []), r.name]);
  if (byRate.size > 1) {
    problems.push(`mixed sampling rates: ${[...byRate].sort((a, b) => a[0] - b[0]).map(([hz, names]) => `${hz} Hz (${listNames(names)})`).join('; ')}; every record must have the same rate`);
  }
  for (const [hz, names] of byRate) if (hz < MIN_SAMPLE_RATE_HZ) problems.push(`${listNames(names)}: ${hz} Hz; at least ${MIN_SAMPLE_RATE_HZ} Hz (the generator's rate) is needed`);
  const readable = inputs.length;
  if (readable < MIN_RECORDINGS) {
    problems.push(`${readable} recording${readable === 1 ? '' : 's'} in ${fromDir}; at least ${MIN_RECORDINGS} (one per person) are needed: 25 % of them (at least 2) are held out as persons the generator never sees, against whom the privacy checks compare, and the rest train it`);
  }
  const noV = records.filter((r) => r.counts.v === 0).map((r) => r.name);
  if (noV.length > 0) notes.push(`${listNames(noV)}: no ventricular (V) beats; allowed, their N beats are used`);
  return { records, sampleRateHz: byRate.size === 1 ? [...byRate.keys()][0] : undefined, problems, notes };
}

/** V beats in the training part (first memberFraction) of the given records. */
export function memberVBeats(records: readonly ClinicRecord[], memberFraction: number): number {
  return records.reduce((n, r) => n + splitByTime(r.beats, memberFraction)[0].filter((i) => r.beats.classes[i] === 1).length, 0);
}
