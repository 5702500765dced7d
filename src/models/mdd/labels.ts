// The labels file of an MDD data set: `file,subject,label[,condition]`, one recording a line, label
// MDD or healthy, condition EC (eyes closed) or EO (eyes open). Bad input is refused with the line.
import { readFileSync } from 'node:fs';

export type MddLabel = 'MDD' | 'healthy';
export type MddCondition = 'EC' | 'EO';

export interface LabelledRecording {
  file: string;
  subject: string;
  label: MddLabel;
  condition?: MddCondition;
}

export function parseMddLabels(text: string, source = 'labels'): LabelledRecording[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col('file') < 0 || col('subject') < 0 || col('label') < 0) throw new Error(`${source}: the header must name file,subject,label[,condition] (is '${lines[0] ?? ''}')`);
  const out: LabelledRecording[] = [];
  const subjectLabel = new Map<string, MddLabel>();
  lines.slice(1).forEach((line, i) => {
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(',').map((c) => c.trim());
    const where = `${source}:${i + 2}`;
    const file = cells[col('file')] ?? '';
    const subject = cells[col('subject')] ?? '';
    const rawLabel = (cells[col('label')] ?? '').toLowerCase();
    if (!file || !subject) throw new Error(`${where}: file and subject are required`);
    const label: MddLabel | undefined = rawLabel === 'mdd' ? 'MDD' : rawLabel === 'healthy' || rawLabel === 'h' || rawLabel === 'control' ? 'healthy' : undefined;
    if (!label) throw new Error(`${where}: label '${cells[col('label')]}' is neither MDD nor healthy`);
    const earlier = subjectLabel.get(subject);
    if (earlier && earlier !== label) throw new Error(`${where}: subject ${subject} has both labels (${earlier} and ${label})`);
    subjectLabel.set(subject, label);
    const c = col('condition') >= 0 ? (cells[col('condition')] ?? '').toUpperCase() : '';
    if (c !== '' && c !== 'EC' && c !== 'EO') throw new Error(`${where}: condition '${c}' is neither EC nor EO`);
    out.push({ file, subject, label, ...(c ? { condition: c as MddCondition } : {}) });
  });
  return out;
}

export function readMddLabels(path: string): LabelledRecording[] {
  return parseMddLabels(readFileSync(path, 'utf8'), path);
}
