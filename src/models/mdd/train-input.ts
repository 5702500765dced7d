// Checks a clinic's training data BEFORE anything is computed (`weargate model train mdd`): the labels
// file and every EDF it lists, opened with our reader. Every problem is collected and named by file,
// so one run shows all of them: missing or unreadable files, channel names that map to no 10-20
// electrode, files without the montage's electrodes, electrodes in a file at different rates, files
// at different rates from each other (which files at which rate), rates too low for the bands,
// recordings shorter than one epoch, labels other than MDD/healthy, a subject with both labels,
// fewer persons per class than CV folds.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseEdf, type EdfSignal } from '../../streaming/formats/edf.js';
import { MissingChannelsError, selectChannels, standardLabel } from './channels.js';
import { DEFAULT_MDD_FEATURES } from './features.js';
import { scanMddLabels, type LabelledRecording, type MddLabel } from './labels.js';

export interface TrainInputOptions {
  edfDir: string;
  labelsPath: string;
  /** The montage's electrodes (10-10 names), all required in every file. */
  electrodes: readonly string[];
  /** Subject-wise CV folds: each class needs at least this many persons. */
  folds: number;
  /** Lowest usable rate: 2.2 x the top band edge (45 Hz). */
  minSampleRateHz?: number;
  /** One epoch (s): a shorter recording gives nothing. */
  minDurationS?: number;
}

export interface CheckedRecording extends LabelledRecording {
  sampleRateHz: number;
  durationS: number;
  channelLabels: string[];
}

export interface TrainInputSummary {
  persons: Record<MddLabel, number>;
  files: number;
  /** Files per sampling rate (Hz as text). */
  ratesHz: Record<string, number>;
  /** Distinct channel lists, with how many files have each. */
  channelSets: { channels: string[]; files: number }[];
  /** Recordings per condition ('none' when the labels give none). */
  conditions: Record<string, number>;
}

export interface TrainInput {
  /** Usable only when `problems` is empty. */
  recordings: CheckedRecording[];
  sampleRateHz: number | undefined;
  problems: string[];
  summary: TrainInputSummary;
}

const MICROVOLT_UNITS = new Set(['uv', 'µv', 'mv', 'v']);

function listFiles(files: readonly string[], max = 8): string {
  return files.length <= max ? files.join(', ') : `${files.slice(0, max).join(', ')} and ${files.length - max} more`;
}

/** Problems of one EDF file (empty when usable) and what was read from it. */
function checkRecording(path: string, rec: LabelledRecording, electrodes: readonly string[], minDurationS: number): { problems: string[]; checked?: CheckedRecording } {
  const file = rec.file;
  let signals: EdfSignal[];
  try {
    signals = parseEdf(new Uint8Array(readFileSync(path)), { file, onTruncated: 'drop' }).signals;
  } catch (err) {
    return { problems: [`${file}: unreadable as EDF/EDF+ (${err instanceof Error ? err.message : String(err)})`] };
  }
  const labels = signals.map((s) => s.header.label);
  if (!labels.some((l) => standardLabel(l) !== undefined)) {
    return { problems: [`${file}: no channel name maps to a 10-20/10-10 electrode (channels: ${labels.join(', ') || 'none'}); name them e.g. 'Fp1', 'EEG Fp1-LE', 'T3'`] };
  }
  let index: number[];
  try {
    index = selectChannels(labels, electrodes, file);
  } catch (err) {
    if (err instanceof MissingChannelsError) {
      const found = electrodes.length - err.missing.length;
      return { problems: [`${file}: has ${found} of the montage's ${electrodes.length} electrodes; missing ${err.missing.join(', ')} (channels: ${labels.join(', ')})`] };
    }
    return { problems: [err instanceof Error ? err.message : String(err)] };
  }
  const picked = index.map((i) => signals[i]!);
  const problems: string[] = [];
  const rates = [...new Set(picked.map((s) => s.sampleRateHz))];
  if (rates.length > 1) {
    const byRate = rates.map((r) => `${r} Hz: ${picked.filter((s) => s.sampleRateHz === r).map((s) => s.header.label.trim()).join(', ')}`);
    problems.push(`${file}: the electrodes are sampled at different rates (${byRate.join('; ')})`);
  }
  for (const s of picked) {
    const unit = s.header.physicalDimension.trim().toLowerCase();
    if (!MICROVOLT_UNITS.has(unit)) problems.push(`${file}: channel '${s.header.label.trim()}' is in '${s.header.physicalDimension.trim()}', not a voltage (uV, mV or V)`);
  }
  const sampleRateHz = rates[0]!;
  const durationS = Math.min(...picked.map((s) => s.physical.length / s.sampleRateHz));
  if (durationS < minDurationS) problems.push(`${file}: ${durationS.toFixed(1)} s of signal, shorter than one ${minDurationS} s epoch`);
  return { problems, checked: { ...rec, sampleRateHz, durationS, channelLabels: labels } };
}

export function validateTrainInput(opts: TrainInputOptions): TrainInput {
  const topBandHz = Math.max(...DEFAULT_MDD_FEATURES.bands.map((b) => b.highHz));
  // the same margin over Nyquist as the gateway's MddEpochStream
  const minRateHz = opts.minSampleRateHz ?? Math.ceil(2.2 * topBandHz - 1e-9);
  const minDurationS = opts.minDurationS ?? 4;
  const problems: string[] = [];
  const empty: TrainInput = { recordings: [], sampleRateHz: undefined, problems, summary: { persons: { MDD: 0, healthy: 0 }, files: 0, ratesHz: {}, channelSets: [], conditions: {} } };
  if (!existsSync(opts.edfDir) || !statSync(opts.edfDir).isDirectory()) problems.push(`--edf ${opts.edfDir}: not a folder`);
  let text: string;
  try {
    text = readFileSync(opts.labelsPath, 'utf8');
  } catch (err) {
    problems.push(`--labels ${opts.labelsPath}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return empty;
  }
  const scan = scanMddLabels(text, opts.labelsPath);
  problems.push(...scan.problems);
  if (problems.some((p) => p.startsWith('--edf'))) return empty;
  const recordings: CheckedRecording[] = [];
  for (const rec of scan.recordings) {
    const path = join(opts.edfDir, rec.file);
    if (!existsSync(path)) {
      problems.push(`${rec.file}: listed in ${opts.labelsPath} but not found in ${opts.edfDir}`);
      continue;
    }
    const r = checkRecording(path, rec, opts.electrodes, minDurationS);
    problems.push(...r.problems);
    if (r.checked) recordings.push(r.checked);
  }
  // rates across files: one rate for the whole training set (the model's params.sampleRateHz)
  const byRate = new Map<number, string[]>();
  for (const r of recordings) byRate.set(r.sampleRateHz, [...(byRate.get(r.sampleRateHz) ?? []), r.file]);
  const rates = [...byRate.keys()].sort((a, b) => a - b);
  if (rates.length > 1) {
    const parts = [...byRate.entries()].sort((a, b) => b[1].length - a[1].length).map(([rate, files]) => `${rate} Hz: ${listFiles(files)} (${files.length} file${files.length === 1 ? '' : 's'})`);
    problems.push(`mixed sampling rates: ${parts.join('; ')}. Resample to one rate first`);
  }
  for (const rate of rates) {
    if (rate < minRateHz) problems.push(`${listFiles(byRate.get(rate)!)}: sampled at ${rate} Hz, below the ${minRateHz} Hz the bands up to ${topBandHz} Hz need`);
  }
  // persons per class (from the labels: a person's files may have problems of their own, reported above)
  const persons: Record<MddLabel, Set<string>> = { MDD: new Set(), healthy: new Set() };
  for (const rec of scan.recordings) persons[rec.label].add(rec.subject);
  if (!Number.isInteger(opts.folds) || opts.folds < 2) problems.push(`--folds ${opts.folds}: needs an integer >= 2 (subject-wise cross-validation)`);
  else if (scan.recordings.length > 0) {
    for (const label of ['MDD', 'healthy'] as const) {
      const n = persons[label].size;
      if (n < opts.folds) problems.push(`${opts.labelsPath}: ${n} ${label} person${n === 1 ? '' : 's'}${n ? ` (${listFiles([...persons[label]].sort())})` : ''}; --folds ${opts.folds} needs at least ${opts.folds} persons per class (each fold holds out persons of both classes)`);
    }
  }
  const sets = new Map<string, { channels: string[]; files: number }>();
  for (const r of recordings) {
    const key = r.channelLabels.join('\u0000');
    const s = sets.get(key) ?? { channels: r.channelLabels, files: 0 };
    s.files++;
    sets.set(key, s);
  }
  const conditions: Record<string, number> = {};
  for (const r of scan.recordings) conditions[r.condition ?? 'none'] = (conditions[r.condition ?? 'none'] ?? 0) + 1;
  return {
    recordings,
    sampleRateHz: rates.length === 1 ? rates[0] : undefined,
    problems,
    summary: {
      persons: { MDD: persons.MDD.size, healthy: persons.healthy.size },
      files: scan.recordings.length,
      ratesHz: Object.fromEntries(rates.map((r) => [String(r), byRate.get(r)!.length])),
      channelSets: [...sets.values()].sort((a, b) => b.files - a.files),
      conditions,
    },
  };
}
