// `weargate synth share`: a generator trained on a clinic's own ECG recordings, checked for privacy
// against them, and its synthetic strips shared only when every privacy check passes.
//   1. validation in TypeScript (validate.ts): every problem, named by file -> exit 2
//   2. split (prepare.ts): 25 % of the records (>= 2, seeded) held out as persons never seen; the
//      others' first memberFraction trains the generator; beats, classes, rhythm -> <work>/input
//   3. training/gan/ecg_wgan.py --beats/--classes/--rhythm (progress streamed) -> <work>/model
//   4. our int8 quantizer (scripts/gan-ecg-quantize.sh's path, in-process); ecg_export.py --dir (manifest)
//   5. evaluateSynthEcg on the clinic's folder -> <work>/report.json, <work>/REPORT.md
//   6. the privacy gate (gate.ts): pass -> strips + report.json + REPORT.md into --out (exit 0);
//      fail -> which checks failed, nothing in --out (exit 3)
// Exit codes: 0 shared, 2 bad input, 3 a privacy check failed, 1 environment (no venv), else the
// failing Python step's code.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../../../common/package-root.js';
import { SeededRandom } from '../../../common/random.js';
import { readNpy } from '../../../quantize/npy.js';
import { runStreaming } from '../../mdd/train-pipeline.js';
import type { SynthEcgReport, SynthEvalOptions } from '../eval/evaluate.js';
import { privacyGate, checkLine } from './gate.js';
import { writeReport, writeStrips, type MakeStrip, type ShareReport } from './output.js';
import { splitRecords, writeTrainerInput } from './prepare.js';
import { memberVBeats, MIN_V_MEMBER_BEATS, validateShareInput } from './validate.js';

/** The trainer's beat cut (training/gan/ecg_data.py); the exported manifest is checked against it. */
export const GAN_ECG_CUT = { sampleRateHz: 250, beatSamples: 192, preSamples: 64, highpassHz: 0.5 };
export const MEMBER_FRACTION = 0.75;

export interface ShareOptions {
  from: string;
  out: string;
  n: number;
  seconds: number;
  steps: number;
  seed: number;
  /** Weight of the identity adversary (0 = off). */
  identityWeight: number;
  python?: string;
  work?: string;
}

export interface StripMaker {
  make: MakeStrip;
  model: string;
  close(): void;
}

export interface ShareDeps {
  log: (line: string) => void;
  error: (line: string) => void;
  quantize: (modelDir: string, log: (line: string) => void) => Promise<void>;
  evaluate: (o: SynthEvalOptions) => Promise<SynthEcgReport>;
  strips: (modelDir: string) => Promise<StripMaker>;
}

/** Our int8 of generator-float32.tflite on the trainer's calibration latents (as scripts/gan-ecg-quantize.sh). */
async function quantizeGenerator(modelDir: string, log: (line: string) => void): Promise<void> {
  const { quantizeModel, inputElementCounts } = await import('../../../quantize/quantize.js');
  const { calibrationSet } = await import('../../../quantize/calibrate/dataset.js');
  const { readTflite } = await import('../../../quantize/tflite/read.js');
  const { createLiteRtRuntime } = await import('../../runtime/litert.js');
  const floatPath = join(modelDir, 'generator-float32.tflite');
  const floatBytes = new Uint8Array(readFileSync(floatPath));
  const calibPath = join(modelDir, 'calib-latent.npy');
  const set = calibrationSet([readNpy(new Uint8Array(readFileSync(calibPath)), calibPath)], inputElementCounts(readTflite(floatBytes, floatPath)));
  const runtime = await createLiteRtRuntime();
  try {
    const result = await quantizeModel({ floatModel: floatBytes, calibration: set, method: 'minmax', int8Io: false, runtime, metadata: { name: 'gan-ecg' }, reportSamples: 0, keepFloat: [] });
    if (result.fallbacks.length > 0) throw new Error(`${floatPath}: ${result.fallbacks.length} op(s) stayed float (${result.fallbacks.map((x) => x.op).join(', ')}): not an int8 model`);
    writeFileSync(join(modelDir, 'generator-int8.tflite'), result.bytes);
    log(`int8: ${join(modelDir, 'generator-int8.tflite')} ${result.bytes.byteLength} B (float ${floatBytes.byteLength} B, ${set.count} calibration latents)`);
  } finally {
    runtime.close();
  }
}

async function generatorStrips(modelDir: string, seconds: number): Promise<StripMaker> {
  const { createLiteRtRuntime } = await import('../../runtime/litert.js');
  const { EcgBeatGenerator } = await import('../ecg-generator.js');
  const { assembleStrip, loadRhythm } = await import('../strip.js');
  const runtime = await createLiteRtRuntime();
  const gen = await EcgBeatGenerator.load(runtime, { dir: modelDir });
  const rhythm = loadRhythm(gen);
  const info = gen.info;
  return {
    make: (rhythmClass, rng) => assembleStrip(gen, rhythm, rng, { seconds, rhythmClass }),
    model: `${info.name}@${info.version}/${info.variant} (${info.sha256.slice(0, 12)})`,
    close: () => (gen.dispose(), runtime.close()),
  };
}

export function defaultDeps(seconds: number): ShareDeps {
  return {
    log: (line) => console.log(line),
    error: (line) => console.error(line),
    quantize: quantizeGenerator,
    evaluate: async (o) => (await import('../eval/evaluate.js')).evaluateSynthEcg(o),
    strips: (dir) => generatorStrips(dir, seconds),
  };
}

const isEmptyDir = (dir: string) => readdirSync(dir).length === 0;

export async function runShare(o: ShareOptions, deps: ShareDeps = defaultDeps(o.seconds)): Promise<number> {
  const { log, error } = deps;
  // 1. validation
  const input = await validateShareInput(o.from, GAN_ECG_CUT, MEMBER_FRACTION);
  const problems = [...input.problems];
  if (existsSync(o.out) && !isEmptyDir(o.out)) problems.push(`--out ${o.out}: exists and is not empty (the shared set gets a folder of its own)`);
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
  // 2. split and trainer input
  const split = splitRecords(input.records.map((r) => r.name), o.seed);
  const train = input.records.filter((r) => split.trainRecords.includes(r.name));
  const vMembers = memberVBeats(train, MEMBER_FRACTION);
  const sharedClasses: ('N' | 'V')[] = vMembers >= MIN_V_MEMBER_BEATS ? ['N', 'V'] : ['N'];
  const notes = [...input.notes];
  if (sharedClasses.length === 1) notes.push(`${vMembers} ventricular beats in the training part (fewer than ${MIN_V_MEMBER_BEATS}): only class N strips are shared`);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const work = resolve(o.work ?? join('var', 'synth-share', stamp));
  const modelDir = join(work, 'model');
  const trainer = writeTrainerInput(join(work, 'input'), train, MEMBER_FRACTION, o.seed, GAN_ECG_CUT.beatSamples);
  writeFileSync(join(work, 'split.json'), JSON.stringify({ ...split, memberFraction: MEMBER_FRACTION, seed: o.seed }, null, 1));
  log(`input ok: ${input.records.length} recordings at ${input.sampleRateHz} Hz; training ${split.trainRecords.length} (${split.trainRecords.join(' ')}), held out ${split.heldoutRecords.length} (${split.heldoutRecords.join(' ')}); ${trainer.beats.n} N + ${trainer.beats.v} V member beats -> ${work}`);
  for (const n of notes) log(`note: ${n}`);

  // 3. training, 4. int8 + manifest
  const logFile = join(work, 'train.log');
  const env = { ...process.env, TF_NUM_INTRAOP_THREADS: process.env.TF_NUM_INTRAOP_THREADS ?? '1', TF_NUM_INTEROP_THREADS: process.env.TF_NUM_INTEROP_THREADS ?? '1' };
  const step = async (what: string, args: string[]): Promise<number> => {
    const r = await runStreaming(python, args, { cwd: packageRoot, env, logFile, onLine: (line, stream) => (stream === 'stdout' ? log(line) : error(line)) });
    if (r.code !== 0) error(`synth share: ${what} failed (exit ${r.code}${r.reason ? `: ${r.reason}` : ''}); its output is in ${logFile}; nothing was written to ${o.out}`);
    return r.code;
  };
  log(`training: training/gan/ecg_wgan.py (${o.steps} steps, seed ${o.seed}, identity adversary weight ${o.identityWeight})`);
  const trained = await step('training (training/gan/ecg_wgan.py)', [
    join(packageRoot, 'training', 'gan', 'ecg_wgan.py'), '--out', modelDir, '--work', join(work, 'train'), '--records', split.trainRecords.join(','), '--heldout', split.heldoutRecords.join(','),
    '--member-fraction', String(MEMBER_FRACTION), '--seed', String(o.seed), '--steps', String(o.steps), '--beats', trainer.beatsPath, '--classes', trainer.classesPath, '--beat-records', trainer.recordsPath, '--rhythm', trainer.rhythmPath,
    '--identity-weight', String(o.identityWeight),
  ]);
  if (trained !== 0) return trained;
  await deps.quantize(modelDir, log);
  const trainedOn = `${input.records.length} recordings of ${o.from} (weargate synth share): records ${split.trainRecords.join(', ')} (first ${Math.round(100 * MEMBER_FRACTION)} %, ${trainer.beats.n} N and ${trainer.beats.v} V beats); records ${split.heldoutRecords.join(', ')} never seen`;
  const exported = await step('export (training/gan/ecg_export.py)', [join(packageRoot, 'training', 'gan', 'ecg_export.py'), '--dir', modelDir, '--trained-on', trainedOn]);
  if (exported !== 0) return exported;

  // 5. evaluation on the clinic's own records
  log('evaluation: fidelity, utility, privacy (evaluateSynthEcg)');
  const evaluation = await deps.evaluate({ dataDir: o.from, modelDir, seed: o.seed, progress: (line) => log(`  ${line}`) });
  if (evaluation.data.trainRecords.join() !== split.trainRecords.join() || evaluation.data.heldoutRecords.join() !== split.heldoutRecords.join()) {
    throw new Error(`the exported manifest's records (${evaluation.data.trainRecords.join(' ')} / ${evaluation.data.heldoutRecords.join(' ')}) are not this run's split`);
  }
  const gate = privacyGate(evaluation);
  const report: ShareReport = {
    format: 'weargate-synth-share-report/1', createdAt: new Date().toISOString(), from: o.from,
    options: { n: o.n, seconds: o.seconds, steps: o.steps, seed: o.seed, identityWeight: o.identityWeight },
    input: { records: input.records.length, sampleRateHz: input.sampleRateHz ?? 0, notes, beats: Object.fromEntries(input.records.map((r) => [r.name, r.counts])) },
    split: { ...split, memberFraction: MEMBER_FRACTION }, trainedBeats: trainer.beats, sharedClasses, gate, evaluation,
  };
  writeReport(work, report);
  for (const c of gate.privacy) log(`  ${checkLine(c)}`);
  for (const c of gate.other) log(`  ${checkLine(c)} (not gated)`);

  // 6. the gate
  if (!gate.pass) {
    error(`synth share: ${gate.failed.length} of ${gate.privacy.length} privacy check${gate.privacy.length === 1 ? '' : 's'} failed; nothing was written to ${o.out}:`);
    for (const c of gate.failed) error(`  - ${checkLine(c)}`);
    error(`the report is in ${join(work, 'REPORT.md')} (and report.json)`);
    return 3;
  }
  const maker = await deps.strips(modelDir);
  try {
    report.shared = writeStrips(o.out, sharedClasses, o.n, maker.make, new SeededRandom(o.seed + 1), maker.model);
  } finally {
    maker.close();
  }
  writeReport(o.out, report);
  writeReport(work, report);
  log(`every privacy check passed: ${report.shared.strips.length} synthetic ${o.seconds} s strips (${sharedClasses.join(', ')}) + report.json + REPORT.md -> ${o.out}`);
  return 0;
}
