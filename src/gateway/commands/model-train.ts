// `weargate model train mdd --edf <dir> --labels <csv>`: the MDD screening model trained on a clinic's
// own recordings, through the very pipeline of the shipped model (docs/models/mdd.md):
//   1. validation in TypeScript (src/models/mdd/train-input.ts): every problem, named by file, exit 2
//   2. features: the map set of scripts/mdd-maps.ts (src/models/mdd/map-sets.ts), in-process -> <out>/maps
//   3. training/mdd_cnn.py (subject-wise CV, LR baseline, final model), its progress streamed -> <out>/cv
//   4. our int8 quantizer on every model (scripts/mdd-quantize.sh's path, in-process); training/mdd_export.py
//      (manifest, goldens, float32/int8 on the CV) -> <out>/models/<name>; <out>/report.json, <out>/MODEL_CARD.md
//   5. with --sign-key: a signed fleet bundle of the int8 model -> <out>/<name>-<version>.wgb
//   6. the metrics table (as `weargate eval mdd` prints it)
// Exit codes: 0 done, 2 bad input, 1 environment (no venv, bad key), else the failing Python step's code.
import type { Command } from 'commander';
import { modelCommand } from './model-inspect.js';

interface TrainMddOptions {
  edf: string;
  labels: string;
  montage: string;
  folds: string;
  epochs: string;
  seed: string;
  seedState: string;
  out?: string;
  python?: string;
  signKey?: string;
  keyId?: string;
  name?: string;
  modelVersion: string;
}

export function register(program: Command): void {
  const model = modelCommand(program);
  const train = model.commands.find((c) => c.name() === 'train') ?? model.command('train').description('train a model on your own data');
  train
    .command('mdd')
    .description('train the MDD screening model on your labelled EDF recordings (subject-wise CV, float + int8, model card, optional signed bundle)')
    .requiredOption('--edf <dir>', 'folder of EDF/EDF+ recordings')
    .requiredOption('--labels <csv>', 'file,subject,label[,condition] (label MDD|healthy, condition EC|EO), file relative to --edf')
    .option('--montage <n>', '19 (10-20) or 8 (Cyton: Fp1 Fp2 C3 C4 P7 P8 O1 O2)', '19')
    .option('--folds <n>', 'subject-wise CV folds (each class needs at least this many persons)', '6')
    .option('--epochs <n>', 'training epochs per model', '20')
    .option('--seed <n>', 'seed of folds, weights and calibration', '20261201')
    .option('--seed-state <reset|carry>', "reset: every model depends on its seed and data only; carry: dropout's seed state carries over from the model trained before it (the code path of runs before 2026-12-04)", 'reset')
    .option('--out <dir>', 'output folder (default var/train/mdd-<timestamp>)')
    .option('--python <path>', 'Python of the training environment (default training/.venv/bin/python)')
    .option('--sign-key <pem>', 'ed25519 private key (`weargate fleet keygen`): also write a signed fleet bundle of the int8 model')
    .option('--key-id <id>', 'the signing key\'s id (checked against the key)')
    .option('--name <name>', 'model name (default mdd-cnn, or mdd-cnn-cyton8 with --montage 8: the name a gateway slot runs)')
    .option('--model-version <semver>', 'model version (a fleet bundle must be newer than the one running)', '1.0.0')
    .action(async (opts: TrainMddOptions) => {
      try {
        process.exitCode = await trainMdd(opts);
      } catch (err) {
        console.error(`model train mdd: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    });
}

const log = (line: string) => console.log(line);

async function trainMdd(opts: TrainMddOptions): Promise<number> {
  const { existsSync, mkdirSync, readFileSync, writeFileSync } = await import('node:fs');
  const { join, resolve } = await import('node:path');
  const { packageRoot, packageVersion } = await import('../../common/package-root.js');
  const { CYTON_8 } = await import('../../streaming/eeg/positions.js');
  const { MDD_19, DEFAULT_MDD_FEATURES } = await import('../../models/mdd/features.js');
  const { validateTrainInput } = await import('../../models/mdd/train-input.js');
  const started = Date.now();
  const usage: string[] = [];
  const int = (name: string, text: string, min: number): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < min) usage.push(`--${name} ${text}: needs an integer >= ${min}`);
    return v;
  };
  if (opts.montage !== '19' && opts.montage !== '8') usage.push(`--montage ${opts.montage}: 19 or 8`);
  const folds = int('folds', opts.folds, 2);
  const epochs = int('epochs', opts.epochs, 1);
  const seed = int('seed', opts.seed, 0);
  const seedState = opts.seedState;
  if (seedState !== 'reset' && seedState !== 'carry') usage.push(`--seed-state ${seedState}: reset or carry`);
  if ((opts.signKey === undefined) !== (opts.keyId === undefined)) usage.push('--sign-key and --key-id go together');
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(opts.modelVersion)) usage.push(`--model-version ${opts.modelVersion}: not a semver`);
  const name = opts.name ?? (opts.montage === '8' ? 'mdd-cnn-cyton8' : 'mdd-cnn');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) usage.push(`--name ${name}: lower-case letters, digits and '-'`);
  const electrodes = opts.montage === '8' ? CYTON_8 : MDD_19;
  // 1. validation, before anything else runs
  const input = validateTrainInput({ edfDir: opts.edf, labelsPath: opts.labels, electrodes, folds: Number.isInteger(folds) ? folds : 2, minDurationS: DEFAULT_MDD_FEATURES.epochS });
  const problems = [...usage, ...input.problems];
  if (problems.length > 0) {
    console.error(`model train mdd: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the input, nothing was trained:`);
    for (const p of problems) console.error(`  - ${p}`);
    return 2;
  }
  const python = opts.python ?? join(packageRoot, 'training', '.venv', 'bin', 'python');
  if (!existsSync(python)) {
    console.error(`model train mdd: the training environment is missing (${python} does not exist). Create it with:\n  bash ${join(packageRoot, 'training', 'setup.sh')}\n(or give its Python with --python <path>)`);
    return 1;
  }
  let key: import('../../fleet/keys.js').SigningKey | undefined;
  if (opts.signKey !== undefined) {
    const { signingKeyFromPem } = await import('../../fleet/keys.js');
    key = signingKeyFromPem(readFileSync(opts.signKey, 'utf8'));
    if (key.keyId !== opts.keyId) {
      console.error(`model train mdd: ${opts.signKey} has key id ${key.keyId}, not ${opts.keyId ?? ''}`);
      return 1;
    }
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  // paths as given (the report and the card show them); Python runs in the package root, so it gets them resolved
  const out = opts.out ?? join('var', 'train', `mdd-${stamp}`);
  mkdirSync(out, { recursive: true });
  const logFile = join(out, 'train.log');
  const s = input.summary;
  log(`input ok: ${s.files} files of ${s.persons.MDD + s.persons.healthy} persons (${s.persons.MDD} MDD, ${s.persons.healthy} healthy), ${input.sampleRateHz} Hz, ${s.channelSets.length} channel set(s) -> ${out}`);

  // 2. features (the code of scripts/mdd-maps.ts), in-process
  const { writeMapSet } = await import('../../models/mdd/map-sets.js');
  const set = opts.montage === '8' ? 'cyton8' : 'base';
  const params = { ...DEFAULT_MDD_FEATURES, electrodes, sampleRateHz: input.sampleRateHz! };
  const labels = input.recordings.map(({ file, subject, label, condition }) => ({ file, subject, label, ...(condition ? { condition } : {}) }));
  log(`features: ${labels.length} recordings -> ${join(out, 'maps', set)}`);
  const maps = writeMapSet({ dataDir: opts.edf, labels, outDir: join(out, 'maps'), set, params, log });
  const { setupConfound } = await import('../../models/mdd/setup-signature.js');
  const setup = setupConfound(maps.results.map((r) => r.summary));
  log(`setup check: AUC for MDD of the filter edges ${setup.lowEdgeAuc.toFixed(2)} below 1 Hz, ${Number.isFinite(setup.highEdgeAuc) ? setup.highEdgeAuc.toFixed(2) : 'n/a'} above 40 Hz (0.5 = recorded alike)`);
  if (setup.warning) console.error(`model train mdd: warning: ${setup.warning}`);

  // 3. training (Python), progress streamed
  const { runStreaming, quantizeAll, bundleModel, fileInfo } = await import('../../models/mdd/train-pipeline.js');
  const env = { ...process.env, TF_NUM_INTRAOP_THREADS: process.env.TF_NUM_INTRAOP_THREADS ?? '1', TF_NUM_INTEROP_THREADS: process.env.TF_NUM_INTEROP_THREADS ?? '1' };
  const step = async (what: string, args: string[]): Promise<number> => {
    const r = await runStreaming(python, args, { cwd: packageRoot, env, logFile, onLine: (line, stream) => (stream === 'stdout' ? console.log(line) : console.error(line)) });
    if (r.code !== 0) console.error(`model train mdd: ${what} failed (exit ${r.code}${r.reason ? `: ${r.reason}` : ''}); its output is in ${logFile}`);
    return r.code;
  };
  const tag = opts.montage === '8' ? 'm8' : 'm19';
  const cvDir = resolve(out, 'cv');
  log(`training: ${python} training/mdd_cnn.py (${folds} folds, ${epochs} epochs, seed ${seed}, seed state ${seedState})`);
  const trained = await step('training (training/mdd_cnn.py)', [join(packageRoot, 'training', 'mdd_cnn.py'), '--maps', resolve(out, 'maps'), '--out', cvDir, '--montages', opts.montage, '--ablations', '', '--no-confounds', '--folds', String(folds), '--epochs', String(epochs), '--seed', String(seed), '--seed-state', seedState]);
  if (trained !== 0) return trained;

  // 4. our int8, export (manifest, goldens, CV of float32 and int8 .tflite)
  log('int8: our quantizer (minmax, each model on its own training persons\' calibration maps)');
  await quantizeAll(join(cvDir, tag), name, log);
  const modelsDir = join(out, 'models');
  const trainedOn = `${opts.edf} (labels ${opts.labels}): ${s.persons.MDD + s.persons.healthy} persons (${s.persons.MDD} MDD, ${s.persons.healthy} healthy), ${s.files} files; trained by weargate model train mdd`;
  const exported = await step('export (training/mdd_export.py)', [join(packageRoot, 'training', 'mdd_export.py'), '--cv-dir', cvDir, '--maps', resolve(out, 'maps'), '--models-dir', resolve(modelsDir), '--name19', name, '--name8', name, '--model-version', opts.modelVersion, '--trained-on', trainedOn]);
  if (exported !== 0) return exported;
  const { readPythonMetrics, cvFromMetrics } = await import('../../models/mdd/train-report.js');
  const { readManifest } = await import('../../models/manifest.js');
  const modelDir = join(modelsDir, name);
  const metrics = readPythonMetrics(join(modelDir, 'metrics.json'));
  const manifest = readManifest(join(modelDir, 'manifest.json')).manifest;
  const report: import('../../models/mdd/train-report.js').MddTrainReport = {
    format: 'weargate-mdd-train-report/1', createdAt: new Date().toISOString(),
    trainedOn: { edfDir: opts.edf, labels: opts.labels }, montage: { electrodes: [...electrodes] }, options: { folds, epochs, seed, seedState: seedState as 'reset' | 'carry' },
    data: {
      ...s, sampleRateHz: input.sampleRateHz!, epochs: maps.epochs, cleanEpochs: maps.cleanEpochs,
      recordings: maps.results.map((r) => ({ file: r.summary.file, subject: r.summary.subject, label: r.summary.label, ...(r.summary.condition ? { condition: r.summary.condition } : {}), durationS: r.summary.durationS, epochs: r.summary.epochs, clean: r.summary.clean })),
    },
    cv: cvFromMetrics(metrics), finalAgreement: metrics.finalAgreement, confounds: { setup },
    model: { name, version: manifest.version, dir: modelDir, parameters: metrics.cv.params, files: Object.fromEntries(Object.entries(manifest.variants).map(([k, v]) => [k, fileInfo(join(modelDir, v.file), v.sha256)])) },
    wallS: 0,
  };
  // 5. the signed fleet bundle of the int8 model
  if (key) {
    const { bytes } = bundleModel(join(modelDir, 'manifest.json'), 'int8', key, packageVersion, report.createdAt);
    const file = join(out, `${name}-${manifest.version}.wgb`);
    writeFileSync(file, bytes);
    report.bundle = { file, keyId: key.keyId, bytes: bytes.length };
    log(`bundle: ${file} (${bytes.length} B, int8, signed by ${key.keyId})`);
  }
  report.wallS = (Date.now() - started) / 1000;
  const { modelCardMarkdown } = await import('../../models/mdd/model-card.js');
  writeFileSync(join(out, 'report.json'), `${JSON.stringify(report, null, 1)}\n`);
  writeFileSync(join(out, 'MODEL_CARD.md'), modelCardMarkdown(report));
  // 6. the table
  const { metricsTable } = await import('../../models/mdd/report-table.js');
  for (const [title, m] of [['CNN, our int8 .tflite (subject-wise CV)', report.cv.int8], ['baseline LR, relative band powers (same folds)', report.cv.baseline]] as const) {
    log(`\n${title}:\n${metricsTable(m).join('\n')}`);
  }
  log(`\nwrote ${modelDir} (float32.tflite, int8.tflite, manifest.json), ${join(out, 'report.json')}, ${join(out, 'MODEL_CARD.md')} in ${report.wallS.toFixed(0)} s`);
  log('Screening research signal only: not a diagnosis.');
  return 0;
}
