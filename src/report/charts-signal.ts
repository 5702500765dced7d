// Vega-Lite specs of the signal charts: overview with R peaks, a zoomed strip, rolling mean/SD
// and the gap timeline. Pure: analysis in, spec out.
import type { TopLevelSpec } from 'vega-lite';
import type { EcgAnalysis } from './analyze.js';
import type { RhythmEpisode } from './load-input.js';
import { joinClose } from './gaps.js';
import { COLORS, PLOT_WIDTH_PX, chartConfig, decimationNote, round6, signalRows, timeAxis } from './charts-common.js';

const MV_PER_UV = 0.001;

interface MarkRow {
  t: number;
  v: number;
  series: string;
  symbol?: string;
}

const DETECTED = 'detected R peak';
const REFERENCE = 'reference beat (annotation)';
const MISSED = 'missed reference beat (FN)';
const FALSE = 'false detection (FP)';

function peakRows(a: EcgAnalysis, from: number, to: number): MarkRow[] {
  const { microvolts, sampleRateHz: fs, startSample } = a.excerpt;
  const rows: MarkRow[] = [];
  for (const b of a.beats) {
    if (b < from || b >= to) continue;
    const v = microvolts[b];
    // a peak reported on a missing sample is still drawn, on the zero line
    rows.push({ t: round6((startSample + b) / fs), v: v === v ? round6(v * MV_PER_UV) : 0, series: DETECTED });
  }
  return rows;
}

/** EC57 disagreements: missed references on the reference row, false detections on the trace. */
function disagreementRows(a: EcgAnalysis, from: number, to: number, yMv: number): MarkRow[] {
  const { microvolts, sampleRateHz: fs, startSample } = a.excerpt;
  const t = (b: number) => round6((startSample + b) / fs);
  const rows: MarkRow[] = [];
  for (const b of a.missedReferences ?? []) if (b >= from && b < to) rows.push({ t: t(b), v: yMv, series: MISSED });
  for (const b of a.falseDetections ?? []) {
    const v = microvolts[b];
    if (b >= from && b < to) rows.push({ t: t(b), v: v === v ? round6(v * MV_PER_UV) : 0, series: FALSE });
  }
  return rows;
}

function referenceRows(a: EcgAnalysis, from: number, to: number, yMv: number): MarkRow[] {
  const { referenceBeats, referenceSymbols, sampleRateHz: fs, startSample } = a.excerpt;
  if (!referenceBeats) return [];
  const rows: MarkRow[] = [];
  referenceBeats.forEach((b, k) => {
    if (b >= from && b < to) rows.push({ t: round6((startSample + b) / fs), v: yMv, series: REFERENCE, symbol: referenceSymbols?.[k] ?? '' });
  });
  return rows;
}

/** Top of the finite values of `x[from..to)`, in mV, with headroom for the reference marks. */
function referenceLevelMv(x: Float32Array, from: number, to: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = from; i < to; i++) {
    const v = x[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi >= lo)) return 1;
  return round6((hi + 0.12 * Math.max(hi - lo, 1)) * MV_PER_UV);
}

type LayeredSpec = Extract<TopLevelSpec, { layer: unknown }>;

function signalWithPeaks(a: EcgAnalysis, from: number, to: number, title: string, extraSubtitle: string[], showSymbols: boolean, columns = PLOT_WIDTH_PX): LayeredSpec {
  const { microvolts, sampleRateHz: fs, startSample } = a.excerpt;
  const t0 = (startSample + from) / fs;
  const t1 = (startSample + to) / fs;
  const sig = signalRows(microvolts, from, to, t0 - from / fs, fs, MV_PER_UV, columns);
  const peaks = peakRows(a, from, to);
  const refLevel = referenceLevelMv(microvolts, from, to);
  const refs = referenceRows(a, from, to, refLevel);
  const wrong = disagreementRows(a, from, to, refLevel);
  const hasRefs = a.excerpt.referenceBeats !== undefined;
  const x = timeAxis('t', t0, t1);
  const seriesDomain = hasRefs ? [DETECTED, REFERENCE, MISSED, FALSE] : [DETECTED];
  const seriesColor = { field: 'series', type: 'nominal' as const, title: null, scale: { domain: seriesDomain, range: [COLORS.detected, COLORS.reference, COLORS.missed, COLORS.falseDetection] } };
  const seriesShape = { field: 'series', type: 'nominal' as const, title: null, scale: { domain: seriesDomain, range: ['circle', 'triangle-down', 'circle', 'cross'] } };
  return {
    config: chartConfig,
    width: PLOT_WIDTH_PX,
    height: 240,
    title: { text: title, subtitle: [`${a.excerpt.channelLabel}; ${decimationNote(sig.decimated, sig.samples, columns)}`, ...extraSubtitle] },
    layer: [
      {
        data: { values: sig.rows },
        mark: { type: 'line', strokeWidth: 0.7, color: COLORS.signal, invalid: 'break-paths-filter-domains' },
        encoding: { x, y: { field: 'v', type: 'quantitative', title: 'ECG (mV)' } },
      },
      {
        data: { values: [...peaks, ...refs] },
        mark: { type: 'point', filled: true, size: showSymbols ? 40 : 14, opacity: 0.9 },
        encoding: { x, y: { field: 'v', type: 'quantitative' }, color: seriesColor, shape: seriesShape },
      },
      {
        // drawn large and open on top, so a few disagreements stand out among thousands of beats
        data: { values: wrong },
        mark: { type: 'point', filled: false, strokeWidth: 2, size: 110 },
        encoding: { x, y: { field: 'v', type: 'quantitative' }, color: seriesColor, shape: seriesShape },
      },
      ...(showSymbols && hasRefs
        ? [
            {
              data: { values: refs },
              mark: { type: 'text' as const, dy: -12, fontSize: 11, color: COLORS.reference },
              encoding: { x, y: { field: 'v', type: 'quantitative' as const }, text: { field: 'symbol', type: 'nominal' as const } },
            },
          ]
        : []),
    ],
  };
}

export function overviewChart(a: EcgAnalysis): TopLevelSpec {
  const n = a.excerpt.microvolts.length;
  const refs = a.excerpt.referenceBeats
    ? `; ${a.excerpt.referenceBeats.length} reference beats, ${a.missedReferences?.length ?? 0} missed (FN), ${a.falseDetections?.length ?? 0} false detections (FP) circled`
    : '';
  const signal = signalWithPeaks(a, 0, n, '1. Signal overview with R peaks', [`${a.beats.length} R peaks detected by ${a.detector.name}${refs}`], false);
  const rhythm = a.excerpt.rhythm ?? [];
  if (rhythm.length === 0) return signal;
  const { config, title, ...body } = signal;
  return {
    config,
    title,
    spacing: 6,
    resolve: { scale: { color: 'independent', shape: 'independent' }, legend: { color: 'independent', shape: 'independent' } },
    vconcat: [body, rhythmBand(a, rhythm)],
  };
}

/** Rhythm episodes from the annotations ('+' with e.g. '(AFIB'), as a band under the trace. */
function rhythmBand(a: EcgAnalysis, rhythm: readonly RhythmEpisode[]) {
  const { sampleRateHz: fs, startSample } = a.excerpt;
  const n = a.excerpt.microvolts.length;
  const t0 = startSample / fs;
  const pxPerSecond = PLOT_WIDTH_PX / (n / fs);
  const rows = rhythm.map((r) => ({
    start: round6(t0 + r.startSample / fs),
    end: round6(t0 + r.endSample / fs),
    mid: round6(t0 + (r.startSample + r.endSample) / 2 / fs),
    label: r.label,
    // a label is only written where it fits
    text: ((r.endSample - r.startSample) / fs) * pxPerSecond >= 7 * r.label.length + 6 ? r.label : '',
  }));
  const x = { ...timeAxis('start', t0, t0 + n / fs), axis: null };
  return {
    width: PLOT_WIDTH_PX,
    height: 16,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'rect' as const, stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x,
          x2: { field: 'end' },
          // the name of the band as an upright axis title (labels would go through the numeric format)
          y: {
            datum: 'rhythm',
            type: 'nominal' as const,
            axis: { labels: false, ticks: false, domain: false, title: 'rhythm', titleAngle: 0, titleAlign: 'right' as const, titleBaseline: 'middle' as const, titleX: -4, titleY: 8 },
          },
          color: { field: 'label', type: 'nominal' as const, title: 'rhythm (annotations)', scale: { scheme: 'pastel1' }, legend: { orient: 'bottom' as const, direction: 'horizontal' as const } },
        },
      },
      {
        data: { values: rows },
        mark: { type: 'text' as const, fontSize: 10, color: '#333' },
        encoding: {
          x: { field: 'mid', type: 'quantitative' as const, axis: null },
          y: { datum: 'rhythm', type: 'nominal' as const },
          text: { field: 'text', type: 'nominal' as const },
        },
      },
    ],
  };
}

/** The zoomed strip: `seconds` from `startSecondsInExcerpt`, clipped to the excerpt. */
export function stripChart(a: EcgAnalysis, startSecondsInExcerpt = 0, seconds = 10): TopLevelSpec {
  const fs = a.excerpt.sampleRateHz;
  const n = a.excerpt.microvolts.length;
  const from = Math.max(0, Math.min(n - 1, Math.round(startSecondsInExcerpt * fs)));
  const to = Math.min(n, from + Math.round(seconds * fs));
  const t0 = (a.excerpt.startSample + from) / fs;
  const label = `${t0.toFixed(1)}-${(t0 + (to - from) / fs).toFixed(1)} s`;
  const symbols = a.excerpt.referenceBeats ? ['reference beat labels (MIT-BIH codes) above the trace'] : [];
  // a strip is short: draw every sample up to ~10 s at 500 Hz
  return signalWithPeaks(a, from, to, `2. ${((to - from) / fs).toFixed(0)} s strip, ${label}`, symbols, true, 2600);
}

export function rollingChart(a: EcgAnalysis): TopLevelSpec {
  const { sampleRateHz: fs, startSample } = a.excerpt;
  const n = a.excerpt.microvolts.length;
  const t0 = startSample / fs;
  const mean = signalRows(a.rolling.mean, 0, n, t0, fs, MV_PER_UV);
  const sd = signalRows(a.rolling.sd, 0, n, t0, fs, MV_PER_UV);
  const x = timeAxis('t', t0, t0 + n / fs);
  const panel = (rows: typeof mean.rows, title: string, color: string) => ({
    width: PLOT_WIDTH_PX,
    height: 130,
    data: { values: rows },
    mark: { type: 'line' as const, strokeWidth: 0.8, color, invalid: 'break-paths-filter-domains' as const },
    encoding: { x, y: { field: 'v', type: 'quantitative' as const, title, scale: { zero: false } } },
  });
  return {
    config: chartConfig,
    title: {
      text: `3. Rolling mean and standard deviation (${a.rolling.windowSeconds} s centred window)`,
      subtitle: ['the mean follows baseline wander; the SD rises with noise and artefacts', decimationNote(mean.decimated, mean.samples)],
    },
    vconcat: [panel(mean.rows, 'rolling mean (mV)', '#1f77b4'), panel(sd.rows, 'rolling SD (mV)', '#ff7f0e')],
  };
}

const ROW_MISSING = 'missing samples (NaN)';
const ROW_FLAT = 'flat line';
const ROW_LONG_RR = 'RR > 2 s (beats missed or no signal)';

export function gapChart(a: EcgAnalysis, flatSeconds: number): TopLevelSpec {
  const { sampleRateHz: fs, startSample } = a.excerpt;
  const n = a.excerpt.microvolts.length;
  const t0 = startSample / fs;
  const t1 = t0 + n / fs;
  // a one-sample gap would be invisible: draw every segment at least one pixel wide
  const minWidthS = (t1 - t0) / PLOT_WIDTH_PX;
  const rows: { row: string; start: number; end: number }[] = [];
  const add = (row: string, startS: number, endS: number) => rows.push({ row, start: round6(startS), end: round6(Math.max(endS, startS + minWidthS)) });
  // thousands of tiny gaps closer than a pixel would only bloat the SVG: join them for drawing
  const pixelSamples = Math.max(1, Math.floor(n / PLOT_WIDTH_PX));
  for (const s of joinClose(a.missing, pixelSamples)) add(ROW_MISSING, t0 + s.startSample / fs, t0 + s.endSample / fs);
  for (const s of joinClose(a.flat, pixelSamples)) add(`${ROW_FLAT} (>= ${flatSeconds} s)`, t0 + s.startSample / fs, t0 + s.endSample / fs);
  for (const r of a.rr) if (r.rejected === 'too-long') add(ROW_LONG_RR, t0 + (r.endSampleIndex - (r.rrMs * fs) / 1000) / fs, t0 + r.endSampleIndex / fs);
  const domain = [ROW_MISSING, `${ROW_FLAT} (>= ${flatSeconds} s)`, ROW_LONG_RR];
  const x = timeAxis('start', t0, t1);
  const none = rows.length === 0 ? [{ t: (t0 + t1) / 2, row: domain[1], text: 'no missing samples, flat lines or RR gaps found' }] : [];
  return {
    config: chartConfig,
    width: PLOT_WIDTH_PX,
    height: 90,
    title: {
      text: '6. Gaps, missing values and flat segments',
      subtitle: [
        `missing ${(100 * a.missingFraction).toFixed(2)}%, flat ${(100 * a.flatFraction).toFixed(2)}% of samples`,
        `segments closer than a pixel (${minWidthS.toFixed(2)} s) are joined, shorter ones drawn one pixel wide`,
      ],
    },
    layer: [
      {
        data: { values: rows },
        mark: { type: 'bar', height: 16 },
        encoding: {
          x,
          x2: { field: 'end' },
          // rows are named by the legend: long axis labels would push this plot out of line
          y: { field: 'row', type: 'nominal', title: null, scale: { domain }, axis: { labels: false, ticks: false } },
          color: { field: 'row', type: 'nominal', title: null, scale: { domain, range: [COLORS.missing, COLORS.flat, COLORS.gap] } },
        },
      },
      {
        data: { values: none },
        mark: { type: 'text', fontSize: 12, color: '#2ca02c' },
        encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'row', type: 'nominal', scale: { domain } }, text: { field: 'text', type: 'nominal' } },
      },
    ],
  };
}
