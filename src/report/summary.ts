// The summary table of the report as labelled rows, grouped by topic. Pure, text only.
import type { EcgAnalysis } from './analyze.js';

export interface SummaryRow {
  label: string;
  value: string;
  /** Machine-readable copy of the main number, for tests and scripts (data-value attribute). */
  key?: string;
  raw?: number | null;
}

export interface SummarySection {
  title: string;
  rows: SummaryRow[];
}

function fixed(v: number | null | undefined, digits: number, unit = ''): string {
  return v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : `${v.toFixed(digits)}${unit}`;
}

function percent(fraction: number | null | undefined, digits = 2): string {
  return fraction === null || fraction === undefined || !Number.isFinite(fraction) ? 'n/a' : `${(100 * fraction).toFixed(digits)}%`;
}

export function summarize(a: EcgAnalysis): SummarySection[] {
  const e = a.excerpt;
  const fs = e.sampleRateHz;
  const durationS = e.microvolts.length / fs;
  const t0 = e.startSample / fs;
  const c = a.rrCounts;
  const rejected = c.tooShort + c.tooLong + c.ectopic;
  const sections: SummarySection[] = [
    {
      title: 'Recording',
      rows: [
        { label: 'record', value: `${e.name} (${e.format})` },
        { label: 'channel', value: `${e.channelIndex}: ${e.channelLabel} (source units ${e.sourceUnits || 'none'}, analysed in µV)` },
        { label: 'sampling rate', value: `${fixed(fs, fs % 1 === 0 ? 0 : 3)} Hz`, key: 'sample-rate-hz', raw: fs },
        { label: 'excerpt', value: `${t0.toFixed(1)}-${(t0 + durationS).toFixed(1)} s of ${(e.recordSamples / fs).toFixed(1)} s` },
        { label: 'duration', value: `${durationS.toFixed(1)} s (${e.microvolts.length.toLocaleString('en-US')} samples)`, key: 'duration-s', raw: durationS },
      ],
    },
    {
      title: 'R-peak detection',
      rows: [
        { label: 'detector', value: a.detector.name, key: 'detector' },
        {
          label: 'detector latency',
          value: `${a.detector.latencySamples} samples = ${a.detector.latencyMs.toFixed(0)} ms (upper bound from R peak to report)`,
          key: 'latency-ms',
          raw: a.detector.latencyMs,
        },
        {
          label: 'processing time',
          value: `${a.detector.processingMs.toFixed(0)} ms in ${a.detector.chunkSamples}-sample (1 s) chunks, ${(durationS / Math.max(a.detector.processingMs / 1000, 1e-6)).toFixed(0)}x real time`,
        },
        { label: 'beats detected', value: String(a.beats.length), key: 'beats', raw: a.beats.length },
      ],
    },
  ];
  if (a.score && e.referenceBeats) {
    const s = a.score;
    sections.push({
      title: 'Against the reference annotations (ANSI/AAMI EC57, 150 ms window)',
      rows: [
        { label: 'reference beats', value: `${e.referenceBeats.length}${s.referenceBeats !== e.referenceBeats.length ? ` (${s.referenceBeats} scored; VF episodes excluded)` : ''}`, key: 'reference-beats', raw: e.referenceBeats.length },
        { label: 'sensitivity Se', value: percent(s.sensitivity), key: 'se', raw: s.sensitivity },
        { label: 'positive predictivity +P', value: percent(s.positivePredictivity), key: 'ppv', raw: s.positivePredictivity },
        { label: 'F1', value: percent(s.f1) },
        { label: 'TP / FP / FN', value: `${s.truePositives} / ${s.falsePositives} / ${s.falseNegatives}` },
        { label: 'timing error (detection - reference)', value: `${fixed(s.timingErrorMeanMs, 1)} ± ${fixed(s.timingErrorSdMs, 1)} ms` },
      ],
    });
  }
  sections.push(
    {
      title: 'Heart rate and HRV (whole excerpt, accepted NN intervals)',
      rows: [
        { label: 'mean heart rate', value: fixed(a.hrv.meanHrBpm, 1, ' bpm'), key: 'mean-hr-bpm', raw: a.hrv.meanHrBpm },
        { label: 'mean NN', value: fixed(a.hrv.meanRrMs, 0, ' ms') },
        { label: 'SDNN', value: fixed(a.hrv.sdnnMs, 1, ' ms'), key: 'sdnn-ms', raw: a.hrv.sdnnMs },
        { label: 'RMSSD', value: fixed(a.hrv.rmssdMs, 1, ' ms'), key: 'rmssd-ms', raw: a.hrv.rmssdMs },
        { label: 'pNN50', value: `${percent(a.hrv.pnn50, 1)} of ${a.hrv.differenceCount} successive differences`, key: 'pnn50', raw: a.hrv.pnn50 },
        { label: 'RR intervals', value: `${a.rr.length} (${c.accepted} accepted, ${rejected} rejected = ${percent(a.rr.length > 0 ? rejected / a.rr.length : null, 1)})`, key: 'rr-rejected', raw: rejected },
        { label: 'rejected: too short (< 300 ms)', value: String(c.tooShort), key: 'rr-too-short', raw: c.tooShort },
        { label: 'rejected: too long (> 2000 ms)', value: String(c.tooLong), key: 'rr-too-long', raw: c.tooLong },
        { label: 'rejected: ectopic (> 20% from median)', value: String(c.ectopic), key: 'rr-ectopic', raw: c.ectopic },
      ],
    },
    {
      title: 'Signal',
      rows: [
        { label: 'missing samples', value: `${percent(a.missingFraction)} in ${a.missing.length} runs`, key: 'missing-fraction', raw: a.missingFraction },
        { label: 'flat line', value: `${percent(a.flatFraction)} in ${a.flat.length} runs`, key: 'flat-fraction', raw: a.flatFraction },
        ...(e.missingRecordSeconds > 0 ? [{ label: 'time not in the file (EDF)', value: `${e.missingRecordSeconds.toFixed(1)} s` }] : []),
        {
          label: `quality (${a.quality.windowSeconds} s windows)`,
          value: (['good', 'poor', 'unusable'] as const).map((l) => `${a.quality.windows.filter((w) => w.quality === l).length} ${l}`).join(', '),
        },
      ],
    },
  );
  return sections;
}
