// The exploratory ECG report: analysis -> chart specs -> SVG -> one HTML page.
import { analyzeEcg, type AnalysisOptions, type EcgAnalysis } from './analyze.js';
import { gapChart, overviewChart, rollingChart, stripChart } from './charts-signal.js';
import { heartRateChart, qualityChart, tachogramChart } from './charts-rhythm.js';
import { renderSvg } from './render-svg.js';
import { reportHtml } from './html.js';
import { summarize } from './summary.js';
import { defaultQualityOptions } from '../streaming/ecg/quality.js';
import type { EcgExcerpt } from './load-input.js';

export interface ReportOptions extends AnalysisOptions {
  /** Start of the zoomed strip, seconds from the excerpt start (default 0). */
  stripStartSeconds?: number;
  stripSeconds?: number;
  /** Shown in the header (e.g. when the report was made); default none, so output is reproducible. */
  generatedNote?: string;
}

export interface EcgReport {
  html: string;
  analysis: EcgAnalysis;
  chartCount: number;
  renderMs: number;
}

function notes(a: EcgAnalysis, flatSeconds: number): string[] {
  return [
    `R peaks: the streaming '${a.detector.name}' detector, fed the excerpt in 1 s chunks as a device would (push, then flush at the end); it reports each peak at most ${a.detector.latencyMs.toFixed(0)} ms after it occurs.`,
    'RR intervals are rejected when shorter than 300 ms or longer than 2000 ms (30-200 bpm), or when more than 20% away from the median of the last 9 plausible intervals (Malik et al. 1989); a premature beat and its compensatory pause are both rejected.',
    'HRV (Task Force of the ESC/NASPE 1996) over the whole excerpt from accepted (NN) intervals only: SDNN is their sample SD; RMSSD and pNN50 use successive differences between two adjacent accepted intervals. Short excerpts give unstable SDNN; compare like durations.',
    `Rolling mean and SD: centred ${a.rolling.windowSeconds} s window over finite samples, computed with running sums (O(n)); shown as min/max per pixel column.`,
    `Missing samples are NaN in the source (WFDB invalid samples, EDF+D time not recorded); flat line = at least ${flatSeconds} s of unchanged values.`,
    `Signal quality per ${a.quality.windowSeconds} s window: template correlation of the detected beats with their median beat and kurtosis (Li & Clifford 2008; Orphanidou et al. 2015), reduced by missing and clipped samples, zero on flat line.`,
    'Reference beats (when the record has annotations) are the beat labels N L R B A a J S V r F e j n E / f Q ?; Se and +P pair detections with them within 150 ms (ANSI/AAMI EC57), VF episodes excluded.',
    'Long signals are drawn min/max decimated (each pixel column keeps its lowest and highest sample) so R peaks and spikes stay visible.',
  ];
}

export async function buildEcgReport(excerpt: EcgExcerpt, options: ReportOptions = {}): Promise<EcgReport> {
  const flatSeconds = options.flatSeconds ?? defaultQualityOptions.flatlineSec;
  const analysis = analyzeEcg(excerpt, { ...options, flatSeconds });
  const specs = [
    overviewChart(analysis),
    stripChart(analysis, options.stripStartSeconds ?? 0, options.stripSeconds ?? 10),
    rollingChart(analysis),
    tachogramChart(analysis),
    heartRateChart(analysis),
    gapChart(analysis, flatSeconds),
    qualityChart(analysis),
  ];
  const started = performance.now();
  const charts: string[] = [];
  for (const spec of specs) charts.push(await renderSvg(spec));
  const renderMs = performance.now() - started;
  const fs = excerpt.sampleRateHz;
  const t0 = excerpt.startSample / fs;
  const subtitle = [
    `${excerpt.path}, channel ${excerpt.channelLabel}, ${t0.toFixed(1)}-${(t0 + excerpt.microvolts.length / fs).toFixed(1)} s`,
    `detector ${analysis.detector.name}`,
    ...(options.generatedNote ? [options.generatedNote] : []),
  ].join(' · ');
  const html = reportHtml({
    title: `ECG report: ${excerpt.name}`,
    subtitle,
    sections: summarize(analysis),
    charts,
    notes: notes(analysis, flatSeconds),
    attribution: excerpt.attribution,
  });
  return { html, analysis, chartCount: charts.length, renderMs };
}
