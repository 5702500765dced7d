// The recording SETUP's spectral signature: how steeply the amplifier's own filters cut the EEG below
// 1 Hz and above 40 Hz. In the Mumtaz data the two groups were (mostly) recorded with different
// filter settings: almost every MDD file has ~100x less power density at 0.5-1 Hz than at 2-4 Hz
// and ~100x less at 40-45 Hz than at 20-30 Hz, almost every healthy file does not (docs/models/mdd.md). A model
// that sees those frequencies can learn the setup instead of the disease, so the MDD bands stay
// inside 4-30 Hz, where both setups pass the EEG alike, and this signature is reported as a confound
// (`training/mdd_cnn.py`, `weargate model train mdd`): if it predicts the label, a clinic's two groups
// were recorded differently.
import { Welch } from '../../streaming/eeg/welch.js';
import { median } from '../../common/stats.js';
import { rocAuc } from './metrics.js';

export interface SetupSignature {
  /** Median over clean epochs and electrodes of log10 of the mean power density at 0.5-1 Hz over that at 2-4 Hz: the high-pass edge. */
  lowEdgeLog10: number;
  /** The same for 40-45 Hz over 20-30 Hz: the low-pass edge; null below 90 Hz sampling rate. */
  highEdgeLog10: number | null;
}

const LOW: readonly [number, number] = [0.5, 1];
const LOW_REF: readonly [number, number] = [2, 4];
const HIGH: readonly [number, number] = [40, 45];
const HIGH_REF: readonly [number, number] = [20, 30];

/**
 * The signature of one recording from the epochs given (channels[e] = samples, uV; epochStarts in
 * samples, each epochSamples long), with 2 s Welch segments (0.5 Hz bins) like the MDD features.
 */
export function setupSignature(channels: readonly Float32Array[], sampleRateHz: number, epochStarts: readonly number[], epochSamples: number): SetupSignature {
  const withHigh = sampleRateHz >= 2 * HIGH[1];
  const segment = Math.round(2 * sampleRateHz);
  const welch = new Welch({ sampleRateHz, segmentSamples: segment, overlapSamples: segment >> 1, maxHz: withHigh ? HIGH[1] : LOW_REF[1] });
  const psd = new Float64Array(welch.binCount);
  const low: number[] = [];
  const high: number[] = [];
  // mean density (power per Hz) of a band, log10: white noise has both edges at 0
  const density = (band: readonly [number, number]) => Math.log10(Math.max(welch.bandPower(psd, band[0], band[1]) / (band[1] - band[0]), 1e-12));
  for (const start of epochStarts) {
    for (const x of channels) {
      welch.psd(x.subarray(start, start + epochSamples), psd);
      low.push(density(LOW) - density(LOW_REF));
      if (withHigh) high.push(density(HIGH) - density(HIGH_REF));
    }
  }
  return { lowEdgeLog10: median(low), highEdgeLog10: withHigh ? median(high) : null };
}

export interface SetupConfound {
  persons: number;
  /** AUC of "a lower high-pass edge (less power below 1 Hz) means MDD", per person (mean of their recordings). */
  lowEdgeAuc: number;
  /** The same for the low-pass edge (less power at 40-45 Hz); NaN when the rate does not reach 45 Hz. */
  highEdgeAuc: number;
  /** Set when either AUC is at least WARN_AUC away from chance (0.5) in either direction. */
  warning?: string;
}

/** Either edge's AUC this far from 0.5 (i.e. >= 0.8 or <= 0.2) says the groups' setups differ. */
export const SETUP_WARN_DISTANCE = 0.3;

/**
 * Does the recording setup predict the label? Per person (the mean of their recordings' edges), the
 * AUC of each filter edge for MDD. Far from 0.5, the two groups were recorded with different
 * amplifier filters: the model's 4-30 Hz bands avoid the edges themselves, but such a data set
 * cannot tell the disease from the setup, and its cross-validated numbers may be optimistic.
 */
export function setupConfound(recordings: readonly { subject: string; label: 'MDD' | 'healthy'; setup: SetupSignature }[]): SetupConfound {
  const bySubject = new Map<string, { y: number; low: number[]; high: number[] }>();
  for (const r of recordings) {
    const p = bySubject.get(r.subject) ?? { y: r.label === 'MDD' ? 1 : 0, low: [], high: [] };
    if (Number.isFinite(r.setup.lowEdgeLog10)) p.low.push(r.setup.lowEdgeLog10);
    if (r.setup.highEdgeLog10 !== null && Number.isFinite(r.setup.highEdgeLog10)) p.high.push(r.setup.highEdgeLog10);
    bySubject.set(r.subject, p);
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const auc = (pick: 'low' | 'high') => {
    const rows = [...bySubject.values()].filter((p) => p[pick].length > 0);
    return rocAuc(rows.map((p) => p.y), rows.map((p) => -mean(p[pick])));
  };
  const out: SetupConfound = { persons: bySubject.size, lowEdgeAuc: auc('low'), highEdgeAuc: auc('high') };
  const far = (a: number) => Number.isFinite(a) && Math.abs(a - 0.5) >= SETUP_WARN_DISTANCE;
  if (far(out.lowEdgeAuc) || far(out.highEdgeAuc))
    out.warning =
      `the recordings' filter edges predict the label (AUC ${out.lowEdgeAuc.toFixed(2)} below 1 Hz, ${Number.isFinite(out.highEdgeAuc) ? out.highEdgeAuc.toFixed(2) : 'n/a'} above 40 Hz): ` +
      'the MDD and healthy groups were probably recorded with different amplifier settings. The model reads only 4-30 Hz, but this data cannot separate the disease from the setup; record both groups alike before trusting these numbers';
  return out;
}
