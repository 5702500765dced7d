// The live EEG band pipeline of one device, as data: `push(block)` sorts the channels by name
// (montage.ts), re-references and filters them (preprocess.ts), cuts overlapping epochs
// (epochs.ts), computes each epoch's Welch PSD and band powers (welch.ts) and judges it
// (artefacts.ts); `batch()` makes the `<device>/eeg/bands` payload of the epochs since the last
// `commit()`. The gateway extension (src/gateway/extensions/eeg-bands.ts) keeps timers, seq, topics.
import type { EegArtefactReason, EegBands } from '../../mqtt/api.js';
import type { SampleBlock } from '../types.js';
import { ARTEFACT_REASONS, assessEpoch, DEFAULT_ARTEFACT_THRESHOLDS, type ArtefactThresholds } from './artefacts.js';
import { Epocher } from './epochs.js';
import { Montage } from './montage.js';
import { EegPreprocessor, type ReferenceSetting } from './preprocess.js';
import { BAND_NAMES, bandsOf, EEG_BANDS, TOTAL_BAND, Welch, type ChannelBands, type EegBandName } from './welch.js';

export interface EegSettings {
  reference: ReferenceSetting;
  notchHz: 50 | 60 | null;
  notchQ: number;
  bandpassLowHz: number;
  bandpassHighHz: number;
  bandpassOrder: number;
  epochS: number;
  /** Fraction of an epoch shared with the next, 0 <= overlap < 1. */
  overlap: number;
  welchSegmentS: number;
  welchOverlap: number;
  /** Discarded after a (re)start while the filters settle, s. */
  warmupS: number;
  /** Gaps up to this are lost samples (their epochs refused); longer ones restart the pipeline, s. */
  maxGapS: number;
  artefacts: ArtefactThresholds;
}

export const DEFAULT_EEG_SETTINGS: EegSettings = {
  reference: 'auto',
  notchHz: 50,
  notchQ: 30,
  bandpassLowHz: 1,
  bandpassHighHz: 45,
  bandpassOrder: 4,
  epochS: 4,
  overlap: 0.5,
  welchSegmentS: 2,
  welchOverlap: 0.5,
  warmupS: 1,
  maxGapS: 1,
  artefacts: DEFAULT_ARTEFACT_THRESHOLDS,
};

/** Pairs of the frontal alpha asymmetry, right minus left. */
export const FAA_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['F4', 'F3'],
  ['F8', 'F7'],
  ['AF8', 'AF7'],
];

/** Epoch results kept between two batches at most (a consumer-less gateway must not grow). */
const MAX_PENDING_EPOCHS = 2000;

/** One judged epoch. */
export interface EegEpoch {
  /** Device time of the first sample, µs. */
  t0Us: number;
  gatewayT0Ms?: number;
  /** Index of the first sample in the device's stream. */
  firstSampleIndex: number;
  clean: boolean;
  reasons: EegArtefactReason[];
  /** Per reason, the channels that tripped it. */
  reasonChannels: Partial<Record<EegArtefactReason, string[]>>;
  /** Per montage channel (order of `channels`). */
  bands: ChannelBands[];
}

export type EegEvent =
  | { kind: 'rejected'; code: 'eeg-montage' | 'eeg-rate' | 'eeg-error'; message: string }
  | { kind: 'layout'; channels: string[]; excluded: string[]; reference: string; reason: string }
  | { kind: 'restart'; gapSamples: number }
  | { kind: 'epoch'; epoch: EegEpoch };

interface Layout {
  key: string;
  sampleRateHz: number;
  montage: Montage;
  preprocessor: EegPreprocessor;
  epocher: Epocher;
  welch: Welch;
  /** Stream sample index of the epocher's sample 0, and the device time there. */
  originIndex: number;
  originT0Us: number;
  originGatewayMs: number | undefined;
  nextIndex: number;
}

export class EegPipeline {
  private layout: Layout | undefined;
  private refusedKey: string | undefined;
  /** Epochs not yet published, grouped by layout (one message has one channel set). */
  private pending: Array<{ layout: Layout; epochs: EegEpoch[] }> = [];
  private readonly settings: EegSettings;

  constructor(settings: Partial<EegSettings> = {}) {
    this.settings = { ...DEFAULT_EEG_SETTINGS, ...settings, artefacts: { ...DEFAULT_ARTEFACT_THRESHOLDS, ...settings.artefacts } };
    const s = this.settings;
    if (!(s.overlap >= 0 && s.overlap < 1)) throw new RangeError(`eeg overlap ${s.overlap} must be in [0, 1)`);
    if (!(s.welchSegmentS <= s.epochS)) throw new RangeError(`Welch segment ${s.welchSegmentS} s is longer than the ${s.epochS} s epoch`);
  }

  get montage(): Montage | undefined {
    return this.layout?.montage;
  }

  /** Takes one EEG block; returns what happened (layout, refused blocks, judged epochs). */
  push(block: SampleBlock): EegEvent[] {
    const key = `${block.sampleRateHz}|${block.channels.join(',')}`;
    if (key === this.refusedKey) return [];
    const events: EegEvent[] = [];
    let layout = this.layout;
    if (!layout || layout.key !== key) {
      const made = this.makeLayout(block, key);
      if ('code' in made) {
        this.refusedKey = key;
        this.layout = undefined;
        return [{ kind: 'rejected', ...made }];
      }
      this.refusedKey = undefined;
      layout = this.layout = made;
      const m = layout.montage;
      events.push({
        kind: 'layout',
        channels: m.names,
        excluded: m.excluded.map((e) => `${e.label} (${e.reason})`),
        reference: layout.preprocessor.reference.reference,
        reason: layout.preprocessor.reference.reason,
      });
    }
    const n = block.values[0]?.length ?? 0;
    if (n === 0) return events;
    const gap = block.firstSampleIndex - layout.nextIndex;
    try {
      if (gap !== 0) {
        const maxGap = Math.round(this.settings.maxGapS * layout.sampleRateHz);
        if (gap > 0 && gap <= maxGap) {
          // Lost samples: NaN through the filters (held, flagged), so the epochs over them are refused.
          this.run(layout, block.channels.map(() => new Float32Array(gap).fill(NaN)), events);
        } else {
          layout = this.layout = this.restartAt(layout, block);
          events.push({ kind: 'restart', gapSamples: gap });
        }
      }
      this.run(layout, block.values, events);
    } catch (err) {
      events.push({ kind: 'rejected', code: 'eeg-error', message: (err as Error).message });
    }
    return events;
  }

  /**
   * The `<device>/eeg/bands` payload of the oldest epochs not yet committed, or undefined when none.
   * Epochs of an earlier channel layout come first, in a batch of their own: call until undefined.
   */
  batch(): Omit<EegBands, 'seq' | 't'> | undefined {
    const group = this.pending[0];
    if (!group) return undefined;
    return makePayload(group.epochs, group.layout, this.settings);
  }

  /** The epochs of the last `batch()` went out. */
  commit(): void {
    this.pending.shift();
  }

  /** Epochs judged and not yet committed. */
  get pendingEpochs(): number {
    return this.pending.reduce((n, g) => n + g.epochs.length, 0);
  }

  private makeLayout(block: SampleBlock, key: string): Layout | { code: 'eeg-montage' | 'eeg-rate'; message: string } {
    const s = this.settings;
    const montage = new Montage(block.channels);
    if (montage.channels.length === 0) {
      return { code: 'eeg-montage', message: `no channel has a 10-20 / 10-10 name (${block.channels.join(', ')}): label the electrodes in the device config` };
    }
    const fs = block.sampleRateHz;
    let preprocessor: EegPreprocessor;
    try {
      preprocessor = new EegPreprocessor(montage, s.reference, {
        sampleRateHz: fs,
        notchHz: s.notchHz,
        notchQ: s.notchQ,
        bandLowHz: s.bandpassLowHz,
        bandHighHz: s.bandpassHighHz,
        bandpassOrder: s.bandpassOrder,
      });
    } catch (err) {
      return { code: 'eeg-rate', message: (err as Error).message };
    }
    const length = Math.round(s.epochS * fs);
    const hop = Math.max(1, Math.round(length * (1 - s.overlap)));
    const segment = Math.round(s.welchSegmentS * fs);
    const welch = new Welch({ sampleRateHz: fs, segmentSamples: segment, overlapSamples: Math.round(segment * s.welchOverlap), maxHz: TOTAL_BAND.highHz });
    return {
      key,
      sampleRateHz: fs,
      montage,
      preprocessor,
      epocher: new Epocher(montage.channels.length, length, hop, Math.round(s.warmupS * fs)),
      welch,
      originIndex: block.firstSampleIndex,
      originT0Us: block.t0Us,
      originGatewayMs: block.gatewayT0Ms,
      nextIndex: block.firstSampleIndex,
    };
  }

  private restartAt(layout: Layout, block: SampleBlock): Layout {
    const made = this.makeLayout(block, layout.key);
    // The same layout was accepted before, so it is accepted again.
    return 'code' in made ? layout : made;
  }

  private run(layout: Layout, values: readonly Float32Array[], events: EegEvent[]): void {
    const n = values[0]?.length ?? 0;
    const { values: conditioned, raw, missing } = layout.preprocessor.process(values);
    layout.nextIndex += n;
    const names = layout.montage.names;
    const fs = layout.sampleRateHz;
    for (const w of layout.epocher.push(conditioned, raw, missing)) {
      const psd = new Float64Array(layout.welch.binCount);
      const bands: ChannelBands[] = [];
      const highRatio: number[] = [];
      for (const x of w.values) {
        layout.welch.psd(x, psd);
        const b = bandsOf(layout.welch, psd);
        bands.push(b);
        highRatio.push(b.totalUv2 > 0 ? layout.welch.bandPower(psd, 20, 45) / b.totalUv2 : 0);
      }
      const verdict = assessEpoch({ values: w.values, raw: w.raw, names, sampleRateHz: fs, missingSamples: w.missingSamples, highFrequencyRatio: highRatio }, this.settings.artefacts);
      const offsetS = w.startSample / fs;
      const epoch: EegEpoch = {
        t0Us: layout.originT0Us + offsetS * 1e6,
        ...(layout.originGatewayMs !== undefined && { gatewayT0Ms: layout.originGatewayMs + offsetS * 1000 }),
        firstSampleIndex: layout.originIndex + w.startSample,
        clean: verdict.reasons.length === 0,
        reasons: verdict.reasons,
        reasonChannels: verdict.channels,
        bands,
      };
      let group = this.pending.at(-1);
      if (!group || group.layout.key !== layout.key) this.pending.push((group = { layout, epochs: [] }));
      group.epochs.push(epoch);
      // Bounded: the oldest epochs go first.
      while (this.pendingEpochs > MAX_PENDING_EPOCHS) {
        this.pending[0].epochs.shift();
        if (this.pending[0].epochs.length === 0) this.pending.shift();
      }
      events.push({ kind: 'epoch', epoch });
    }
  }
}

function significant(x: number, digits = 5): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(digits));
}

function makePayload(epochs: EegEpoch[], layout: Layout, s: EegSettings): Omit<EegBands, 'seq' | 't'> {
  const m = layout.montage;
  const clean = epochs.filter((e) => e.clean);
  const rejectedBy = Object.fromEntries(ARTEFACT_REASONS.map((r) => [r, 0])) as Record<EegArtefactReason, number>;
  const rejectedChannels: Partial<Record<EegArtefactReason, Record<string, number>>> = {};
  for (const e of epochs) {
    for (const r of e.reasons) {
      rejectedBy[r]++;
      for (const name of e.reasonChannels[r] ?? []) {
        const counts = (rejectedChannels[r] ??= {});
        counts[name] = (counts[name] ?? 0) + 1;
      }
    }
  }
  let powerUv2: Record<EegBandName, number[]> | null = null;
  let relative: Record<EegBandName, number[]> | null = null;
  const faa: Record<string, number | null> = {};
  if (clean.length > 0) {
    const mean = (f: (b: ChannelBands) => number) => m.channels.map((_, c) => clean.reduce((acc, e) => acc + f(e.bands[c]), 0) / clean.length);
    const total = mean((b) => b.totalUv2);
    const abs = {} as Record<EegBandName, number[]>;
    const rel = {} as Record<EegBandName, number[]>;
    for (const band of BAND_NAMES) {
      abs[band] = mean((b) => b.absoluteUv2[band]);
      rel[band] = abs[band].map((p, c) => (total[c] > 0 ? Math.round((p / total[c]) * 1e4) / 1e4 : 0));
    }
    for (const [right, left] of FAA_PAIRS) {
      const r = m.indexOf(right);
      const l = m.indexOf(left);
      if (r < 0 || l < 0) continue;
      const a = abs.alpha[r];
      const b = abs.alpha[l];
      faa[`${right}-${left}`] = a > 0 && b > 0 ? Math.round((Math.log(a) - Math.log(b)) * 1e4) / 1e4 : null;
    }
    powerUv2 = Object.fromEntries(BAND_NAMES.map((band) => [band, abs[band].map((p) => significant(p))])) as Record<EegBandName, number[]>;
    relative = rel;
  } else {
    for (const [right, left] of FAA_PAIRS) if (m.has(right) && m.has(left)) faa[`${right}-${left}`] = null;
  }
  const cleanFraction = clean.length / epochs.length;
  const first = epochs[0];
  const last = epochs[epochs.length - 1];
  return {
    sampleRateHz: layout.sampleRateHz,
    windowS: s.epochS,
    epochS: s.epochS,
    overlap: s.overlap,
    channels: m.names,
    powerUv2,
    relative,
    faa,
    epochs: { total: epochs.length, clean: clean.length, rejected: epochs.length - clean.length },
    rejectedBy,
    rejectedChannels,
    quality: { cleanFraction: Math.round(cleanFraction * 1000) / 1000, label: cleanFraction >= 0.8 ? 'good' : cleanFraction >= 0.5 ? 'fair' : 'poor' },
    t0Us: Math.round(first.t0Us),
    t1Us: Math.round(last.t0Us + s.epochS * 1e6),
    ...(first.gatewayT0Ms !== undefined && { gatewayT0Ms: Math.round(first.gatewayT0Ms * 10) / 10 }),
    montage: {
      labels: m.channels.map((c) => c.label),
      excluded: m.excluded.map((e) => ({ label: e.label, reason: e.reason })),
      reference: layout.preprocessor.reference.reference,
    },
    processing: {
      notchHz: s.notchHz,
      bandpassHz: [s.bandpassLowHz, s.bandpassHighHz],
      welch: { segmentS: s.welchSegmentS, overlap: s.welchOverlap, window: 'hann', binHz: layout.welch.binHz },
      bandsHz: Object.fromEntries(EEG_BANDS.map((b) => [b.name, [b.lowHz, b.highHz]])) as Record<EegBandName, [number, number]>,
    },
  };
}
