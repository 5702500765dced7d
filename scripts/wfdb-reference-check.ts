// Independent check of our WFDB records with PhysioNet's WFDB Python package (wfdb 4.3.1): writes
// records with src/streaming/formats/wfdb-writer.ts (formats 16 and 212, 1-3 signals, odd sample
// counts, annotations with SKIP, SUB and AUX), then runs scripts/wfdb_reference_check.py, which reads
// them with wfdb.rdrecord/rdann and compares every field and sample, and writes the same records with
// wfdb.wrsamp/wrann to compare the bytes. Not a test: wfdb is not part of CI. Usage:
//   pip install wfdb==4.3.1   # once (any Python with numpy)
//   npx tsx scripts/wfdb-reference-check.ts [python] [--update-fixtures]
// --update-fixtures copies wfdb-python's files to tests/fixtures/wfdb/wfdb-python/ (wfdb-writer-reference.test.ts).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWfdbRecord } from '../src/streaming/formats/load.js';
import { decodeWfdbSignals, parseWfdbHeader } from '../src/streaming/formats/wfdb.js';
import { encodeWfdbRecord, writeWfdbRecord } from '../src/streaming/formats/wfdb-writer.js';
import { referenceRecords as records } from '../tests/_support/wfdb-reference-records.js';

const dir = mkdtempSync(join(tmpdir(), 'wg-wfdbcheck-'));
const expected = records.map((r) => {
  writeWfdbRecord(dir, r);
  const enc = encodeWfdbRecord(r);
  const counts = decodeWfdbSignals(parseWfdbHeader(enc.header), enc.dat).map((s) => Array.from(s.counts));
  return {
    name: r.name,
    fs: r.sampleRateHz,
    fmt: String(r.format),
    units: r.signals.map((s) => s.units),
    sigName: r.signals.map((s) => s.description),
    gain: r.signals.map((s) => s.gainAduPerUnit ?? 200),
    baseline: r.signals.map((s) => s.baselineAdu ?? 0),
    physical: r.signals.map((s) => Array.from(s.samples)),
    counts,
    comments: r.comments ?? [],
    annotations: r.annotations ?? null,
  };
});
writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected));
const args = process.argv.slice(2);
const python = args.find((a) => !a.startsWith('--')) ?? 'python3';
const run = spawnSync(python, [new URL('./wfdb_reference_check.py', import.meta.url).pathname, dir], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
// And the other way: our reader on the records wfdb.wrsamp/wrann wrote (checksums verified).
for (const e of expected) {
  const back = await loadWfdbRecord(join(dir, 'wfdb-python', e.name));
  const same = back.signals.every((s, i) => s.counts.every((c, k) => c === e.counts[i][k]));
  const anns = e.annotations === null ? 'no annotations' : `annotations ${JSON.stringify(back.annotations?.map((a) => [a.sampleIndex, a.symbol, a.subtype, a.aux]))}`;
  console.log(`our reader on wfdb-python's ${e.name}: samples equal ${same}; ${anns}`);
  if (!same) process.exit(1);
}
if (args.includes('--update-fixtures')) {
  const to = new URL('../tests/fixtures/wfdb/wfdb-python/', import.meta.url).pathname;
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(join(dir, 'wfdb-python'))) copyFileSync(join(dir, 'wfdb-python', f), join(to, f));
  console.log(`copied wfdb-python's files to ${to}`);
}
