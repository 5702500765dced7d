// Channel selection BY NAME for the MDD model: a recording's labels ('EEG Fp1-LE', 'Fp1.', 'T3') are
// read as standard 10-10 names by the streaming montage (src/streaming/eeg/montage.ts), and the
// model's electrodes are taken in the model's order, whatever the file's channel count or order.
// Bipolar or reference channels ('EEG A2-A1', 'EEG 23A-23R') never match.
import { standardName } from '../../streaming/eeg/montage.js';
import { canonicalElectrodeName } from '../../streaming/eeg/positions.js';

/** The canonical 10-10 name of a channel label, or undefined when it is not a referential scalp channel. */
export const standardLabel = standardName;

export class MissingChannelsError extends Error {
  readonly code = 'missing-channels';
  constructor(
    readonly missing: readonly string[],
    readonly labels: readonly string[],
    file?: string,
  ) {
    super(`${file ? `${file}: ` : ''}no channel for ${missing.join(', ')} (channels: ${labels.join(', ')})`);
    this.name = 'MissingChannelsError';
  }
}

/**
 * Index into `labels` of each electrode of `wanted` (canonical names), in `wanted` order. Throws
 * MissingChannelsError naming every electrode without a channel; a second channel with the same name
 * is an error too (which one would be meant?).
 */
export function selectChannels(labels: readonly string[], wanted: readonly string[], file?: string): number[] {
  const byName = new Map<string, number>();
  labels.forEach((label, i) => {
    const name = standardLabel(label);
    if (name === undefined) return;
    if (byName.has(name)) throw new Error(`${file ? `${file}: ` : ''}two channels for ${name}: '${labels[byName.get(name)!]}' and '${label}'`);
    byName.set(name, i);
  });
  const missing = wanted.filter((w) => !byName.has(canonicalElectrodeName(w) ?? w));
  if (missing.length > 0) throw new MissingChannelsError(missing, labels, file);
  return wanted.map((w) => byName.get(canonicalElectrodeName(w) ?? w)!);
}
