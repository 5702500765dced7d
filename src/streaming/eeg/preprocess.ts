// Streaming EEG conditioning of one block layout: re-reference (average, linked ears, or as
// recorded), then per channel a notch (50/60 Hz) and a Butterworth band-pass, all causal IIR
// (src/streaming/filters) with their state kept, so a record filtered in chunks equals the record
// filtered whole, sample for sample. Lost samples (NaN) are held at the channel's last value for the
// filters and flagged, so the epochs containing them can be refused.
import { BiquadCascade, butterworthBandpass, notch, type SecondOrderSection } from '../filters/index.js';
import type { Montage } from './montage.js';

export type ReferenceSetting = 'auto' | 'average' | 'linked-ears' | 'as-recorded';
/** The reference actually applied. */
export type AppliedReference = 'average' | 'linked-ears' | 'linked-ears-as-recorded' | 'as-recorded';

/** An average reference over fewer electrodes than this is mostly the electrodes themselves. */
export const MIN_AVERAGE_REFERENCE_CHANNELS = 8;

export interface FilterSettings {
  sampleRateHz: number;
  /** Mains frequency to notch out, or null for none. */
  notchHz: 50 | 60 | null;
  notchQ: number;
  bandLowHz: number;
  bandHighHz: number;
  /** Butterworth prototype order of the band-pass (the band-pass has twice as many poles). */
  bandpassOrder: number;
}

export interface ReferenceChoice {
  reference: AppliedReference;
  /** Why, in words (for logs and docs). */
  reason: string;
}

/** Which reference `setting` gives on `montage`. */
export function chooseReference(setting: ReferenceSetting, montage: Montage): ReferenceChoice {
  const count = montage.channels.length;
  if (setting === 'as-recorded') return { reference: 'as-recorded', reason: 'configured' };
  if (setting === 'average') return { reference: 'average', reason: 'configured' };
  if (setting === 'linked-ears' || setting === 'auto') {
    if (montage.hasEarPair) return { reference: 'linked-ears', reason: 'A1 and A2 (or M1 and M2) are in the stream' };
    if (montage.recordedLinkedEars) return { reference: 'linked-ears-as-recorded', reason: 'the channel labels say linked ears (-LE)' };
    if (setting === 'linked-ears') return { reference: 'as-recorded', reason: 'linked ears asked for, but no A1/A2 channels and no -LE labels: left as recorded' };
  }
  if (count >= MIN_AVERAGE_REFERENCE_CHANNELS) return { reference: 'average', reason: `${count} electrodes` };
  return { reference: 'as-recorded', reason: `only ${count} electrodes (an average reference needs ${MIN_AVERAGE_REFERENCE_CHANNELS})` };
}

/** The notch and band-pass sections of one channel. */
export function filterSections(s: FilterSettings): SecondOrderSection[] {
  if (!(s.bandHighHz < s.sampleRateHz / 2)) throw new RangeError(`band-pass edge ${s.bandHighHz} Hz needs a sample rate above ${2 * s.bandHighHz} Hz (got ${s.sampleRateHz})`);
  const sections: SecondOrderSection[] = [];
  if (s.notchHz !== null && s.notchHz < s.sampleRateHz / 2) sections.push(...notch(s.notchHz, s.sampleRateHz, s.notchQ));
  sections.push(...butterworthBandpass(s.bandpassOrder, s.bandLowHz, s.bandHighHz, s.sampleRateHz));
  return sections;
}

/** Output of one block: filtered µV per montage channel, the input as held (before reference and filters), and a per-sample "some input was lost" flag. */
export interface Conditioned {
  values: Float64Array[];
  raw: Float64Array[];
  missing: Uint8Array;
}

export class EegPreprocessor {
  readonly reference: ReferenceChoice;
  private readonly filters: BiquadCascade[];
  private readonly lastValue: Float64Array;
  private readonly sourceIndex: number[];
  private readonly earIndex: number[];
  private started = false;

  constructor(
    private readonly montage: Montage,
    setting: ReferenceSetting,
    filter: FilterSettings,
  ) {
    this.reference = chooseReference(setting, montage);
    const sections = filterSections(filter);
    this.filters = montage.channels.map(() => new BiquadCascade(sections));
    this.sourceIndex = montage.channels.map((c) => c.index);
    const refs = montage.references;
    this.earIndex = refs.has('A1') && refs.has('A2') ? [refs.get('A1')!, refs.get('A2')!] : refs.has('M1') && refs.has('M2') ? [refs.get('M1')!, refs.get('M2')!] : [];
    // Held values: the montage's channels, then the ear electrodes.
    this.lastValue = new Float64Array(this.sourceIndex.length + this.earIndex.length);
  }

  /** Filters one block's samples (`values` in the block's channel order). */
  process(values: readonly Float32Array[]): Conditioned {
    const n = values[0]?.length ?? 0;
    const m = this.sourceIndex.length;
    const inputs = [...this.sourceIndex, ...this.earIndex];
    const out = this.sourceIndex.map(() => new Float64Array(n));
    const raw = this.sourceIndex.map(() => new Float64Array(n));
    const missing = new Uint8Array(n);
    const held = new Float64Array(inputs.length);
    const ref = this.reference.reference;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < inputs.length; c++) {
        const v = values[inputs[c]][i];
        if (Number.isFinite(v)) this.lastValue[c] = v;
        else missing[i] = 1;
        held[c] = this.lastValue[c];
      }
      let offset = 0;
      if (ref === 'average') {
        for (let c = 0; c < m; c++) offset += held[c];
        offset /= m;
      } else if (ref === 'linked-ears') offset = (held[m] + held[m + 1]) / 2;
      if (!this.started) {
        // Start as if the first value had always been there: no step response from a DC offset.
        for (let c = 0; c < m; c++) this.filters[c].settle(held[c] - offset);
        this.started = true;
      }
      for (let c = 0; c < m; c++) {
        raw[c][i] = held[c];
        out[c][i] = this.filters[c].step(held[c] - offset);
      }
    }
    return { values: out, raw, missing };
  }

  /** Standard names of the filtered channels, in output order. */
  get names(): string[] {
    return this.montage.names;
  }
}
