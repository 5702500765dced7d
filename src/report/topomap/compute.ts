// From a parsed EDF to what the topomap command shows: the channels with standard 10-20 / 10-10
// names (others are listed as ignored), band powers over the excerpt, normalised values and one map
// per band (NaN outside the head), plus a JSON summary. Pure (no I/O).
import type { EdfFile } from '../../streaming/formats/edf.js';
import { montageMapper, normaliseBandPowers, type BandNormalisation } from '../../streaming/eeg/topomap/topomap.js';
import type { TopomapFigure } from './chart.js';
import { TOPOMAP_BANDS, WELCH_SEGMENT_S, standardNameFromLabel, welchBandPowers, type FrequencyBand } from './band-power.js';

export interface ComputeTopomapOptions {
  file: string;
  /** Band names (default all of TOPOMAP_BANDS). */
  bands?: string[];
  seconds?: { fromS: number; toS: number };
  normalisation: string;
  gridPx: number;
}

export interface TopomapSummary {
  file: string;
  fromS: number;
  toS: number;
  sampleRateHz: number;
  electrodes: string[];
  /** Channel labels without a standard scalp position, not mapped. */
  ignoredChannels: string[];
  normalisation: BandNormalisation;
  valueUnit: string;
  welch: string;
  coverage: { electrodesInside: number; hullFraction: number; maxGapDeg: number };
  grid: { widthPx: number; heightPx: number; headRadius: number; outside: 'null' };
  bands: { name: string; lowHz: number; highHz: number; powerUv2: number[]; values: number[]; map: (number | null)[] }[];
}

const NORMALISATIONS: Record<string, { title: string; unit: string }> = {
  log10: { title: 'log10 power (uV^2)', unit: 'log10(uV^2)' },
  relative: { title: 'relative power (fraction of mapped bands)', unit: '1' },
  none: { title: 'power (uV^2)', unit: 'uV^2' },
};

export function computeTopomaps(file: EdfFile, options: ComputeTopomapOptions): { figure: TopomapFigure; summary: TopomapSummary } {
  const norm = NORMALISATIONS[options.normalisation];
  if (!norm) throw new Error(`--normalisation '${options.normalisation}': expected ${Object.keys(NORMALISATIONS).join(', ')}`);
  const normalisation = options.normalisation as BandNormalisation;
  if (!Number.isInteger(options.gridPx) || options.gridPx < 8 || options.gridPx > 256) throw new Error(`--grid-px ${options.gridPx}: an integer 8-256`);
  const bands: FrequencyBand[] = (options.bands ?? TOPOMAP_BANDS.map((b) => b.name)).map((name) => {
    const band = TOPOMAP_BANDS.find((b) => b.name === name.toLowerCase());
    if (!band) throw new Error(`unknown band '${name}' (known: ${TOPOMAP_BANDS.map((b) => `${b.name} ${b.lowHz}-${b.highHz} Hz`).join(', ')})`);
    return band;
  });
  const chosen: { name: string; signal: EdfFile['signals'][number] }[] = [];
  const ignoredChannels: string[] = [];
  for (const signal of file.signals) {
    const name = standardNameFromLabel(signal.header.label);
    if (name === undefined || chosen.some((c) => c.name === name)) ignoredChannels.push(signal.header.label);
    else chosen.push({ name, signal });
  }
  if (chosen.length === 0) throw new Error(`${options.file}: no channel has a 10-20 / 10-10 name (labels: ${file.signals.map((s) => s.header.label).join(', ')})`);
  const rates = new Set(chosen.map((c) => c.signal.sampleRateHz));
  if (rates.size > 1) throw new Error(`${options.file}: EEG channels at different sampling rates (${[...rates].join(', ')} Hz)`);
  const sampleRateHz = chosen[0]!.signal.sampleRateHz;
  const lengthS = Math.min(...chosen.map((c) => c.signal.physical.length)) / sampleRateHz;
  const fromS = options.seconds?.fromS ?? 0;
  const toS = options.seconds?.toS ?? lengthS;
  if (toS > lengthS + 1e-9) throw new Error(`${options.file}: --seconds ${fromS}-${toS} goes past the end of the recording (${lengthS.toFixed(1)} s)`);
  if (toS - fromS < WELCH_SEGMENT_S) throw new Error(`${options.file}: the excerpt must be at least ${WELCH_SEGMENT_S} s`);
  const units = new Set(chosen.map((c) => c.signal.header.physicalDimension.trim()));
  const toMicrovolts = (unit: string) => ({ uV: 1, µV: 1, mV: 1000, V: 1e6 })[unit];
  const bad = [...units].filter((u) => toMicrovolts(u) === undefined);
  if (bad.length) throw new Error(`${options.file}: physical unit ${bad.join(', ')} is not a voltage (uV, mV, V)`);

  const from = Math.round(fromS * sampleRateHz);
  const to = Math.round(toS * sampleRateHz);
  const perChannel = chosen.map((c) => {
    const scale = toMicrovolts(c.signal.header.physicalDimension.trim())!;
    const x = c.signal.physical.subarray(from, to);
    return welchBandPowers(scale === 1 ? x : Float64Array.from(x, (v) => v * scale), sampleRateHz, bands);
  });
  const names = chosen.map((c) => c.name);
  const powers = bands.map((_, b) => perChannel.map((p) => p[b]!));
  const values = normaliseBandPowers(powers, normalisation);
  const mapper = montageMapper(names, { widthPx: options.gridPx, heightPx: options.gridPx, outsideValue: Number.NaN });
  const maps = values.map((v) => mapper.map(v));
  const r4 = (v: number) => Number(v.toPrecision(6));
  const summary: TopomapSummary = {
    file: options.file,
    fromS,
    toS: r4(toS),
    sampleRateHz,
    electrodes: names,
    ignoredChannels,
    normalisation,
    valueUnit: norm.unit,
    welch: `${WELCH_SEGMENT_S} s Hann segments, 50 % overlap, mean removed, density scaling; band = sum PSD*df over [low, high)`,
    coverage: { electrodesInside: mapper.coverage.electrodesInside, hullFraction: r4(mapper.coverage.hullFraction), maxGapDeg: r4(mapper.coverage.maxGapDeg) },
    grid: { widthPx: mapper.grid.widthPx, heightPx: mapper.grid.heightPx, headRadius: mapper.grid.headRadius, outside: 'null' },
    bands: bands.map((b, i) => ({
      name: b.name,
      lowHz: b.lowHz,
      highHz: b.highHz,
      powerUv2: powers[i]!.map(r4),
      values: Array.from(values[i]!, r4),
      map: Array.from(maps[i]!, (v) => (Number.isFinite(v) ? r4(v) : null)),
    })),
  };
  const figure: TopomapFigure = {
    title: `${options.file}: band power maps`,
    subtitle: [
      `${fromS}-${r4(toS)} s, ${names.length} electrodes, the file's own reference`,
      `Welch ${WELCH_SEGMENT_S} s Hann 50 %; spherical splines m=4, 50 terms, lambda 1e-5`,
    ],
    valueTitle: norm.title,
    widthPx: mapper.grid.widthPx,
    heightPx: mapper.grid.heightPx,
    headRadius: mapper.grid.headRadius,
    electrodes: names.map((name, i) => ({ name, at: mapper.electrodesPlane[i]! })),
    panels: bands.map((b, i) => ({ band: b.name, subtitle: `${b.lowHz}-${b.highHz} Hz`, map: maps[i]! })),
  };
  return { figure, summary };
}
