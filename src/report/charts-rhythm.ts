// Vega-Lite specs of the rhythm and quality charts: RR tachogram with rejected intervals marked,
// heart rate over time, and signal quality per window. Pure: analysis in, spec out.
import type { TopLevelSpec } from 'vega-lite';
import type { EcgAnalysis } from './analyze.js';
import { defaultQualityOptions } from '../streaming/ecg/quality.js';
import { COLORS, PLOT_WIDTH_PX, chartConfig, round6, timeAxis } from './charts-common.js';

const RR_STATUS = {
  accepted: 'accepted (NN)',
  'too-short': 'rejected: < 300 ms',
  'too-long': 'rejected: > 2000 ms',
  ectopic: 'rejected: ectopic (> 20% from median)',
} as const;

function excerptSpan(a: EcgAnalysis): [number, number] {
  const fs = a.excerpt.sampleRateHz;
  const t0 = a.excerpt.startSample / fs;
  return [t0, t0 + a.excerpt.microvolts.length / fs];
}

export function tachogramChart(a: EcgAnalysis): TopLevelSpec {
  const fs = a.excerpt.sampleRateHz;
  const [t0, t1] = excerptSpan(a);
  const rows = a.rr.map((r) => ({ t: round6(t0 + r.endSampleIndex / fs), rr: round6(r.rrMs), status: RR_STATUS[r.rejected ?? 'accepted'] }));
  const accepted = rows.filter((r) => r.status === RR_STATUS.accepted);
  const domain = Object.values(RR_STATUS);
  const c = a.rrCounts;
  const x = timeAxis('t', t0, t1);
  return {
    config: chartConfig,
    width: PLOT_WIDTH_PX,
    height: 220,
    title: {
      text: '4. RR tachogram',
      subtitle: [
        `${a.rr.length} intervals: ${c.accepted} accepted, ${c.tooShort} too short, ${c.tooLong} too long, ${c.ectopic} ectopic`,
        'ectopic: more than 20% away from the running median of the last 9 plausible intervals (Malik)',
      ],
    },
    layer: [
      {
        data: { values: accepted },
        mark: { type: 'line', strokeWidth: 0.6, color: '#999' },
        encoding: { x, y: { field: 'rr', type: 'quantitative', title: 'RR (ms)', scale: { zero: false } } },
      },
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, size: 18 },
        encoding: {
          x,
          y: { field: 'rr', type: 'quantitative' },
          color: { field: 'status', type: 'nominal', title: null, scale: { domain, range: [COLORS.accepted, COLORS.tooShort, COLORS.tooLong, COLORS.ectopic] } },
          shape: { field: 'status', type: 'nominal', title: null, scale: { domain, range: ['circle', 'triangle-down', 'triangle-up', 'diamond'] } },
        },
      },
    ],
  };
}

export function heartRateChart(a: EcgAnalysis): TopLevelSpec {
  const [t0, t1] = excerptSpan(a);
  const instant = a.heartRate.filter((p) => p.instantBpm !== null).map((p) => ({ t: round6(t0 + p.tSeconds), bpm: round6(p.instantBpm ?? 0), series: 'instantaneous (60000 / NN)' }));
  const smoothed = a.heartRate.filter((p) => p.smoothedBpm !== null).map((p) => ({ t: round6(t0 + p.tSeconds), bpm: round6(p.smoothedBpm ?? 0), series: 'median of last 8 NN' }));
  const domain = ['instantaneous (60000 / NN)', 'median of last 8 NN'];
  const color = { field: 'series', type: 'nominal' as const, title: null, scale: { domain, range: ['#6baed6', '#08306b'] } };
  const x = timeAxis('t', t0, t1);
  const y = { field: 'bpm', type: 'quantitative' as const, title: 'heart rate (bpm)', scale: { zero: false } };
  const mean = a.hrv.meanHrBpm === null ? 'no accepted intervals' : `mean ${a.hrv.meanHrBpm.toFixed(1)} bpm`;
  return {
    config: chartConfig,
    width: PLOT_WIDTH_PX,
    height: 200,
    title: { text: '5. Heart rate over time', subtitle: [`from accepted RR intervals only; ${mean}`] },
    layer: [
      { data: { values: instant }, mark: { type: 'point', filled: true, size: 12 }, encoding: { x, y, color } },
      { data: { values: smoothed }, mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color } },
    ],
  };
}

export function qualityChart(a: EcgAnalysis): TopLevelSpec {
  const fs = a.excerpt.sampleRateHz;
  const [t0, t1] = excerptSpan(a);
  const rows = a.quality.windows.map((w) => ({
    start: round6(t0 + w.startSample / fs),
    end: round6(t0 + w.endSample / fs),
    sqi: round6(w.sqi),
    level: w.quality,
  }));
  const count = (level: string) => rows.filter((r) => r.level === level).length;
  const domain = ['good', 'poor', 'unusable'];
  const thresholds = [
    { sqi: defaultQualityOptions.goodSqi, label: `good >= ${defaultQualityOptions.goodSqi}` },
    { sqi: defaultQualityOptions.poorSqi, label: `poor >= ${defaultQualityOptions.poorSqi}` },
  ];
  const x = timeAxis('start', t0, t1);
  return {
    config: chartConfig,
    width: PLOT_WIDTH_PX,
    height: 160,
    title: {
      text: `7. Signal quality per ${a.quality.windowSeconds} s window`,
      subtitle: [
        `${count('good')} good, ${count('poor')} poor, ${count('unusable')} unusable; dashed lines: level thresholds; pale band: the window's level`,
        'SQI = 0.7 template correlation + 0.3 kurtosis score, scaled down by missing and clipped samples; zero on flat line',
      ],
    },
    layer: [
      {
        // a pale full-height band per window, so a window of SQI 0 (flat line, lead off) still shows
        data: { values: rows },
        mark: { type: 'rect', opacity: 0.18 },
        encoding: {
          x,
          x2: { field: 'end' },
          y: { datum: 1, type: 'quantitative', scale: { domain: [0, 1] } },
          y2: { datum: 0 },
          color: { field: 'level', type: 'nominal', legend: { symbolOpacity: 1 }, title: null, scale: { domain, range: [COLORS.good, COLORS.poor, COLORS.unusable] } },
        },
      },
      {
        data: { values: rows },
        mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x,
          x2: { field: 'end' },
          y: { field: 'sqi', type: 'quantitative', title: 'SQI (0-1)', scale: { domain: [0, 1] } },
          y2: { datum: 0 },
          color: { field: 'level', type: 'nominal', title: null, scale: { domain, range: [COLORS.good, COLORS.poor, COLORS.unusable] } },
        },
      },
      {
        data: { values: thresholds },
        mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
        encoding: { y: { field: 'sqi', type: 'quantitative' } },
      },
    ],
  };
}
