// EEG channel names to standard 10-20 / 10-10 electrode names. A recording's labels carry prefixes
// ("EEG Fp1"), reference suffixes ("Fp1-LE", "C3-A1", "Cz-REF"), padding dots (eegmmidb "Fc5.",
// "Cz.."), any case, and the old 10-20 temporal names (T3/T4/T5/T6 = T7/T8/P7/P8 in 10-10). Each
// label becomes one standard name or an excluded channel with its reason (ECG, EOG, ear references,
// bipolar derivations, unknown names), so a pipeline works on any cap whose channels are named.
// Positions belong to positions.ts (topographic maps); this file only knows names.

/** 10-10 electrode names in their usual spelling (Oostenveld & Praamstra 2001, the 10-20 subset included). */
export const STANDARD_ELECTRODES: readonly string[] = [
  'Fp1', 'Fpz', 'Fp2',
  'AF9', 'AF7', 'AF5', 'AF3', 'AF1', 'AFz', 'AF2', 'AF4', 'AF6', 'AF8', 'AF10',
  'F9', 'F7', 'F5', 'F3', 'F1', 'Fz', 'F2', 'F4', 'F6', 'F8', 'F10',
  'FT9', 'FT7', 'FC5', 'FC3', 'FC1', 'FCz', 'FC2', 'FC4', 'FC6', 'FT8', 'FT10',
  'T9', 'T7', 'C5', 'C3', 'C1', 'Cz', 'C2', 'C4', 'C6', 'T8', 'T10',
  'TP9', 'TP7', 'CP5', 'CP3', 'CP1', 'CPz', 'CP2', 'CP4', 'CP6', 'TP8', 'TP10',
  'P9', 'P7', 'P5', 'P3', 'P1', 'Pz', 'P2', 'P4', 'P6', 'P8', 'P10',
  'PO9', 'PO7', 'PO5', 'PO3', 'PO1', 'POz', 'PO2', 'PO4', 'PO6', 'PO8', 'PO10',
  'O9', 'O1', 'Oz', 'O2', 'O10', 'I1', 'Iz', 'I2',
];

/** The 19 electrodes of the classic 10-20 cap, in the 10-10 names this module returns. */
export const CLASSIC_10_20: readonly string[] = [
  'Fp1', 'Fp2', 'F7', 'F3', 'Fz', 'F4', 'F8', 'T7', 'C3', 'Cz', 'C4', 'T8', 'P7', 'P3', 'Pz', 'P4', 'P8', 'O1', 'O2',
];

/** Old 10-20 names to their 10-10 equivalents. */
export const ELECTRODE_ALIASES: Readonly<Record<string, string>> = { T3: 'T7', T4: 'T8', T5: 'P7', T6: 'P8' };

/** Ear / mastoid reference electrodes: used for a linked-ears reference, never part of the montage. */
export const REFERENCE_ELECTRODES: readonly string[] = ['A1', 'A2', 'M1', 'M2'];

/** Suffixes after '-' that name a reference, not a second electrode ("Fp1-LE", "C3-A1", "Cz-REF"). */
const REFERENCE_SUFFIXES = new Set(['LE', 'LER', 'REF', 'AVG', 'AV', 'AR', 'CAR', 'A1', 'A2', 'M1', 'M2', 'A1A2', 'M1M2', 'LM', 'RM', 'REFERENCE']);
/** Labels that are a known non-EEG signal. */
const NON_EEG = /^(?:ECG|EKG|EOG|HEOG|VEOG|EMG|RESP|RESPIRATION|PULSE|SPO2|PPG|GSR|EDA|TEMP|STATUS|TRIGGER|EVENT|MARKER|ACC|ACCEL|PHOTIC|PHOTO|LOC|ROC|CHIN|EXG|AUX|X|DC|BP)(?:\d+)?(?:\b|_)/;

const byUpper = new Map<string, string>();
for (const name of STANDARD_ELECTRODES) byUpper.set(name.toUpperCase(), name);
for (const [alias, name] of Object.entries(ELECTRODE_ALIASES)) byUpper.set(alias, name);
const referenceUpper = new Set(REFERENCE_ELECTRODES.map((n) => n.toUpperCase()));

export type ExcludedReason = 'reference' | 'bipolar' | 'non-eeg' | 'unknown' | 'duplicate';

/** One channel of the montage: its index in the block, the label as sent and its standard name. */
export interface MontageChannel {
  index: number;
  label: string;
  name: string;
  /** The label said which reference it was recorded against ('LE', 'A1', 'REF', ...). */
  recordedReference?: string;
}

export interface ExcludedChannel {
  index: number;
  label: string;
  reason: ExcludedReason;
}

/** How one label reads: a standard electrode, a reference electrode, or excluded. */
export type LabelReading =
  | { kind: 'electrode'; name: string; recordedReference?: string }
  | { kind: 'reference-electrode'; name: string }
  | { kind: 'excluded'; reason: Exclude<ExcludedReason, 'duplicate'> };

/** The standard 10-10 name of one label, or why it is not an EEG electrode. */
export function readLabel(label: string): LabelReading {
  let text = label.trim().toUpperCase();
  // "EEG Fp1", "EEG:Fp1", "EEG-Fp1": the signal type, not part of the name.
  text = text.replace(/^EEG[\s:_-]+/, '');
  // eegmmidb pads names to four characters with dots ("Cz..", "Fc5.").
  text = text.replace(/\.+$/, '').trim();
  if (text === '') return { kind: 'excluded', reason: 'unknown' };
  if (NON_EEG.test(text)) return { kind: 'excluded', reason: 'non-eeg' };
  const parts = text.split(/\s*-\s*/);
  const first = parts[0];
  if (parts.length > 2) return { kind: 'excluded', reason: 'unknown' };
  if (parts.length === 2) {
    const second = parts[1];
    if (referenceUpper.has(first)) return { kind: 'excluded', reason: 'reference' }; // "A2-A1"
    if (byUpper.has(first) && REFERENCE_SUFFIXES.has(second)) return { kind: 'electrode', name: byUpper.get(first)!, recordedReference: second };
    if (byUpper.has(first) && byUpper.has(second)) return { kind: 'excluded', reason: 'bipolar' };
    return { kind: 'excluded', reason: 'unknown' };
  }
  if (referenceUpper.has(first)) return { kind: 'reference-electrode', name: REFERENCE_ELECTRODES.find((n) => n.toUpperCase() === first)! };
  const name = byUpper.get(first);
  return name === undefined ? { kind: 'excluded', reason: 'unknown' } : { kind: 'electrode', name };
}

/** The standard name of `label`, or undefined when it is not a scalp electrode. */
export function standardName(label: string): string | undefined {
  const r = readLabel(label);
  return r.kind === 'electrode' ? r.name : undefined;
}

/** The channels of one block layout sorted into scalp electrodes, ear references and the rest. */
export class Montage {
  readonly channels: readonly MontageChannel[];
  readonly excluded: readonly ExcludedChannel[];
  /** Ear / mastoid electrodes found (A1, A2, M1, M2) with their block index. */
  readonly references: ReadonlyMap<string, number>;
  private readonly byName: ReadonlyMap<string, MontageChannel>;

  constructor(labels: readonly string[]) {
    const channels: MontageChannel[] = [];
    const excluded: ExcludedChannel[] = [];
    const references = new Map<string, number>();
    const byName = new Map<string, MontageChannel>();
    labels.forEach((label, index) => {
      const r = readLabel(label);
      if (r.kind === 'excluded') excluded.push({ index, label, reason: r.reason });
      else if (r.kind === 'reference-electrode') {
        if (references.has(r.name)) excluded.push({ index, label, reason: 'duplicate' });
        else references.set(r.name, index);
      } else if (byName.has(r.name)) excluded.push({ index, label, reason: 'duplicate' });
      else {
        const ch: MontageChannel = { index, label, name: r.name, ...(r.recordedReference !== undefined && { recordedReference: r.recordedReference }) };
        channels.push(ch);
        byName.set(r.name, ch);
      }
    });
    this.channels = channels;
    this.excluded = excluded;
    this.references = references;
    this.byName = byName;
  }

  /** Standard names of the montage's electrodes, in block order. */
  get names(): string[] {
    return this.channels.map((c) => c.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Position of electrode `name` in `names` (and in per-channel results), or -1. */
  indexOf(name: string): number {
    const ch = this.byName.get(name);
    return ch === undefined ? -1 : this.channels.indexOf(ch);
  }

  /** Both ear electrodes are in the stream: a linked-ears reference can be computed. */
  get hasEarPair(): boolean {
    return (this.references.has('A1') && this.references.has('A2')) || (this.references.has('M1') && this.references.has('M2'));
  }

  /** The labels say every electrode was recorded against linked ears ("-LE", "-A1A2"). */
  get recordedLinkedEars(): boolean {
    return this.channels.length > 0 && this.channels.every((c) => c.recordedReference === 'LE' || c.recordedReference === 'A1A2' || c.recordedReference === 'M1M2' || c.recordedReference === 'LER');
  }

  /** The 19 classic 10-20 electrodes all present. */
  get isFull1020(): boolean {
    return CLASSIC_10_20.every((n) => this.byName.has(n));
  }
}
