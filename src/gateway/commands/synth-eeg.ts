// `weargate synth eeg-maps`: synthetic band-power map stacks (the MDD model's input) from the
// committed EEG map GAN (models/gan-eeg-maps) on LiteRT, written as one .npy plus a JSON sidecar
// (labels, conditions, provenance). Synthetic data for research and augmentation, not recordings.
import type { Command } from 'commander';
import { synthCommand } from './synth.js';

export interface SynthEegOptions {
  n: string;
  label: string;
  condition?: string;
  out: string;
  seed: string;
  layout: string;
  variant?: string;
  model?: string;
  quiet?: boolean;
}

export function register(program: Command): void {
  synthCommand(program)
    .command('eeg-maps')
    .description('synthetic EEG band-power map stacks (19-electrode 10-20 montage, 5 bands, 32 x 32) of MDD or healthy persons')
    .requiredOption('--n <count>', 'number of map stacks')
    .requiredOption('--label <MDD|healthy>', 'the person label the stacks are conditioned on')
    .option('--condition <EC|EO>', 'eyes closed or open (default: alternating EC, EO)')
    .requiredOption('--out <file.npy>', 'output .npy (a <file>.json sidecar is written next to it)')
    .option('--seed <int>', 'random seed (the same seed gives the same file)', '1')
    .option('--layout <nhwc|nchw>', 'nhwc: [n, 32, 32, 5], the MDD model input; nchw: [n, 5, 32, 32], like training/out/mdd-maps', 'nhwc')
    .option('--variant <name>', 'generator variant (int8, float32; default: the manifest default)')
    .option('--model <dir>', 'generator folder (default: models/gan-eeg-maps)')
    .option('--quiet', 'no summary line')
    .action(async (opts: SynthEegOptions) => {
      try {
        const { synthEegMaps } = await import('../../models/gan/eeg-synth.js');
        process.exitCode = await synthEegMaps(opts);
      } catch (err) {
        console.error(`synth eeg-maps: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 2;
      }
    });
}
