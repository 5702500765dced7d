// Shared pieces of the report's Vega-Lite charts: sizes, colours, the time axis, and the data
// shapes (plain rows) the chart builders take. Pure; rendering is in ./render-svg.ts.
import type { Config } from 'vega-lite';
import { minMaxDecimate } from './decimate.js';

/** Plot width in pixels; also the number of decimation columns (one per pixel column). */
export const PLOT_WIDTH_PX = 1100;

export const COLORS = {
  signal: '#2b2b2b',
  detected: '#d62728',
  reference: '#1f77b4',
  missed: '#17becf',
  falseDetection: '#ff7f0e',
  accepted: '#2b2b2b',
  tooShort: '#ff7f0e',
  tooLong: '#9467bd',
  ectopic: '#d62728',
  good: '#2ca02c',
  poor: '#ff7f0e',
  unusable: '#d62728',
  missing: '#7f7f7f',
  flat: '#8c564b',
  gap: '#9467bd',
} as const;

export const chartConfig: Config = {
  font: 'Helvetica, Arial, sans-serif',
  title: { anchor: 'start', fontSize: 14, subtitleFontSize: 11, subtitleColor: '#555' },
  axis: { labelFontSize: 10, titleFontSize: 11, gridColor: '#e6e6e6' },
  // the same room for every y axis keeps the plots of all charts aligned on the page
  // '~r' trims trailing zeros (a constant signal would otherwise be labelled 0.000000)
  axisY: { minExtent: 42, maxExtent: 42, format: ',~r' },
  legend: { labelFontSize: 10, titleFontSize: 10, orient: 'top', labelLimit: 400 },
  view: { stroke: '#ccc' },
};

/** A time axis in seconds over [t0, t1], not rounded ("nice") so the excerpt fills the width. */
export function timeAxis(field: string, t0: number, t1: number, title = 'time (s, from record start)') {
  return { field, type: 'quantitative' as const, title, scale: { domain: [t0, t1], nice: false, zero: false } };
}

export interface SignalRow {
  t: number;
  /** null breaks the line (missing samples). */
  v: number | null;
}

/**
 * Plot rows for `x[from..to)` (times from `t0Seconds` at `sampleRateHz`), min/max decimated to
 * `columns` when longer, with values scaled by `scale` (e.g. 0.001 for microvolts to millivolts).
 */
export function signalRows(
  x: Float32Array | Float64Array,
  from: number,
  to: number,
  t0Seconds: number,
  sampleRateHz: number,
  scale = 1,
  columns = PLOT_WIDTH_PX,
): { rows: SignalRow[]; decimated: boolean; samples: number } {
  const d = minMaxDecimate(x.subarray(from, to), columns);
  const rows: SignalRow[] = d.sampleIndices.map((i, k) => {
    const v = d.values[k];
    return { t: round6(t0Seconds + (from + i) / sampleRateHz), v: v === v ? round6(v * scale) : null };
  });
  return { rows, decimated: d.decimated, samples: to - from };
}

/** Keeps the SVG and the data small: 6 significant decimals are far below a pixel. */
export function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

export function decimationNote(decimated: boolean, samples: number, columns = PLOT_WIDTH_PX): string {
  return decimated
    ? `${samples.toLocaleString('en-US')} samples drawn as min/max per pixel column (${columns} columns): peaks kept, fine detail not`
    : `all ${samples.toLocaleString('en-US')} samples shown`;
}
