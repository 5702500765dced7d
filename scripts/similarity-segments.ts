// Writes the similarity model's training segments, made by the gateway's own pre-processing
// (src/models/similarity/preprocess.ts), so training/similarity.py sees exactly what the gateway
// computes. Output (gitignored by default, training/out/similarity/):
//   segments.npy  float32 [N, SEGMENT_SAMPLES]   z-scored beat-aligned segments
//   labels.json   per segment: identity, source (ecgid|mitdb), record, chunk, rIndex
//   noise-bw.npy, noise-ma.npy  float32 [2, n]   NSTDB noise channels at the model rate, band-passed
// Usage: npx tsx scripts/similarity-segments.ts [--ecgid DIR] [--mitdb DIR] [--noise DIR] [--out DIR]
//        [--mitdb-chunks 12] [--chunk-seconds 10]
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { listWfdbRecords, loadWfdbRecord } from '../src/streaming/formats/load.js';
import { toMicrovolts } from '../src/streaming/formats/wfdb-signals.js';
import { writeNpy } from '../src/quantize/npy.js';
import { listEcgIdPersons, loadEcgChannel } from '../src/models/similarity/ecgid.js';
import { bandpassZeroPhase, similaritySegments, SEGMENT_SAMPLES, SIMILARITY_RATE_HZ } from '../src/models/similarity/preprocess.js';
import { resampleSinc } from '../src/streaming/resample.js';

const root = new URL('..', import.meta.url).pathname;
const { values: opts } = parseArgs({
  options: {
    ecgid: { type: 'string', default: join(root, '../shared/data/ecgid-train') },
    mitdb: { type: 'string', default: join(root, '../shared/data/mitdb-train') },
    noise: { type: 'string', default: join(root, '../shared/data/noise') },
    out: { type: 'string', default: join(root, 'training/out/similarity') },
    'mitdb-chunks': { type: 'string', default: '12' },
    'chunk-seconds': { type: 'string', default: '10' },
  },
});

interface Label {
  identity: string;
  source: 'ecgid' | 'mitdb';
  record: string;
  chunk: number;
  rIndex: number;
}

const rows: Float32Array[] = [];
const labels: Label[] = [];
const t0 = Date.now();

for (const person of await listEcgIdPersons(opts.ecgid)) {
  for (const path of person.records) {
    const sig = await loadEcgChannel(path);
    const segs = similaritySegments(sig.microvolts, sig.sampleRateHz);
    for (const s of segs) {
      rows.push(s.values);
      labels.push({ identity: person.id, source: 'ecgid', record: basename(path), chunk: 0, rIndex: s.rIndex });
    }
    process.stderr.write(`ecgid ${person.id}/${basename(path)}: ${segs.length} segments\n`);
  }
}

const chunks = Number(opts['mitdb-chunks']);
const chunkSeconds = Number(opts['chunk-seconds']);
for (const path of await listWfdbRecords(opts.mitdb)) {
  const rec = await loadWfdbRecord(path, { annotator: null });
  let ch = rec.signals.findIndex((s) => s.spec.description === 'MLII');
  if (ch < 0) ch = 0;
  const signal = rec.signals[ch];
  const uv = toMicrovolts(signal.physical, signal.spec.units);
  const chunkSamples = Math.round(chunkSeconds * signal.sampleRateHz);
  const stride = Math.floor((uv.length - chunkSamples) / Math.max(1, chunks - 1));
  let count = 0;
  for (let k = 0; k < chunks; k++) {
    const start = k * stride;
    const segs = similaritySegments(uv.subarray(start, start + chunkSamples), signal.sampleRateHz);
    for (const s of segs) {
      rows.push(s.values);
      labels.push({ identity: `mitdb-${rec.header.recordName}`, source: 'mitdb', record: rec.header.recordName, chunk: k, rIndex: s.rIndex });
    }
    count += segs.length;
  }
  process.stderr.write(`mitdb ${rec.header.recordName} (${signal.spec.description}): ${count} segments in ${chunks} chunks\n`);
}

mkdirSync(opts.out, { recursive: true });
const flat = new Float32Array(rows.length * SEGMENT_SAMPLES);
rows.forEach((r, i) => flat.set(r, i * SEGMENT_SAMPLES));
writeFileSync(join(opts.out, 'segments.npy'), writeNpy({ shape: [rows.length, SEGMENT_SAMPLES], data: flat }));
writeFileSync(join(opts.out, 'labels.json'), `${JSON.stringify({ rateHz: SIMILARITY_RATE_HZ, segmentSamples: SEGMENT_SAMPLES, labels })}\n`);

for (const name of ['bw', 'ma']) {
  const rec = await loadWfdbRecord(join(opts.noise, name), { annotator: null });
  const chans = rec.signals.map((s) => bandpassZeroPhase(resampleSinc(toMicrovolts(s.physical, s.spec.units), s.sampleRateHz, SIMILARITY_RATE_HZ), SIMILARITY_RATE_HZ));
  const n = Math.min(...chans.map((c) => c.length));
  const data = new Float32Array(chans.length * n);
  chans.forEach((c, i) => data.set(c.subarray(0, n), i * n));
  writeFileSync(join(opts.out, `noise-${name}.npy`), writeNpy({ shape: [chans.length, n], data }));
}
process.stderr.write(`${rows.length} segments, ${new Set(labels.map((l) => l.identity)).size} identities -> ${opts.out} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
