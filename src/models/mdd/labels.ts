// The labels file of an MDD data set: `file,subject,label[,condition]`, one recording a line, label
// MDD or healthy, condition EC (eyes closed) or EO (eyes open). Bad input is refused with the line.
// `scanMddLabels` collects every problem (for `weargate model train mdd`, which reports them all at
// once); `parseMddLabels` throws the first.
import { readFileSync } from 'node:fs';

export type MddLabel = 'MDD' | 'healthy';
export type MddCondition = 'EC' | 'EO';

export interface LabelledRecording {
  file: string;
  subject: string;
  label: MddLabel;
  condition?: MddCondition;
}

export interface LabelsScan {
  recordings: LabelledRecording[];
  /** Each names the labels file and line (and the recordings' files where it is about them). */
  problems: string[];
}

function labelOf(raw: string): MddLabel | undefined {
  const l = raw.toLowerCase();
  if (l === 'mdd') return 'MDD';
  return l === 'healthy' || l === 'h' || l === 'control' ? 'healthy' : undefined;
}

export function scanMddLabels(text: string, source = 'labels'): LabelsScan {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col('file') < 0 || col('subject') < 0 || col('label') < 0) {
    return { recordings: [], problems: [`${source}: the header must name file,subject,label[,condition] (is '${lines[0] ?? ''}')`] };
  }
  const recordings: LabelledRecording[] = [];
  const problems: string[] = [];
  const subjectFirst = new Map<string, { label: MddLabel; file: string; line: number }>();
  const fileLine = new Map<string, number>();
  const bothReported = new Set<string>();
  lines.slice(1).forEach((line, i) => {
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(',').map((c) => c.trim());
    const lineNo = i + 2;
    const where = `${source}:${lineNo}`;
    const file = cells[col('file')] ?? '';
    const subject = cells[col('subject')] ?? '';
    if (!file || !subject) {
      problems.push(`${where}: file and subject are required`);
      return;
    }
    const label = labelOf(cells[col('label')] ?? '');
    if (!label) {
      problems.push(`${where}: ${file}: label '${cells[col('label')] ?? ''}' is neither MDD nor healthy`);
      return;
    }
    const c = col('condition') >= 0 ? (cells[col('condition')] ?? '').toUpperCase() : '';
    if (c !== '' && c !== 'EC' && c !== 'EO') {
      problems.push(`${where}: ${file}: condition '${c}' is neither EC nor EO`);
      return;
    }
    const twice = fileLine.get(file);
    if (twice !== undefined) {
      problems.push(`${where}: ${file} is listed twice (also line ${twice})`);
      return;
    }
    fileLine.set(file, lineNo);
    const earlier = subjectFirst.get(subject);
    if (earlier && earlier.label !== label) {
      if (!bothReported.has(subject)) problems.push(`${where}: subject ${subject} has both labels: ${earlier.file} is ${earlier.label} (line ${earlier.line}), ${file} is ${label}`);
      bothReported.add(subject);
      return;
    }
    if (!earlier) subjectFirst.set(subject, { label, file, line: lineNo });
    recordings.push({ file, subject, label, ...(c ? { condition: c as MddCondition } : {}) });
  });
  if (recordings.length === 0 && problems.length === 0) problems.push(`${source}: no recordings listed`);
  return { recordings: recordings.filter((r) => !bothReported.has(r.subject)), problems };
}

export function parseMddLabels(text: string, source = 'labels'): LabelledRecording[] {
  const { recordings, problems } = scanMddLabels(text, source);
  if (problems.length > 0) throw new Error(problems[0]);
  return recordings;
}

export function readMddLabels(path: string): LabelledRecording[] {
  return parseMddLabels(readFileSync(path, 'utf8'), path);
}
