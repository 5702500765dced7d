// `weargate eval mdd --data <dir> --labels <csv>`: the MDD screening model on labelled EDF recordings,
// through the gateway's own features and LiteRT. A person listed in the manifest's cross-validation
// folds is scored by the fold model that held them out (never by a model that saw them); anyone else
// by the shipped model. Per-person results and metrics with 95 % bootstrap intervals (over persons)
// for eyes closed, eyes open and both.
import type { Command } from 'commander';

interface EvalMddOptions {
  data: string;
  labels: string;
  model?: string;
  manifest: string;
  variant?: string;
  persons?: string;
  json?: boolean;
  resamples: string;
}

function evalCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'eval') ?? program.command('eval').description('evaluate algorithms on recorded data');
}

export function register(program: Command): void {
  evalCommand(program)
    .command('mdd')
    .description('score the MDD screening model on labelled EDF recordings (subject-wise: CV fold models for persons they held out)')
    .requiredOption('--data <dir>', 'folder of EDF recordings')
    .requiredOption('--labels <csv>', 'file,subject,label[,condition] (label MDD|healthy, condition EC|EO)')
    .option('--model <tflite>', 'score every person with this model instead (it may have seen them: said so)')
    .option('--manifest <file>', 'the model manifest (features, folds)', 'models/mdd-cnn/manifest.json')
    .option('--variant <name>', "which fold/shipped variant: 'int8' (ours, default) or 'float32'")
    .option('--persons <list>', 'comma-separated subjects to score (default: all in the labels file)')
    .option('--json', 'print the results as JSON')
    .option('--resamples <n>', 'bootstrap resamples over persons', '2000')
    .action(async (opts: EvalMddOptions) => {
      try {
        process.exitCode = await evalMdd(opts);
      } catch (err) {
        console.error(`eval mdd: ${(err as Error).message}`);
        process.exitCode = 1;
      }
    });
}

async function evalMdd(opts: EvalMddOptions): Promise<number> {
  const { readFileSync, existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { readManifest, sha256Hex } = await import('../../models/manifest.js');
  const { mddParams, mddMapCodec, checkMddModel } = await import('../../models/mdd/codec.js');
  const { readMddLabels } = await import('../../models/mdd/labels.js');
  const { recordingMaps } = await import('../../models/mdd/dataset.js');
  const { evaluatePersons, EVAL_CONDITIONS } = await import('../../models/mdd/evaluate.js');
  const { metricsTable } = await import('../../models/mdd/report-table.js');
  const { createLiteRtRuntime } = await import('../../models/runtime/litert.js');
  const doc = readManifest(opts.manifest);
  const params = mddParams(doc.manifest);
  const variant = opts.variant ?? 'int8';
  let labels = readMddLabels(opts.labels);
  if (opts.persons) {
    const wanted = new Set(opts.persons.split(',').map((s) => s.trim()));
    labels = labels.filter((l) => wanted.has(l.subject));
    const unknown = [...wanted].filter((s) => !labels.some((l) => l.subject === s));
    if (unknown.length) throw new Error(`--persons: ${unknown.join(', ')} not in ${opts.labels}`);
  }
  const missing = labels.filter((l) => !existsSync(join(opts.data, l.file)));
  if (missing.length) throw new Error(`${missing.map((m) => m.file).join(', ')} listed in ${opts.labels} but not in ${opts.data}`);
  const runtime = await createLiteRtRuntime();
  try {
    const models = new Map<string, (maps: Float32Array) => number>();
    const load = async (file: string, sha256?: string): Promise<(maps: Float32Array) => number> => {
      const hit = models.get(file);
      if (hit) return hit;
      const bytes = new Uint8Array(readFileSync(file));
      if (sha256 !== undefined && sha256Hex(bytes) !== sha256) throw new Error(`${file}: sha256 differs from the manifest's`);
      const model = await runtime.load(bytes, { name: file });
      checkMddModel(doc.manifest, model);
      const run = (maps: Float32Array): number => mddMapCodec.postprocess(model.run(mddMapCodec.preprocess(maps, model, doc.manifest)), maps, model, doc.manifest);
      models.set(file, run);
      return run;
    };
    const cv = params.cv;
    const shipped = doc.manifest.variants[variant === 'int8' ? doc.manifest.defaultVariant : variant];
    if (!opts.model && !shipped) throw new Error(`the manifest has no variant '${variant}'`);
    const foldOf = (subject: string): number => (cv ? cv.folds.findIndex((f) => f.includes(subject)) : -1);
    const scored = [];
    const summaries = [];
    for (const rec of labels) {
      const r = recordingMaps(opts.data, rec, { params: params.features });
      summaries.push(r.summary);
      let name: string;
      let run: (maps: Float32Array) => number;
      const k = foldOf(rec.subject);
      if (opts.model) {
        name = `${opts.model} (given; may have seen this person)`;
        run = await load(opts.model);
      } else if (k >= 0 && cv) {
        const files = cv.models[variant];
        const entry = files?.[k];
        if (!entry) throw new Error(`the manifest lists no ${variant} model for fold ${k}`);
        const [file, sha] = entry.split('#');
        name = `fold ${k + 1}`;
        run = await load(join(doc.dir, file!), sha);
      } else {
        name = `shipped ${variant} (never saw this person: not in the CV folds)`;
        run = await load(join(doc.dir, shipped!.file), shipped!.sha256);
      }
      scored.push({ recording: rec, model: name, probabilities: r.maps.map(run), rejected: r.summary.epochs - r.summary.clean });
    }
    const result = evaluatePersons(scored, params.threshold, Number(opts.resamples));
    // do these recordings' groups differ in their amplifier's filter edges? (docs/models/mdd.md)
    const { setupConfound } = await import('../../models/mdd/setup-signature.js');
    const setup = setupConfound(summaries);
    const note = opts.model
      ? `every person scored by ${opts.model}: persons it was trained on are NOT held out`
      : `persons in the manifest's ${cv?.folds.length ?? 0} CV folds scored by the fold model that held them out (${variant}); others by the shipped model`;
    if (opts.json) {
      console.log(JSON.stringify({ model: `${doc.manifest.name}@${doc.manifest.version}`, variant, note, setup, ...result }, null, 1));
      return 0;
    }
    console.log(`${doc.manifest.name}@${doc.manifest.version} on ${labels.length} recordings of ${new Set(labels.map((l) => l.subject)).size} persons: ${note}`);
    for (const c of EVAL_CONDITIONS) {
      const list = result.persons[c];
      if (!list.length) continue;
      console.log(`\n${c}: person  label    model    score [95 % over epochs]  clean/rejected  predicted`);
      for (const p of list) {
        console.log(`  ${p.subject.padEnd(6)} ${p.label.padEnd(8)} ${p.model.slice(0, 8).padEnd(8)} ${p.score.toFixed(3)} [${p.interval.low.toFixed(3)}, ${p.interval.high.toFixed(3)}]  ${String(p.cleanEpochs).padStart(4)}/${p.rejectedEpochs}  ${p.predicted}${p.predicted === p.label ? '' : '  (wrong)'}`);
      }
    }
    console.log(`\n${metricsTable(result.metrics).join('\n')}`);
    const a = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
    console.log(`\nsetup check: AUC for MDD of the filter edges ${a(setup.lowEdgeAuc)} below 1 Hz, ${a(setup.highEdgeAuc)} above 40 Hz (0.5 = recorded alike)${setup.warning ? `\nwarning: ${setup.warning}` : ''}`);
    console.log('\nScreening research signal only: not a diagnosis.');
    return 0;
  } finally {
    runtime.close();
  }
}
