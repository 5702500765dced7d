// Band power per channel for the topomap command: a plain Welch periodogram over the selected seconds,
// until the streaming pipeline's src/streaming/eeg/welch.ts (another part of issue 11) replaces it.
// Per channel: segments of 2 s (Hann window), 50 % overlap, mean removed per segment, one-sided PSD
// in uV^2/Hz with scipy's 'density' scaling (2 |X_k|^2 / (fs sum w^2)), averaged over segments; band
// power = sum of PSD x df over the bins f in [lowHz, highHz). The same recipe as the MNE reference
// (training/topomap_reference.py: psd_array_welch, n_per_seg = n_fft = 512 at 256 Hz, 50 % overlap).
// No re-referencing, filtering or artefact rejection here: the file's own reference is kept.
import { canonicalElectrodeName } from '../../streaming/eeg/positions.js';

export interface FrequencyBand {
  name: string;
  lowHz: number;
  highHz: number;
}

export const TOPOMAP_BANDS: readonly FrequencyBand[] = [
  { name: 'delta', lowHz: 1, highHz: 4 },
  { name: 'theta', lowHz: 4, highHz: 8 },
  { name: 'alpha', lowHz: 8, highHz: 13 },
  { name: 'beta', lowHz: 13, highHz: 30 },
  { name: 'gamma', lowHz: 30, highHz: 45 },
];

export const WELCH_SEGMENT_S = 2;

/**
 * Band powers (uV^2) of one channel, one per band, from `microvolts` sampled at `sampleRateHz`.
 * Throws when the signal is shorter than one segment.
 */
export function welchBandPowers(microvolts: ArrayLike<number>, sampleRateHz: number, bands: readonly FrequencyBand[]): Float64Array {
  const segment = Math.round(WELCH_SEGMENT_S * sampleRateHz);
  const step = Math.floor(segment / 2);
  if (microvolts.length < segment) throw new RangeError(`${microvolts.length} samples: Welch needs at least ${segment} (${WELCH_SEGMENT_S} s)`);
  const dfHz = sampleRateHz / segment;
  const maxHz = Math.max(...bands.map((b) => b.highHz));
  const bins = Math.min(Math.floor(segment / 2), Math.ceil(maxHz / dfHz));
  const window = new Float64Array(segment);
  let windowPower = 0;
  for (let i = 0; i < segment; i++) {
    window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / segment); // periodic Hann, as scipy's get_window('hann')
    windowPower += window[i]! ** 2;
  }
  const cos = new Float64Array(segment);
  const sin = new Float64Array(segment);
  for (let i = 0; i < segment; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / segment);
    sin[i] = Math.sin((2 * Math.PI * i) / segment);
  }
  const psd = new Float64Array(bins + 1);
  const x = new Float64Array(segment);
  let segments = 0;
  for (let start = 0; start + segment <= microvolts.length; start += step) {
    let mean = 0;
    for (let i = 0; i < segment; i++) mean += microvolts[start + i]!;
    mean /= segment;
    for (let i = 0; i < segment; i++) x[i] = (microvolts[start + i]! - mean) * window[i]!;
    for (let k = 1; k <= bins; k++) {
      let re = 0;
      let im = 0;
      for (let i = 0, idx = 0; i < segment; i++, idx = (idx + k) % segment) {
        re += x[i]! * cos[idx]!;
        im -= x[i]! * sin[idx]!;
      }
      const oneSided = k === segment / 2 ? 1 : 2;
      psd[k]! += (oneSided * (re * re + im * im)) / (sampleRateHz * windowPower);
    }
    segments++;
  }
  return Float64Array.from(bands, (b) => {
    let s = 0;
    for (let k = 1; k <= bins; k++) {
      const f = k * dfHz;
      if (f >= b.lowHz && f < b.highHz) s += (psd[k]! / segments) * dfHz;
    }
    return s;
  });
}

/**
 * Standard electrode name of a recording's channel label, or undefined: strips an 'EEG ' prefix, a
 * reference suffix ('-LE', '-REF', '-A1', ...) and trailing dots, then resolves 10-20 aliases
 * (T3 -> T7). A stopgap until the pipeline's montage.ts is used here.
 */
export function standardNameFromLabel(label: string): string | undefined {
  const stripped = label.trim().replace(/^EEG\s+/i, '').replace(/-.*$/, '').replace(/\.+$/, '');
  const name = canonicalElectrodeName(stripped);
  // ear and mastoid references (e.g. Mumtaz's 'EEG A2-A1') are not scalp sites to map
  return name !== undefined && REFERENCE_SITES.has(name) ? undefined : name;
}

const REFERENCE_SITES = new Set(['A1', 'A2', 'M1', 'M2']);
