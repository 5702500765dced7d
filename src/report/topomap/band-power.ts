// Band power per channel for the topomap command, over the selected seconds, with the streaming
// pipeline's Welch estimator (src/streaming/eeg/welch.ts): segments of 2 s (periodic Hann), 50 %
// overlap, mean removed per segment, one-sided PSD in uV^2/Hz (scipy 'density' scaling), band power
// = sum of PSD x df over the bins in [lowHz, highHz). Bands are the pipeline's EEG_BANDS. The same
// recipe as the MNE reference (training/topomap_reference.py: psd_array_welch, 512 / 256 at 256 Hz).
// No re-referencing, filtering or artefact rejection here: the file's own reference is kept.
import { EEG_BANDS, Welch } from '../../streaming/eeg/welch.js';
import { readLabel } from '../../streaming/eeg/montage.js';

export interface FrequencyBand {
  name: string;
  lowHz: number;
  highHz: number;
}

export const TOPOMAP_BANDS: readonly FrequencyBand[] = EEG_BANDS;

export const WELCH_SEGMENT_S = 2;

/**
 * Band powers (uV^2) of one channel, one per band, from `microvolts` sampled at `sampleRateHz`.
 * Throws when the signal is shorter than one segment.
 */
export function welchBandPowers(microvolts: ArrayLike<number>, sampleRateHz: number, bands: readonly FrequencyBand[]): Float64Array {
  const segmentSamples = Math.round(WELCH_SEGMENT_S * sampleRateHz);
  const welch = new Welch({ sampleRateHz, segmentSamples, overlapSamples: segmentSamples - Math.floor(segmentSamples / 2), maxHz: Math.max(...bands.map((b) => b.highHz)) });
  const psd = welch.psd(microvolts);
  return Float64Array.from(bands, (b) => welch.bandPower(psd, b.lowHz, b.highHz));
}

/**
 * Standard electrode name of a recording's channel label (montage.ts: 'EEG Fp1-LE' -> Fp1,
 * 'T3' -> T7), or undefined for ear references, bipolar, non-EEG and unknown labels.
 */
export function standardNameFromLabel(label: string): string | undefined {
  const reading = readLabel(label);
  return reading.kind === 'electrode' ? reading.name : undefined;
}
