// `weargate eval synth ecg`: fidelity, utility (TSTR vs TRTR), augmentation and privacy of the ECG
// GAN on the MIT-BIH records its manifest names (see src/models/gan/eval/evaluate.ts).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { registerEegMaps } from './eval-synth-eeg.js';

interface EvalSynthOptions {
  data: string;
  model?: string;
  variant?: string;
  seed: string;
  perClass?: string;
  strips: string;
  json?: boolean;
  jsonOut?: string;
}

function evalCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'eval') ?? program.command('eval').description('evaluate algorithms on recorded data');
}

function synthGroup(program: Command): Command {
  const ev = evalCommand(program);
  return ev.commands.find((c) => c.name() === 'synth') ?? ev.command('synth').description('measure synthetic data: fidelity, utility, privacy');
}

export function register(program: Command): void {
  synthGroup(program)
    .command('ecg')
    .description('the ECG GAN: rhythm, beat shape, spectra and embeddings vs real; TSTR vs TRTR; augmentation; membership inference and re-identification')
    .requiredOption('--data <dir>', 'folder with the MIT-BIH records the manifest names (e.g. ../shared/data/mitdb-train)')
    .option('--model <dir>', 'generator folder (default models/gan-ecg)')
    .option('--variant <name>', 'generator variant (default: the manifest default)')
    .option('--seed <int>', 'random seed', '20261201')
    .option('--per-class <n>', 'synthetic beats per class (default: the real member N count, at most 10000)')
    .option('--strips <n>', 'synthetic 10 s strips per rhythm class', '150')
    .option('--json', 'print the report as JSON')
    .option('--json-out <file>', 'also write the JSON report to <file>')
    .action(async (opts: EvalSynthOptions) => {
      try {
        const { evaluateSynthEcg } = await import('../../models/gan/eval/evaluate.js');
        const { synthEcgTables } = await import('../../models/gan/eval/report-table.js');
        const report = await evaluateSynthEcg({
          dataDir: opts.data,
          modelDir: opts.model,
          variant: opts.variant,
          seed: Number(opts.seed),
          syntheticPerClass: opts.perClass === undefined ? undefined : Number(opts.perClass),
          syntheticStrips: Number(opts.strips),
          progress: opts.json ? undefined : (line) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
        });
        if (opts.jsonOut) writeFileSync(opts.jsonOut, JSON.stringify(report, null, 1));
        console.log(opts.json ? JSON.stringify(report, null, 1) : synthEcgTables(report));
        process.exitCode = report.pass ? 0 : 3;
      } catch (err) {
        console.error(`eval synth ecg: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    });
  registerEegMaps(synthGroup(program));
}
