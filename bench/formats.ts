// Data file reader benchmark: decode throughput of WFDB (format 212 + checksums, annotations) and
// EDF+ (int16 records + TALs) on the shared data. Run: npx tsx bench/formats.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decodeWfdbSignals, parseWfdbAnnotations, parseWfdbHeader } from '../src/streaming/formats/wfdb.js';
import { parseEdf } from '../src/streaming/formats/edf.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const dataDir = process.env.WG_DATA_DIR ?? join(repoRoot, '..', 'shared', 'data');
const RUNS = 5;

interface Row {
  what: string;
  bytes: number;
  samples: number;
  medianMs: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => number): { ms: number; samples: number } {
  const times: number[] = [];
  let samples = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    samples = fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), samples };
}

export async function run(): Promise<void> {
  const rows: Row[] = [];
  const heaText = readFileSync(join(dataDir, 'mitdb-train', '101.hea'), 'utf8');
  const dat = new Uint8Array(readFileSync(join(dataDir, 'mitdb-train', '101.dat')));
  const atr = new Uint8Array(readFileSync(join(dataDir, 'mitdb-train', '101.atr')));
  const header = parseWfdbHeader(heaText);
  const wfdb = time(() => decodeWfdbSignals(header, dat).reduce((n, s) => n + s.counts.length, 0));
  rows.push({ what: 'WFDB 212 mitdb/101 (2 x 650000, checksums)', bytes: dat.length, samples: wfdb.samples, medianMs: wfdb.ms });
  const ann = time(() => parseWfdbAnnotations(atr).length);
  rows.push({ what: 'WFDB annotations mitdb/101.atr', bytes: atr.length, samples: ann.samples, medianMs: ann.ms });
  const edfBytes = new Uint8Array(readFileSync(join(dataDir, 'eegmat-train', 'Subject00_1.edf')));
  const edf = time(() => parseEdf(edfBytes).signals.reduce((n, s) => n + s.physical.length, 0));
  rows.push({ what: 'EDF+C eegmat/Subject00_1 (21 x 91000)', bytes: edfBytes.length, samples: edf.samples, medianMs: edf.ms });

  console.log('formats: median of %d runs', RUNS);
  console.log(['what'.padEnd(44), 'MB'.padStart(6), 'items'.padStart(9), 'ms'.padStart(8), 'MB/s'.padStart(8)].join(' '));
  for (const r of rows) {
    const mb = r.bytes / 1e6;
    console.log([r.what.padEnd(44), mb.toFixed(2).padStart(6), String(r.samples).padStart(9), r.medianMs.toFixed(1).padStart(8), (mb / (r.medianMs / 1000)).toFixed(0).padStart(8)].join(' '));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
