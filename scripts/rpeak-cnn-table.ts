// Joins the JSON outputs of `weargate eval rpeaks --json-out` (classic detectors over all records,
// the CNN per fold over each fold's held-out records) into one table: gross Se / +P / F1 per
// detector and condition, summed over records from the per-record EC57 counts.
//
//   npx tsx scripts/rpeak-cnn-table.ts <dir of *.json> [--json out.json] [--records 101,109,...]
// Files: classic-<cond>.json and cnn-fold-<k>-<cond>.json, cond = clean | bw12 | ma6 | ...
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface RecordScore {
  record: string;
  score: { truePositives: number; falsePositives: number; falseNegatives: number };
}
interface EvalJson {
  settings: { cnn?: { modelOfRecord: Record<string, string> } };
  detectors: { detector: string; records: RecordScore[] }[];
}

const CONDITIONS = ['clean', 'bw12', 'bw6', 'bw0', 'ma12', 'ma6', 'ma0'];
const dir = process.argv[2];
if (!dir) throw new Error('usage: rpeak-cnn-table.ts <dir> [--json out.json]');
const arg = (name: string): string | undefined => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const jsonOut = arg('--json');
const only = arg('--records')?.split(',');

// detector -> condition -> record -> counts
const table = new Map<string, Map<string, Map<string, { tp: number; fp: number; fn: number; model?: string }>>>();
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const m = /^(classic|cnn-fold-\d+)-([a-z]+\d*)\.json$/.exec(file);
  if (!m || !CONDITIONS.includes(m[2])) continue;
  const data = JSON.parse(readFileSync(join(dir, file), 'utf8')) as EvalJson;
  for (const d of data.detectors) {
    const byCond = table.get(d.detector) ?? new Map();
    table.set(d.detector, byCond);
    const byRec = byCond.get(m[2]) ?? new Map();
    byCond.set(m[2], byRec);
    for (const r of d.records) {
      if (only && !only.includes(r.record)) continue;
      if (byRec.has(r.record)) throw new Error(`${file}: ${d.detector} ${m[2]} ${r.record} scored twice`);
      byRec.set(r.record, { tp: r.score.truePositives, fp: r.score.falsePositives, fn: r.score.falseNegatives, model: data.settings.cnn?.modelOfRecord[r.record] });
    }
  }
}

const order = ['pan-tompkins', 'hamilton', 'christov', 'engzee', 'swt', 'two-average', 'matched-filter', 'cnn', 'cnn-float32', 'cnn-int8-tfconverter', 'cnn-int8-aiedge'];
const detectors = [...table.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
const pct = (v: number): string => (Number.isFinite(v) ? (100 * v).toFixed(2) : '-');
const rows: string[] = [];
rows.push(`| detector | ${CONDITIONS.join(' | ')} |`);
rows.push(`|:--|${CONDITIONS.map(() => '--:').join('|')}|`);
const out: Record<string, Record<string, unknown>> = {};
for (const det of detectors) {
  const cells = CONDITIONS.map((c) => {
    const recs = table.get(det)?.get(c);
    if (!recs || recs.size === 0) return '';
    let tp = 0, fp = 0, fn = 0;
    for (const v of recs.values()) (tp += v.tp), (fp += v.fp), (fn += v.fn);
    const se = tp / (tp + fn), ppv = tp / (tp + fp), f1 = (2 * tp) / (2 * tp + fp + fn);
    (out[det] ??= {})[c] = { records: recs.size, tp, fp, fn, se, ppv, f1, perRecord: Object.fromEntries(recs) };
    return `${pct(se)} / ${pct(ppv)} / **${pct(f1)}**${recs.size !== (only?.length ?? 22) ? ` (${recs.size} rec)` : ''}`;
  });
  rows.push(`| ${det} | ${cells.join(' | ')} |`);
}
console.log('Gross Se % / +P % / **F1 %** (EC57, 150 ms, VF excluded), MIT-BIH DS1, MLII\n');
console.log(rows.join('\n'));
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(out, null, 1)}\n`);
