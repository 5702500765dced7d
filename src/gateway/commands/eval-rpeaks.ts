// `weargate eval rpeaks --data <dir>`: scores the registered streaming R-peak detectors on every
// annotated WFDB record of a folder with EC57 beat-by-beat statistics, optionally after adding
// calibrated NSTDB noise. Per-record and gross tables, or JSON.
import type { Command } from 'commander';
import type { EvalRecord } from '../../streaming/ecg/ec57-evaluate.js';

interface EvalRpeaksOptions {
  data: string;
  detector: string;
  records?: string;
  json?: boolean;
  jsonOut?: string;
  noise?: string;
  snrDb: string;
  noiseDir?: string;
  seed: string;
  channel: string;
  chunkSeconds: string;
  includeVf?: boolean;
  skipSeconds: string;
  model: string;
  modelDir?: string;
}

interface NoiseInfo {
  record: string;
  gain: number;
  offsetSamples: number;
  signalPeakToPeakMv: number;
  noiseRmsMv: number;
}

function evalCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'eval') ?? program.command('eval').description('evaluate algorithms on recorded data');
}

function parseNumber(text: string, what: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`${what} '${text}' is not a number`);
  return value;
}

export function register(program: Command): void {
  evalCommand(program)
    .command('rpeaks')
    .description('score R-peak detectors on annotated WFDB records (ANSI/AAMI EC57, 150 ms window)')
    .requiredOption('--data <dir>', 'folder of WFDB records with .atr reference annotations')
    .option('--detector <name>', "detector name(s), comma-separated; 'all' = the classic detectors; 'cnn' = the R-peak CNN", 'all')
    .option('--model <variants>', 'CNN variants: int8 (ours, shipped), float32, int8-tfconverter, int8-aiedge (comma-separated)', 'int8')
    .option('--model-dir <dir>', 'folder of the CNN manifest.json (default models/rpeak-cnn)')
    .option('--records <list>', 'comma-separated record names (default: every record with annotations)')
    .option('--json', 'print the results as JSON')
    .option('--json-out <file>', 'also write the JSON results to <file> (the tables still go to stdout)')
    .option('--noise <name>', 'add NSTDB noise record <name> (bw, ma, em) to the ECG')
    .option('--snr-db <dB>', 'signal-to-noise ratio of the added noise', '12')
    .option('--noise-dir <dir>', 'folder of the noise records (default: <data>/../noise)')
    .option('--seed <n>', 'seed for the noise start offsets', '1')
    .option('--channel <name|index>', "ECG channel: a signal description or index; 'MLII' falls back to channel 0", 'MLII')
    .option('--chunk-seconds <s>', 'samples per push() call, in seconds', '1')
    .option('--include-vf', 'also score ventricular flutter/fibrillation episodes (EC57 excludes them)')
    .option('--skip-seconds <s>', 'do not score the first seconds of each record', '0')
    .action(async (opts: EvalRpeaksOptions) => {
      try {
        process.exitCode = await evalRpeaks(opts);
      } catch (err) {
        console.error(`eval rpeaks: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    });
}

async function evalRpeaks(opts: EvalRpeaksOptions): Promise<number> {
  const { join, basename, resolve } = await import('node:path');
  const { loadWfdbRecord, listWfdbRecords } = await import('../../streaming/formats/load.js');
  const { toMicrovolts } = await import('../../streaming/formats/wfdb-signals.js');
  const { detectorFactories, createDetector } = await import('../../streaming/ecg/registry.js');
  const { evaluateRpeaks } = await import('../../streaming/ecg/ec57-evaluate.js');
  const { formatDetectorTable, formatF1Matrix, formatSummaryTable } = await import('../../streaming/ecg/ec57-report.js');
  const { mixNoise } = await import('../../streaming/ecg/noise.js');
  type Name = Parameters<typeof createDetector>[0];

  const registered: Name[] = (Object.keys(detectorFactories) as Name[]).filter((n) => n !== 'cnn');
  if (registered.length === 0) throw new Error('no R-peak detectors are registered');
  const tokens = opts.detector.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const wantCnn = tokens.includes('cnn');
  const names = tokens.flatMap((n) => (n === 'all' ? registered : n === 'cnn' ? [] : [n as Name]));
  for (const n of names) if (!registered.includes(n)) throw new Error(`unknown detector '${n}' (registered: ${registered.join(', ')}, cnn)`);
  const { prepareCnnEval } = await import('./eval-rpeaks-cnn.js');
  const cnn = wantCnn ? await prepareCnnEval(opts.model, opts.modelDir) : undefined;

  const snrDb = parseNumber(opts.snrDb, '--snr-db');
  const seed = parseNumber(opts.seed, '--seed');
  const chunkSeconds = parseNumber(opts.chunkSeconds, '--chunk-seconds');
  const skipSeconds = parseNumber(opts.skipSeconds, '--skip-seconds');
  if (!(chunkSeconds > 0)) throw new Error('--chunk-seconds must be positive');

  let paths = await listWfdbRecords(opts.data);
  // Noise offsets are seeded by a record's position in the whole folder, so a --records subset
  // gets the same noise as a full run (for folders where every record is annotated).
  const allPaths = paths;
  if (opts.records) {
    const wanted = opts.records.split(',').map((r) => r.trim()).filter((r) => r !== '');
    const missing = wanted.filter((w) => !paths.some((p) => basename(p) === w));
    if (missing.length > 0) throw new Error(`records not found in ${opts.data}: ${missing.join(', ')}`);
    paths = paths.filter((p) => wanted.includes(basename(p)));
  }

  const noiseRecord = opts.noise
    ? await loadWfdbRecord(join(opts.noiseDir ?? join(resolve(opts.data), '..', 'noise'), opts.noise), { annotator: null })
    : undefined;
  const noiseInfo: NoiseInfo[] = [];

  async function* records(): AsyncGenerator<EvalRecord> {
    for (const path of paths) {
      const index = allPaths.indexOf(path);
      const rec = await loadWfdbRecord(path);
      if (!rec.annotations) continue;
      const byIndex = /^\d+$/.test(opts.channel) ? Number(opts.channel) : -1;
      let channel = byIndex >= 0 ? byIndex : rec.signals.findIndex((s) => s.spec.description === opts.channel);
      if (channel < 0 && opts.channel === 'MLII') channel = 0;
      if (channel < 0 || channel >= rec.signals.length) throw new Error(`record ${rec.header.recordName} has no channel '${opts.channel}'`);
      const signal = rec.signals[channel];
      let physical = signal.physical;
      if (noiseRecord) {
        const noiseSignal = noiseRecord.signals[channel % noiseRecord.signals.length];
        const mixed = mixNoise({
          ecg: physical,
          sampleRateHz: signal.sampleRateHz,
          annotations: rec.annotations,
          noise: noiseSignal.physical,
          noiseSampleRateHz: noiseSignal.sampleRateHz,
          snrDb,
          seed: seed * 1000 + index,
        });
        physical = mixed.noisy;
        noiseInfo.push({ record: rec.header.recordName, gain: mixed.gain, offsetSamples: mixed.offsetSamples, signalPeakToPeakMv: mixed.signalPeakToPeak, noiseRmsMv: mixed.noiseRms });
      }
      cnn?.setRecord(rec.header.recordName);
      yield {
        name: rec.header.recordName,
        sampleRateHz: signal.sampleRateHz,
        microvolts: toMicrovolts(physical, signal.spec.units),
        annotations: rec.annotations,
        channel: signal.spec.description,
      };
    }
  }

  const detectors = [...names.map((name) => ({ name, create: (fs: number) => createDetector(name, fs) })), ...(cnn?.detectors ?? [])];
  const evaluations = await evaluateRpeaks(
    { records: records(), detectors },
    {
      chunkSeconds,
      skipSeconds,
      excludeVentricularFlutter: !opts.includeVf,
      onResult: (r) =>
        process.stderr.write(`${r.record} ${r.detector}: F1 ${(100 * r.score.f1).toFixed(2)}% (${(r.processingMs / 1000).toFixed(1)} s)${r.error ? ` error: ${r.error}` : ''}\n`),
    },
  );
  cnn?.close();
  if (evaluations.every((e) => e.records.length === 0)) throw new Error(`no annotated WFDB records in ${opts.data}`);

  const settings = {
    data: opts.data,
    channel: opts.channel,
    noise: opts.noise ?? null,
    snrDb: opts.noise ? snrDb : null,
    seed: opts.noise ? seed : null,
    chunkSeconds,
    skipSeconds,
    excludeVentricularFlutter: !opts.includeVf,
    matchWindowMs: 150,
    ...(cnn ? { cnn: { variants: cnn.variants, modelOfRecord: cnn.modelOfRecord } } : {}),
  };
  const json = JSON.stringify({ settings, noise: noiseInfo, detectors: evaluations }, null, 2);
  if (opts.jsonOut) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(opts.jsonOut, `${json}\n`);
  }
  if (opts.json) {
    console.log(json);
    return 0;
  }
  const noiseText = opts.noise ? `, noise ${opts.noise} at ${snrDb} dB (seed ${seed})` : ', clean';
  console.log(`EC57 R-peak evaluation of ${opts.data}${noiseText}; 150 ms window; VF ${opts.includeVf ? 'scored' : 'excluded'}\n`);
  if (cnn) {
    const held = Object.entries(cnn.modelOfRecord).filter(([, m]) => m !== 'final');
    const shipped = Object.entries(cnn.modelOfRecord).filter(([, m]) => m === 'final').map(([r]) => r);
    console.log(`CNN: ${held.length} record(s) scored by the fold model that held them out (${held.map(([r, m]) => `${r}:${m}`).join(' ')})` +
      `${shipped.length ? `; ${shipped.length} by the shipped model (trained on all training records: ${shipped.join(' ')})` : ''}\n`);
  }
  for (const e of evaluations) console.log(`## ${e.detector}\n\n${formatDetectorTable(e)}\n`);
  console.log(`## F1 (%) per record\n\n${formatF1Matrix(evaluations)}\n`);
  console.log(`## gross summary\n\n${formatSummaryTable(evaluations)}`);
  return 0;
}
