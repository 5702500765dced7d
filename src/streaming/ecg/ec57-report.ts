// Text tables for EC57 evaluations (per record and gross, per detector, and a summary across detectors).
import type { Ec57Score } from './ec57.js';
import type { DetectorEvaluation, RecordResult } from './ec57-evaluate.js';

const percent = (x: number) => (Number.isNaN(x) ? '-' : (100 * x).toFixed(2));
const ms = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(1));

const COLUMNS = ['TP', 'FP', 'FN', 'Se%', '+P%', 'F1%', 'dt mean ms', 'dt SD ms'];

function scoreCells(s: Ec57Score): string[] {
  return [
    String(s.truePositives),
    String(s.falsePositives),
    String(s.falseNegatives),
    percent(s.sensitivity),
    percent(s.positivePredictivity),
    percent(s.f1),
    ms(s.timingErrorMeanMs),
    ms(s.timingErrorSdMs),
  ];
}

/** Renders rows as a Markdown-compatible table with right-aligned numbers. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function recordNote(r: RecordResult): string {
  const notes: string[] = [];
  if (r.error) notes.push(`error: ${r.error}`);
  if (r.lateReports > 0) notes.push(`${r.lateReports} late`);
  if (r.invalidDetections > 0) notes.push(`${r.invalidDetections} invalid`);
  return notes.join('; ');
}

/** Per-record table of one detector, with the gross row last. */
export function formatDetectorTable(evaluation: DetectorEvaluation): string {
  const rows = evaluation.records.map((r) => [r.record + (r.channel ? ` (${r.channel})` : ''), ...scoreCells(r.score), recordNote(r)]);
  rows.push(['gross', ...scoreCells(evaluation.gross), '']);
  return renderTable(['record', ...COLUMNS, 'notes'], rows);
}

/** One gross row per detector, with processing speed as multiples of real time. */
export function formatSummaryTable(evaluations: readonly DetectorEvaluation[]): string {
  const rows = evaluations.map((e) => {
    const speed = e.totalProcessingMs > 0 ? ((1000 * e.totalSignalSeconds) / e.totalProcessingMs).toFixed(0) : '-';
    const maxDelay = Math.max(0, ...e.records.map((r) => r.maxReportDelaySamples));
    const declared = Math.max(0, ...e.records.map((r) => r.declaredLatencySamples));
    const late = e.records.reduce((n, r) => n + r.lateReports, 0);
    const errors = e.records.filter((r) => r.error).length;
    return [e.detector, ...scoreCells(e.gross), `${speed}x`, `${maxDelay}/${declared}`, String(late), String(errors)];
  });
  return renderTable(['detector', ...COLUMNS, 'speed', 'max delay/declared (samples)', 'late', 'errors'], rows);
}

/** Records x detectors matrix of per-record F1 (%), with the gross F1 last. */
export function formatF1Matrix(evaluations: readonly DetectorEvaluation[]): string {
  const records = evaluations[0]?.records.map((r) => r.record) ?? [];
  const rows = records.map((name, i) => [name, ...evaluations.map((e) => percent(e.records[i]?.score.f1 ?? Number.NaN))]);
  rows.push(['gross', ...evaluations.map((e) => percent(e.gross.f1))]);
  return renderTable(['record', ...evaluations.map((e) => e.detector)], rows);
}
