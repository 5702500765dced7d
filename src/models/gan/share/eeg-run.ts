// `weargate synth share --kind eeg-maps`: the EEG map generator trained on a clinic's own labelled EEG,
// checked for privacy against those persons, and its synthetic map stacks shared only when every privacy
// check passes (docs/synthetic-data.md).
//   1. validation (the checks of `weargate model train mdd`: labels, every EDF, montage, rates) -> exit 2
//   2. split by person, per label (seeded): 25 % (at least 2 per label) held out, never seen by the generator
//   3. features in TypeScript (the MDD features, src/models/mdd/features.ts) -> the training persons'
//      per-epoch values, conditions and persons as .npy/.json, the spline stage as interp.json
//   4. training/gan/eeg_wgan.py --values/--conditions/--subjects --runs final (progress streamed)
//   5. our int8 (output layer float, as scripts/gan-eeg-quantize.sh), eeg_export.py (manifest, goldens)
//   6. evaluateSynthEeg on one fold: the held-out persons, the training persons train-only
//   7. the gate (eeg-gate.ts): pass -> synthetic stacks per label + report into --out (exit 0); fail -> exit 3
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../../../common/package-root.js';
import { SeededRandom } from '../../../common/random.js';
import { writeNpy } from '../../../quantize/npy.js';
import { CYTON_8 } from '../../../streaming/eeg/positions.js';
import { DEFAULT_MDD_FEATURES, type MddFeatureParams } from '../../mdd/features.js';
import { validateTrainInput } from '../../mdd/train-input.js';
import { runStreaming } from '../../mdd/train-pipeline.js';
import type { EvalSynthEegOptions, EvalSynthEegReport } from '../eval/eeg-evaluate.js';
import { loadEegEpochs } from '../eval/eeg-data.js';
import { splineInterpDump } from '../eeg-maps.js';
import { eegPrivacyGate } from './eeg-gate.js';
import { eegReportMarkdown, type EegShareReport } from './eeg-output.js';
import { checkLine } from './gate.js';

/** Held out per label: this share of the persons, at least MIN_HELDOUT_PER_LABEL (the discriminator attack needs a reference and an evaluated person per label). */
export const HELDOUT_FRACTION = 0.25;
export const MIN_HELDOUT_PER_LABEL = 2;
export const MIN_PERSONS_PER_LABEL = 4;
const CONDITIONS = ['MDD-EC', 'MDD-EO', 'healthy-EC', 'healthy-EO'];

export interface ShareEegOptions {
  from: string;
  labels: string;
  out: string;
  /** Synthetic stacks per condition (4 conditions). */
  n: number;
  steps: number;
  seed: number;
  /** Electrodes: 19 (10-20, the gan-eeg-maps montage) or 8 (Cyton / ADS1299: Fp1 Fp2 C3 C4 P7 P8 O1 O2, gan-eeg-maps-cyton8). Default 19. */
  montage?: 19 | 8;
  python?: string;
  work?: string;
}

/** The MDD features of a montage, with the trainer's map-set name and the generator's model name. */
export function shareMontage(montage: 19 | 8): { feat: MddFeatureParams; set: 'base' | 'cyton8'; name: string; version: string } {
  return montage === 8
    ? { feat: { ...DEFAULT_MDD_FEATURES, electrodes: CYTON_8 }, set: 'cyton8', name: 'gan-eeg-maps-cyton8', version: '0.1.0' }
    : { feat: DEFAULT_MDD_FEATURES, set: 'base', name: 'gan-eeg-maps', version: '0.2.1' };
}

export interface ShareEegDeps {
  log: (line: string) => void;
  error: (line: string) => void;
  quantize: (modelDir: string, log: (line: string) => void, name: string) => Promise<void>;
  evaluate: (o: EvalSynthEegOptions) => Promise<EvalSynthEegReport>;
  /** Writes `synthetic-<label>.npy` (+ .json sidecar) for both labels; returns the files. */
  write: (modelDir: string, out: string, nPerCondition: number, seed: number) => Promise<string[]>;
}

/** Per label, a seeded shuffle; the first max(2, round(25 %)) persons are held out. */
export function splitPersons(persons: Record<string, 'MDD' | 'healthy'>, seed: number): { trainPersons: string[]; heldoutPersons: string[] } {
  const rng = new SeededRandom(seed);
  const held: string[] = [];
  for (const label of ['MDD', 'healthy'] as const) {
    const list = Object.keys(persons).filter((p) => persons[p] === label).sort();
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    held.push(...list.slice(0, Math.max(MIN_HELDOUT_PER_LABEL, Math.round(HELDOUT_FRACTION * list.length))));
  }
  return { trainPersons: Object.keys(persons).filter((p) => !held.includes(p)).sort(), heldoutPersons: held.sort() };
}

async function quantizeEegGenerator(modelDir: string, log: (line: string) => void, name = 'gan-eeg-maps'): Promise<void> {
  const { quantizeModel, inputElementCounts } = await import('../../../quantize/quantize.js');
  const { calibrationSet } = await import('../../../quantize/calibrate/dataset.js');
  const { readTflite } = await import('../../../quantize/tflite/read.js');
  const { readNpy } = await import('../../../quantize/npy.js');
  const { createLiteRtRuntime } = await import('../../runtime/litert.js');
  const floatPath = join(modelDir, 'generator-float32.tflite');
  const floatBytes = new Uint8Array(readFileSync(floatPath));
  const calibPath = join(modelDir, 'calib-latent.npy');
  const set = calibrationSet([readNpy(new Uint8Array(readFileSync(calibPath)), calibPath)], inputElementCounts(readTflite(floatBytes, floatPath)));
  const runtime = await createLiteRtRuntime();
  try {
    const result = await quantizeModel({ floatModel: floatBytes, calibration: set, method: 'minmax', int8Io: false, runtime, metadata: { name }, reportSamples: 0, keepFloat: [], keepFloatOutput: true });
    writeFileSync(join(modelDir, 'generator-int8.tflite'), result.bytes);
    log(`int8 (output layer float): ${join(modelDir, 'generator-int8.tflite')} ${result.bytes.byteLength} B (float ${floatBytes.byteLength} B)`);
  } finally {
    runtime.close();
  }
}

async function writeMaps(modelDir: string, out: string, nPerCondition: number, seed: number): Promise<string[]> {
  const { synthEegMaps } = await import('../eeg-synth.js');
  const files: string[] = [];
  for (const [k, label] of (['MDD', 'healthy'] as const).entries()) {
    const file = join(out, `synthetic-${label}.npy`);
    // EC and EO alternate: n per condition
    await synthEegMaps({ n: String(2 * nPerCondition), label, out: file, seed: String(seed + k), layout: 'nhwc', variant: 'float32', model: modelDir, quiet: true });
    files.push(file, file.replace(/\.npy$/, '.json'));
  }
  return files;
}

export function defaultEegDeps(): ShareEegDeps {
  return {
    log: (line) => console.log(line),
    error: (line) => console.error(line),
    quantize: quantizeEegGenerator,
    evaluate: async (o) => (await import('../eval/eeg-evaluate.js')).evaluateSynthEeg(o),
    write: writeMaps,
  };
}

export async function runShareEeg(o: ShareEegOptions, deps: ShareEegDeps = defaultEegDeps()): Promise<number> {
  const { log, error } = deps;
  const montage = shareMontage(o.montage ?? 19);
  const { feat } = montage;
  // 1. validation
  const input = validateTrainInput({ edfDir: o.from, labelsPath: o.labels, electrodes: feat.electrodes, folds: MIN_PERSONS_PER_LABEL });
  // the MDD trainer's message speaks of --folds; the share has no such option
  const problems = input.problems.map((p) => p.replace(/; --folds \d+ needs at least (\d+) persons per class \(each fold holds out persons of both classes\)/,
    `; synth share needs at least $1 persons per label (${MIN_HELDOUT_PER_LABEL} of them held out as persons the generator never sees, the rest train it)`));
  const unconditioned = input.recordings.filter((r) => r.condition !== 'EC' && r.condition !== 'EO');
  if (unconditioned.length) problems.push(`${o.labels}: ${unconditioned.length} file(s) without condition EC or EO (${unconditioned.slice(0, 5).map((r) => r.file).join(', ')}): the generator is conditioned on eyes closed / open`);
  if (existsSync(o.out) && readdirSync(o.out).length > 0) problems.push(`--out ${o.out}: exists and is not empty (the shared set gets a folder of its own)`);
  if (problems.length > 0) {
    error(`synth share: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the input, nothing was trained or written:`);
    for (const p of problems) error(`  - ${p}`);
    return 2;
  }
  const python = o.python ?? join(packageRoot, 'training', '.venv', 'bin', 'python');
  if (!existsSync(python)) {
    error(`synth share: the training environment is missing (${python} does not exist). Create it with:\n  bash ${join(packageRoot, 'training', 'setup.sh')}\n(or give its Python with --python <path>)`);
    return 1;
  }
  // 2. split, 3. features and trainer input
  const labelOf = Object.fromEntries(input.recordings.map((r) => [r.subject, r.label])) as Record<string, 'MDD' | 'healthy'>;
  const split = splitPersons(labelOf, o.seed);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const work = resolve(o.work ?? join('var', 'synth-share', stamp));
  const inputDir = join(work, 'input');
  mkdirSync(inputDir, { recursive: true });
  writeFileSync(join(work, 'split.json'), JSON.stringify({ ...split, seed: o.seed }, null, 1));
  log(`input ok: ${input.recordings.length} recordings of ${Object.keys(labelOf).length} persons at ${input.sampleRateHz} Hz; training ${split.trainPersons.length} (${split.trainPersons.join(' ')}), held out ${split.heldoutPersons.length} (${split.heldoutPersons.join(' ')}) -> ${work}`);
  const train = loadEegEpochs(o.from, input.recordings.filter((r) => split.trainPersons.includes(r.subject)), feat, (l) => log(`  ${l}`));
  const cond = train.values.map((_, i) => (train.label[i] ? 0 : 2) + (train.condition[i] === 'EO' ? 1 : 0));
  const perCondition = CONDITIONS.map((_, k) => cond.filter((c) => c === k).length);
  const empty = CONDITIONS.filter((_, k) => perCondition[k] === 0);
  if (empty.length) {
    error(`synth share: no clean epochs of ${empty.join(', ')} among the training persons (${split.trainPersons.join(', ')}); every condition is needed; nothing was trained or written`);
    return 2;
  }
  const dim = train.values[0]!.length;
  const values = new Float32Array(train.values.length * dim);
  train.values.forEach((v, i) => values.set(v, i * dim));
  writeFileSync(join(inputDir, 'values.npy'), writeNpy({ shape: [train.values.length, dim], data: values }));
  writeFileSync(join(inputDir, 'conditions.npy'), writeNpy({ shape: [cond.length], data: Float32Array.from(cond) }));
  writeFileSync(join(inputDir, 'subjects.json'), JSON.stringify(train.subject));
  writeFileSync(join(inputDir, 'interp.json'), JSON.stringify(splineInterpDump({ electrodes: feat.electrodes, bands: feat.bands.map((b) => b.name), gridPx: feat.gridPx })));
  log(`training epochs: ${train.values.length} clean 4 s epochs (${CONDITIONS.map((c, k) => `${c} ${perCondition[k]}`).join(', ')})`);

  // 4. training, 5. int8 + manifest
  const logFile = join(work, 'train.log');
  const modelDir = join(work, 'model');
  const env = { ...process.env, TF_NUM_INTRAOP_THREADS: process.env.TF_NUM_INTRAOP_THREADS ?? '1' };
  const step = async (what: string, args: string[]): Promise<number> => {
    const r = await runStreaming(python, args, { cwd: packageRoot, env, logFile, onLine: (line, stream) => (stream === 'stdout' ? log(line) : error(line)) });
    if (r.code !== 0) error(`synth share: ${what} failed (exit ${r.code}${r.reason ? `: ${r.reason}` : ''}); its output is in ${logFile}; nothing was written to ${o.out}`);
    return r.code;
  };
  log(`training: training/gan/eeg_wgan.py (${o.steps} steps, seed ${o.seed}, ${feat.electrodes.length} electrodes)`);
  const trained = await step('training (training/gan/eeg_wgan.py)', [
    join(packageRoot, 'training', 'gan', 'eeg_wgan.py'), '--values', join(inputDir, 'values.npy'), '--conditions', join(inputDir, 'conditions.npy'),
    '--subjects', join(inputDir, 'subjects.json'), '--set', montage.set, '--runs', 'final', '--steps', String(o.steps), '--seed', String(o.seed), '--work', join(work, 'train'), '--out', modelDir,
  ]);
  if (trained !== 0) return trained;
  await deps.quantize(modelDir, log, montage.name);
  const trainedOn = `${split.trainPersons.length} persons of ${o.from} (weargate synth share): ${split.trainPersons.join(', ')} (${train.values.length} clean 4 s epochs, ${feat.electrodes.length} electrodes ${feat.electrodes.join(' ')}, features of src/models/mdd/features.ts); ${split.heldoutPersons.join(', ')} never seen`;
  const exported = await step('export (training/gan/eeg_export.py)', [join(packageRoot, 'training', 'gan', 'eeg_export.py'), '--dir', modelDir, '--interp', join(inputDir, 'interp.json'),
    '--set', montage.set, '--trained-on', trainedOn, '--evaluation', '', '--model-version', `${montage.version}-share.${o.seed}`]);
  if (exported !== 0) return exported;

  // 6. evaluation on the clinic's persons: one fold, the held-out persons
  log('evaluation: utility, fidelity, privacy (evaluateSynthEeg, one fold: the held-out persons)');
  const evaluation = await deps.evaluate({ dataDir: o.from, labelsPath: o.labels, modelDir, variant: 'float32', seed: o.seed, folds: [split.heldoutPersons], trainOnly: split.trainPersons, progress: (line) => log(`  ${line}`) });
  const gate = eegPrivacyGate(evaluation);
  const report: EegShareReport = {
    format: 'weargate-synth-share-eeg-report/1', createdAt: new Date().toISOString(), from: o.from, labels: o.labels,
    options: { n: o.n, steps: o.steps, seed: o.seed, montage: o.montage ?? 19 }, input: input.summary, split, trainEpochs: Object.fromEntries(CONDITIONS.map((c, k) => [c, perCondition[k]!])), gate, evaluation,
  };
  const writeReport = (dir: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'report.json'), JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1));
    writeFileSync(join(dir, 'REPORT.md'), eegReportMarkdown(report));
  };
  writeReport(work);
  for (const c of gate.privacy) log(`  ${checkLine(c)}`);
  for (const c of gate.other) log(`  ${checkLine(c)} (not gated)`);

  // 7. the gate
  if (!gate.pass) {
    error(`synth share: ${gate.failed.length} of ${gate.privacy.length} privacy check${gate.privacy.length === 1 ? '' : 's'} failed; nothing was written to ${o.out}:`);
    for (const c of gate.failed) error(`  - ${checkLine(c)}`);
    error(`the report is in ${join(work, 'REPORT.md')} (and report.json)`);
    return 3;
  }
  report.shared = { dir: o.out, files: await deps.write(modelDir, o.out, o.n, o.seed + 1) };
  writeReport(o.out);
  writeReport(work);
  log(`every privacy check passed: ${o.n} synthetic map stacks per condition (${CONDITIONS.join(', ')}) + report.json + REPORT.md -> ${o.out}`);
  return 0;
}
