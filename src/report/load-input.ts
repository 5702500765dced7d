// Reads the ECG to report on: a WFDB record (path without extension, annotations used as the
// reference when present) or an EDF/EDF+ file (the channel labelled ECG). Picks one channel, cuts
// the requested excerpt and converts it to microvolts, the unit the detectors take.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { loadEdf, loadWfdbRecord } from '../streaming/formats/load.js';
import { toMicrovolts } from '../streaming/formats/wfdb-signals.js';
import type { EdfFile } from '../streaming/formats/edf.js';
import { referenceBeatSamples, ventricularFlutterIntervals } from '../streaming/ecg/ec57.js';
import { attributionFor } from './attribution.js';

export interface RhythmEpisode {
  /** Excerpt samples, [start, end). */
  startSample: number;
  endSample: number;
  /** e.g. 'N', 'AFIB', 'VT' (the annotation's aux text without its '('). */
  label: string;
}

export interface EcgExcerpt {
  /** Record or file name shown in the report. */
  name: string;
  path: string;
  format: 'WFDB' | 'EDF' | 'EDF+C' | 'EDF+D';
  channelIndex: number;
  channelLabel: string;
  /** Units of the source channel (the excerpt itself is in microvolts). */
  sourceUnits: string;
  sampleRateHz: number;
  /** First sample of the excerpt in the whole record. */
  startSample: number;
  /** Length of the whole record, samples. */
  recordSamples: number;
  microvolts: Float32Array;
  /** Reference beat samples relative to the excerpt start, or undefined without annotations. */
  referenceBeats?: number[];
  /** Beat symbols parallel to referenceBeats. */
  referenceSymbols?: string[];
  /** Rhythm episodes from the annotations, clipped to the excerpt. */
  rhythm?: RhythmEpisode[];
  /** VF/flutter episodes relative to the excerpt (EC57 does not score them). */
  excludedIntervals?: [number, number][];
  /** Data records missing from a truncated EDF, or time not covered by an EDF+D (filled with NaN), seconds. */
  missingRecordSeconds: number;
  attribution: string[];
}

export interface ExcerptOptions {
  /** Channel index, or a label / description to match exactly. */
  channel?: string;
  startSeconds?: number;
  /** Default: to the end of the record. */
  durationSeconds?: number;
}

/** Lets `.hea` be given too; EDF files are recognised by extension. */
export async function loadEcgExcerpt(input: string, options: ExcerptOptions = {}): Promise<EcgExcerpt> {
  if (/\.(edf|rec)$/i.test(input)) return loadEdfExcerpt(input, options);
  const record = input.replace(/\.(hea|dat|atr)$/i, '');
  if (await isFile(`${record}.hea`)) return loadWfdbExcerpt(record, options);
  if (await isFile(input)) return loadEdfExcerpt(input, options);
  throw new Error(`'${input}' is neither a WFDB record (no ${record}.hea) nor an EDF file`);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** [start, end) sample range of the excerpt, validated. */
export function excerptRange(totalSamples: number, sampleRateHz: number, options: ExcerptOptions): [number, number] {
  const startSeconds = options.startSeconds ?? 0;
  if (!(startSeconds >= 0)) throw new Error(`--start-s ${startSeconds} must be >= 0`);
  const start = Math.round(startSeconds * sampleRateHz);
  if (start >= totalSamples) throw new Error(`--start-s ${startSeconds} is past the end of the record (${(totalSamples / sampleRateHz).toFixed(1)} s)`);
  if (options.durationSeconds !== undefined && !(options.durationSeconds > 0)) throw new Error(`--duration-s ${options.durationSeconds} must be > 0`);
  const end = options.durationSeconds === undefined ? totalSamples : Math.min(totalSamples, start + Math.round(options.durationSeconds * sampleRateHz));
  if (end - start < 2 * sampleRateHz) throw new Error('the excerpt is shorter than 2 s');
  return [start, end];
}

function pickChannel(labels: readonly string[], wanted: string | undefined, fallback: number): number {
  if (wanted === undefined) return fallback;
  if (/^\d+$/.test(wanted)) {
    const index = Number(wanted);
    if (index >= labels.length) throw new Error(`channel ${index} does not exist (channels: ${labels.map((l, i) => `${i}=${l}`).join(', ')})`);
    return index;
  }
  const index = labels.indexOf(wanted);
  if (index < 0) throw new Error(`no channel '${wanted}' (channels: ${labels.map((l, i) => `${i}=${l}`).join(', ')})`);
  return index;
}

async function loadWfdbExcerpt(record: string, options: ExcerptOptions): Promise<EcgExcerpt> {
  const rec = await loadWfdbRecord(record);
  const labels = rec.signals.map((s) => s.spec.description);
  // MIT-BIH and most WFDB ECG records put the main lead (MLII) first
  const channelIndex = pickChannel(labels, options.channel, 0);
  const signal = rec.signals[channelIndex];
  const fs = signal.sampleRateHz;
  const [start, end] = excerptRange(signal.physical.length, fs, options);
  const excerpt: EcgExcerpt = {
    name: rec.header.recordName,
    path: record,
    format: 'WFDB',
    channelIndex,
    channelLabel: signal.spec.description || `signal ${channelIndex}`,
    sourceUnits: signal.spec.units,
    sampleRateHz: fs,
    startSample: start,
    recordSamples: signal.physical.length,
    microvolts: toMicrovolts(signal.physical.subarray(start, end), signal.spec.units),
    missingRecordSeconds: 0,
    attribution: attributionFor(record),
  };
  if (rec.annotations) {
    // annotation times are frame numbers; a signal may have several samples per frame
    const perFrame = signal.spec.samplesPerFrame;
    const beats = rec.annotations.filter((a) => referenceBeatSamples([a]).length === 1);
    const inside = beats.filter((a) => a.sampleIndex * perFrame >= start && a.sampleIndex * perFrame < end);
    excerpt.referenceBeats = inside.map((a) => a.sampleIndex * perFrame - start);
    excerpt.referenceSymbols = inside.map((a) => a.symbol);
    excerpt.rhythm = rhythmEpisodes(rec.annotations, perFrame, start, end);
    excerpt.excludedIntervals = ventricularFlutterIntervals(rec.annotations, rec.header.samplesPerSignal ?? signal.physical.length)
      .map(([a, b]): [number, number] => [Math.max(0, a * perFrame - start), Math.min(end, b * perFrame) - start])
      .filter(([a, b]) => b > a);
  }
  return excerpt;
}

/**
 * Rhythm episodes in [start, end) (record samples) from rhythm-change annotations ('+' with aux
 * '(AFIB' etc.); the rhythm in effect at `start` is the last change before it. Excerpt samples out.
 */
export function rhythmEpisodes(
  annotations: readonly { sampleIndex: number; symbol: string; aux: string }[],
  samplesPerFrame: number,
  start: number,
  end: number,
): RhythmEpisode[] {
  const changes = annotations
    .filter((a) => a.symbol === '+' && a.aux.startsWith('('))
    .map((a) => ({ at: a.sampleIndex * samplesPerFrame, label: a.aux.slice(1).replace(/\0+$/, '').trim() }));
  const out: RhythmEpisode[] = [];
  changes.forEach((c, i) => {
    const next = i + 1 < changes.length ? changes[i + 1].at : end;
    const s = Math.max(c.at, start);
    const e = Math.min(next, end);
    if (e > s) out.push({ startSample: s - start, endSample: e - start, label: c.label });
  });
  return out;
}

/** The ECG channel: the first label containing 'ECG' (any case), else 'EKG'. */
export function findEcgChannel(labels: readonly string[]): number {
  const ecg = labels.findIndex((l) => /ECG/i.test(l));
  return ecg >= 0 ? ecg : labels.findIndex((l) => /EKG/i.test(l));
}

/**
 * An EDF channel on a continuous time line: records are placed at their onsets (EDF+D may skip
 * time), uncovered time is NaN. Returns the samples and the seconds not covered.
 */
export function edfTimeline(file: EdfFile, channelIndex: number): { physical: Float32Array; missingSeconds: number } {
  const signal = file.signals[channelIndex];
  const perRecord = signal.header.samplesPerRecord;
  const recordSeconds = file.header.recordDurationSeconds;
  const onsets = file.recordOnsetsSeconds;
  const records = Math.floor(signal.physical.length / Math.max(1, perRecord));
  const contiguous = onsets.every((t, r) => Math.abs(t - r * recordSeconds) < 1e-6);
  const declaredMissing = file.missingRecords * recordSeconds;
  if (contiguous || records === 0) return { physical: signal.physical, missingSeconds: declaredMissing };
  const fs = signal.sampleRateHz;
  const totalSamples = Math.round((onsets[records - 1] + recordSeconds) * fs);
  // a discontinuous file spanning days would not fit; the report is for recordings of hours
  if (totalSamples > 24 * 3600 * fs) throw new Error('the EDF+D time line spans more than 24 h');
  const physical = new Float32Array(totalSamples).fill(NaN);
  let covered = 0;
  for (let r = 0; r < records; r++) {
    const at = Math.round(onsets[r] * fs);
    const chunk = signal.physical.subarray(r * perRecord, (r + 1) * perRecord);
    physical.set(chunk.subarray(0, Math.max(0, Math.min(chunk.length, totalSamples - at))), at);
    covered += chunk.length;
  }
  return { physical, missingSeconds: declaredMissing + (totalSamples - covered) / fs };
}

async function loadEdfExcerpt(path: string, options: ExcerptOptions): Promise<EcgExcerpt> {
  const file = await loadEdf(path, { onTruncated: 'drop' });
  const labels = file.signals.map((s) => s.header.label);
  const ecg = findEcgChannel(labels);
  if (options.channel === undefined && ecg < 0) throw new Error(`no ECG channel in ${basename(path)} (channels: ${labels.join(', ')}); pick one with --channel`);
  const channelIndex = pickChannel(labels, options.channel, ecg);
  const signal = file.signals[channelIndex];
  const fs = signal.sampleRateHz;
  const { physical, missingSeconds } = edfTimeline(file, channelIndex);
  const [start, end] = excerptRange(physical.length, fs, options);
  return {
    name: basename(path),
    path,
    format: file.header.variant,
    channelIndex,
    channelLabel: signal.header.label,
    sourceUnits: signal.header.physicalDimension,
    sampleRateHz: fs,
    startSample: start,
    recordSamples: physical.length,
    microvolts: toMicrovolts(physical.subarray(start, end), signal.header.physicalDimension),
    missingRecordSeconds: missingSeconds,
    attribution: attributionFor(path),
  };
}
