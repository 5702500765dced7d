// `weargate eval similarity --data <dir of ECG-ID persons>`: cross-validated verification EER, ROC
// points and rank-1 identification of the committed similarity models (models/similarity), float32
// and int8 (ours and the TF converter's), each person scored by the model that never saw them.
import type { Command } from 'commander';
import type { VariantResult } from '../../models/similarity/evaluate.js';

interface EvalSimilarityOptions {
  data: string;
  manifest?: string;
  variants: string;
  json?: boolean;
  jsonOut?: string;
}

function evalCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'eval') ?? program.command('eval').description('evaluate algorithms on recorded data');
}

export function register(program: Command): void {
  evalCommand(program)
    .command('similarity')
    .description('ECG similarity: verification EER, ROC points and rank-1 identification on persons the scoring model never saw')
    .requiredOption('--data <dir>', 'folder of ECG-ID style persons (Person_NN/rec_1m, rec_2m WFDB records)')
    .option('--manifest <file>', 'similarity manifest (default: models/similarity/manifest.json)')
    .option('--variants <list>', 'comma-separated: float32, int8, int8-tfconverter', 'float32,int8,int8-tfconverter')
    .option('--json', 'print the results as JSON')
    .option('--json-out <file>', 'also write the JSON results to <file>')
    .action(async (opts: EvalSimilarityOptions) => {
      try {
        process.exitCode = await evalSimilarity(opts);
      } catch (err) {
        console.error(`eval similarity: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    });
}

const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(2)}`);

function table(results: VariantResult[]): string {
  const lines = ['| variant | trial | EER % | threshold | rank-1 % | FAR % / FRR % at manifest threshold | genuine / impostor |', '|---|---|---|---|---|---|---|'];
  for (const r of results) {
    for (const kind of ['record', 'segment'] as const) {
      const s = r[kind];
      const at = s.atManifestThreshold;
      lines.push(`| ${r.variant} | ${kind} | ${pct(s.eer)} | ${s.threshold.toFixed(4)} | ${pct(s.rank1)} (${s.rank1Correct}/${s.trials}) | ${pct(at.far)} / ${pct(at.frr)} | ${s.genuine} / ${s.impostor} |`);
    }
  }
  return lines.join('\n');
}

function rocTable(results: VariantResult[]): string {
  const lines = ['| variant | trial | FRR % at FAR 0.1 / 1 / 5 / 10 / 20 % |', '|---|---|---|'];
  for (const r of results) for (const kind of ['record', 'segment'] as const) lines.push(`| ${r.variant} | ${kind} | ${r[kind].roc.map((p) => `${pct(p.frr)} (FAR ${pct(p.far)})`).join(' / ')} |`);
  return lines.join('\n');
}

async function evalSimilarity(opts: EvalSimilarityOptions): Promise<number> {
  const { basename } = await import('node:path');
  const { loadSimilarityManifest } = await import('../../models/similarity/manifest.js');
  const { SimilarityEncoder } = await import('../../models/similarity/encoder.js');
  const { listEcgIdPersons, loadEcgChannel } = await import('../../models/similarity/ecgid.js');
  const { similaritySegments } = await import('../../models/similarity/preprocess.js');
  const { assignGroups, evaluateVariant } = await import('../../models/similarity/evaluate.js');
  const { createLiteRtRuntime } = await import('../../models/runtime/litert.js');
  type Variant = import('../../models/similarity/manifest.js').SimilarityVariant;

  const manifest = loadSimilarityManifest(opts.manifest);
  const variants = opts.variants.split(',').map((v) => v.trim()) as Variant[];
  for (const v of variants) if (!['float32', 'int8', 'int8-tfconverter'].includes(v)) throw new Error(`unknown variant '${v}'`);
  const persons = (await listEcgIdPersons(opts.data)).filter((p) => p.records.length >= 2);
  if (persons.length < 2) throw new Error(`${opts.data}: fewer than 2 persons with two records`);

  const segmentsOf = async (path: string) => {
    const sig = await loadEcgChannel(path);
    return similaritySegments(sig.microvolts, sig.sampleRateHz).map((s) => s.values);
  };
  const byId = new Map<string, { id: string; enroll: Float32Array[]; trial: Float32Array[] }>();
  for (const p of persons) byId.set(p.id, { id: p.id, enroll: await segmentsOf(p.records[0]), trial: await segmentsOf(p.records[1]) });
  const groups = [...assignGroups(manifest, persons.map((p) => p.id)).entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([model, ids]) => ({
    model,
    persons: ids.map((id) => byId.get(id) as { id: string; enroll: Float32Array[]; trial: Float32Array[] }),
  }));

  const runtime = await createLiteRtRuntime();
  const results: VariantResult[] = [];
  try {
    for (const variant of variants) {
      results.push(
        await evaluateVariant(variant, groups, async (model) => {
          const fold = manifest.folds.find((f) => f.name === model);
          if (!fold) throw new Error(`manifest has no model '${model}'`);
          const enc = await SimilarityEncoder.load(runtime, manifest, fold, variant);
          return { embed: (s) => enc.embed(s), dispose: () => enc.dispose() };
        }, manifest.eerThreshold),
      );
      process.stderr.write(`${variant}: record EER ${pct(results[results.length - 1].record.eer)} %\n`);
    }
  } finally {
    runtime.close();
  }

  const settings = {
    data: opts.data,
    model: { name: manifest.name, version: manifest.version },
    cv: manifest.cv,
    protocol: 'enrollment: first record (template = normalised mean of its segment embeddings); trials: second record, as one record trial (mean of its segments) and as single 2.048-s segments; every trial against every template of the same model group; EER pooled over groups; rank-1 within each group',
    persons: persons.length,
    segments: { enroll: [...byId.values()].reduce((n, p) => n + p.enroll.length, 0), trial: [...byId.values()].reduce((n, p) => n + p.trial.length, 0) },
    groups: groups.map((g) => ({ model: g.model, persons: g.persons.map((p) => p.id) })),
    records: { enroll: basename(persons[0].records[0]), trial: basename(persons[0].records[1]) },
  };
  const json = JSON.stringify({ settings, results }, null, 2);
  if (opts.jsonOut) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(opts.jsonOut, `${json}\n`);
  }
  if (opts.json) {
    console.log(json);
    return 0;
  }
  console.log(`ECG similarity on ${opts.data}: ${persons.length} persons, ${settings.segments.enroll} enrollment and ${settings.segments.trial} trial segments`);
  console.log(`model ${manifest.name} ${manifest.version}; ${manifest.cv}`);
  console.log(`groups: ${groups.map((g) => `${g.model} (${g.persons.length})`).join(', ')}\n`);
  console.log(`${table(results)}\n\n## ROC\n\n${rocTable(results)}\n\n## per model group (EER % / rank-1 %, record trials)\n`);
  for (const r of results) console.log(`${r.variant}: ${r.groups.map((g) => `${g.model} ${pct(g.record.eer)} / ${pct(g.record.rank1)}`).join(', ')}`);
  return 0;
}
