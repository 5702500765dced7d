// `weargate eval synth eeg-maps`: utility (TSTR vs TRTR with the MDD logistic baseline), fidelity
// (two-sample test, per-band mean/SD maps) and privacy (DCR membership AUC, DCR ratio) of the EEG
// map generator, from the recordings, on the MDD CV folds (src/models/gan/eval/eeg-evaluate.ts).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';

interface EvalSynthEegCliOptions {
  data: string;
  labels: string;
  model?: string;
  variant?: string;
  seed: string;
  resamples: string;
  json?: boolean;
  jsonOut?: string;
}

export function registerEegMaps(synth: Command): void {
  synth
    .command('eeg-maps')
    .description('the EEG map GAN: MDD baseline trained on synthetic vs real (tested on held-out persons), two-sample test, map agreement, DCR membership inference')
    .requiredOption('--data <dir>', 'folder with the EDF recordings (e.g. ../shared/data/mumtaz-mdd-train)')
    .requiredOption('--labels <csv>', 'labels file: file,subject,label,condition')
    .option('--model <dir>', 'generator folder (default models/gan-eeg-maps)')
    .option('--variant <name>', 'generator variant (default: the manifest default)')
    .option('--seed <int>', 'random seed of the latents', '7')
    .option('--resamples <n>', 'bootstrap resamples over persons', '2000')
    .option('--json', 'print the report as JSON')
    .option('--json-out <file>', 'also write the JSON report to <file>')
    .action(async (opts: EvalSynthEegCliOptions) => {
      try {
        const seed = Number(opts.seed), resamples = Number(opts.resamples);
        if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, not '${opts.seed}'`);
        if (!Number.isInteger(resamples) || resamples < 0) throw new Error(`--resamples must be a non-negative integer, not '${opts.resamples}'`);
        const { evaluateSynthEeg } = await import('../../models/gan/eval/eeg-evaluate.js');
        const { synthEegTables } = await import('../../models/gan/eval/eeg-table.js');
        const report = await evaluateSynthEeg({
          dataDir: opts.data, labelsPath: opts.labels, modelDir: opts.model, variant: opts.variant, seed, resamples,
          progress: opts.json ? undefined : (line) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
        });
        if (opts.jsonOut) writeFileSync(opts.jsonOut, JSON.stringify(report, null, 1));
        console.log(opts.json ? JSON.stringify(report, null, 1) : synthEegTables(report));
      } catch (err) {
        console.error(`eval synth eeg-maps: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    });
}
