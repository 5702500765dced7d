// A recorded file as the samples a replay device plays: the chosen channels in microvolts on one
// continuous time line, with a mask of the samples the recording does not have. Those are the time
// an EDF+D file skips between records, and the spans a weargate recording annotates 'gap' (lost
// on the way to the recorder, written as the digital minimum: docs/recording.md). WFDB invalid
// samples (NaN) are missing too.
import { stat } from 'node:fs/promises';
import { FormatError } from '../../../common/errors.js';
import type { EdfFile } from '../../../streaming/formats/edf.js';
import { loadEdf, loadWfdbRecord } from '../../../streaming/formats/load.js';
import { microvoltsPerUnit, toMicrovolts } from '../../../streaming/formats/wfdb-signals.js';

export interface ReplaySource {
  sampleRateHz: number;
  channels: string[];
  stream: 'ecg' | 'eeg';
  /** One array per channel, microvolts. */
  values: Float32Array[];
  /** 1 where the recording has no sample. */
  missing: Uint8Array;
  /** Samples of the time line. */
  length: number;
}

export interface SourceChoice {
  channels?: string[];
  stream?: 'ecg' | 'eeg';
}

/** A timeline this long would not fit in memory on a Pi: longer EDF+D spans are refused. */
const MAX_TIMELINE_S = 24 * 3600;

const ECG_LABEL = /^(ECG|EKG)(\b|\d)|^(MLII|MLI|MLIII|V[1-6]|I|II|III|aVR|aVL|aVF)$/i;
const EEG_LABEL = /^EEG\b|^(Fp[12z]?|AF[3478z]|F[1-8z]|FC[1-6z]|FT[78]|C[1-6z]|T[3-8]|TP[789]|TP10|CP[1-6z]|P[1-8z]|PO[3478z]|O[12z]|A[12])\.*$/i;

/** 'ecg' or 'eeg' from a signal label (EDF+ standard texts 'ECG ...', 'EEG Fp1', 10-20 names, MIT-BIH leads). */
export function streamOfLabel(label: string): 'ecg' | 'eeg' | undefined {
  const l = label.trim();
  if (ECG_LABEL.test(l)) return 'ecg';
  if (EEG_LABEL.test(l)) return 'eeg';
  return undefined;
}

interface RawSignal {
  label: string;
  sampleRateHz: number;
  valuesUv: Float32Array;
}

/** Picks the channels: the configured labels in order, else every signal of the stream type at the first one's rate. */
export function chooseChannels(signals: RawSignal[], choice: SourceChoice, file: string): { picked: RawSignal[]; stream: 'ecg' | 'eeg' } {
  let picked: RawSignal[];
  if (choice.channels) {
    picked = choice.channels.map((name) => {
      const s = signals.find((x) => x.label === name) ?? signals.find((x) => x.label.toLowerCase() === name.toLowerCase());
      if (!s) throw new FormatError('replay', `no signal '${name}' (signals: ${signals.map((x) => x.label).join(', ')})`, file);
      return s;
    });
  } else {
    const type = choice.stream ?? signals.map((x) => streamOfLabel(x.label)).find((t) => t !== undefined);
    const typed = type === undefined ? [] : signals.filter((x) => streamOfLabel(x.label) === type);
    const pool = typed.length > 0 ? typed : signals;
    picked = pool.filter((x) => x.sampleRateHz === pool[0].sampleRateHz);
  }
  const stream = choice.stream ?? streamOfLabel(picked[0].label);
  if (!stream) throw new FormatError('replay', `cannot tell ecg from eeg by the label '${picked[0].label}'; set 'stream'`, file);
  const rate = picked[0].sampleRateHz;
  const other = picked.find((s) => s.sampleRateHz !== rate);
  if (other) throw new FormatError('replay', `signals '${picked[0].label}' (${rate} Hz) and '${other.label}' (${other.sampleRateHz} Hz) differ in rate; choose channels of one rate`, file);
  return { picked, stream };
}

/** Loads `path` (EDF/BDF by extension or content, else a WFDB record) as a replay source. */
export async function loadReplaySource(path: string, choice: SourceChoice): Promise<ReplaySource> {
  const recordPath = path.replace(/\.hea$/i, '');
  const isWfdb = /\.hea$/i.test(path) || (!(await isFile(path)) && (await isFile(`${recordPath}.hea`)));
  return isWfdb ? loadWfdbSource(recordPath, choice) : loadEdfSource(path, choice);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function loadWfdbSource(recordPath: string, choice: SourceChoice): Promise<ReplaySource> {
  const record = await loadWfdbRecord(recordPath, { annotator: null });
  const raw = record.signals.map((s) => ({ label: s.spec.description, sampleRateHz: s.sampleRateHz, valuesUv: toMicrovolts(s.physical, s.spec.units) }));
  const { picked, stream } = chooseChannels(raw, choice, recordPath);
  const length = Math.min(...picked.map((s) => s.valuesUv.length));
  const values = picked.map((s) => s.valuesUv.subarray(0, length));
  return { sampleRateHz: picked[0].sampleRateHz, channels: picked.map((s) => s.label), stream, values, missing: nanMask(values, length), length };
}

async function loadEdfSource(path: string, choice: SourceChoice): Promise<ReplaySource> {
  // A file cut by a crash (-1 records, a partial last record) plays up to its last whole record.
  const edf = await loadEdf(path, { onTruncated: 'drop' });
  const raw = edf.signals.map((s) => ({
    label: s.header.label,
    sampleRateHz: s.sampleRateHz,
    valuesUv: scaled(s.physical, s.header.physicalDimension, path),
  }));
  const { picked, stream } = chooseChannels(raw, choice, path);
  const rate = picked[0].sampleRateHz;
  const perRecord = Math.round(rate * edf.header.recordDurationSeconds);
  const { length, placeAt } = timeline(edf, rate, perRecord, path);
  const values = picked.map(() => new Float32Array(length));
  const missing = new Uint8Array(length).fill(1);
  const records = edf.recordOnsetsSeconds.length;
  for (let r = 0; r < records; r++) {
    const at = placeAt[r];
    for (let c = 0; c < picked.length; c++) {
      values[c].set(picked[c].valuesUv.subarray(r * perRecord, Math.min((r + 1) * perRecord, length - at + r * perRecord)), at);
    }
    missing.fill(0, at, Math.min(length, at + perRecord));
  }
  // Gaps a weargate recording annotated (written as missing samples in an EDF+C file).
  const origin = edf.recordOnsetsSeconds[0] ?? 0;
  for (const a of edf.annotations) {
    if (!a.texts.includes('gap') || a.durationSeconds === undefined) continue;
    const from = Math.max(0, Math.round((a.onsetSeconds - origin) * rate));
    const to = Math.min(length, Math.round((a.onsetSeconds + a.durationSeconds - origin) * rate));
    if (to > from) missing.fill(1, from, to);
  }
  return { sampleRateHz: rate, channels: picked.map((s) => s.label), stream, values, missing, length };
}

/** Where each record's first sample sits on the time line (EDF+D may skip time between records). */
function timeline(edf: EdfFile, rate: number, perRecord: number, file: string): { length: number; placeAt: Int32Array } {
  const onsets = edf.recordOnsetsSeconds;
  const records = onsets.length;
  const placeAt = new Int32Array(records);
  if (records === 0) return { length: 0, placeAt };
  const origin = onsets[0];
  let next = 0;
  for (let r = 0; r < records; r++) {
    // Records never overlap: an onset earlier than the previous record's end is placed right after it.
    placeAt[r] = Math.max(next, Math.round((onsets[r] - origin) * rate));
    next = placeAt[r] + perRecord;
  }
  if (next > MAX_TIMELINE_S * rate) throw new FormatError('replay', `the EDF+D time line spans more than ${MAX_TIMELINE_S / 3600} h`, file);
  return { length: next, placeAt };
}

function scaled(physical: Float32Array, dimension: string, file: string): Float32Array {
  let scale: number;
  try {
    scale = microvoltsPerUnit(dimension);
  } catch {
    throw new FormatError('replay', `physical dimension '${dimension}' is not a voltage`, file);
  }
  if (scale === 1) return physical;
  return physical.map((v) => v * scale);
}

function nanMask(values: Float32Array[], length: number): Uint8Array {
  const missing = new Uint8Array(length);
  for (const v of values) for (let i = 0; i < length; i++) if (Number.isNaN(v[i])) missing[i] = 1;
  return missing;
}
