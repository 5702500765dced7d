// `weargate synth ecg`: synthetic single-lead ECG from the committed GAN generator (models/gan-ecg)
// on LiteRT, as strips (EDF+ or WFDB, with beat annotations) or as beat windows (.npy).
// `weargate synth eeg-maps` lives in synth-eeg.ts. Synthetic data is for research, augmentation and
// sharing; every file says it is synthetic.
import type { Command } from 'commander';

export interface SynthEcgOptions {
  n: string;
  class: string;
  out: string;
  format: string;
  seconds: string;
  seed: string;
  variant?: string;
  model?: string;
  vFraction?: string;
  heartRateBpm?: string;
  noiseUv: string;
  quiet?: boolean;
}

export function synthCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'synth') ?? program.command('synth').description('synthetic biosignals from the GAN generators (research data, not recordings)');
}

export function register(program: Command): void {
  synthCommand(program)
    .command('ecg')
    .description('synthetic ECG strips or beats of class N (normal) or V (with ventricular beats)')
    .requiredOption('--n <count>', 'number of strips (wfdb, edf) or beats (npy)')
    .option('--class <N|V>', "N: normal beats only; V: strips with ventricular ectopics (npy: every beat of that class)", 'N')
    .requiredOption('--out <dir>', 'output folder')
    .option('--format <wfdb|edf|npy>', 'wfdb/edf: one record per strip with beat annotations; npy: beat windows [n, samples] in mV', 'wfdb')
    .option('--seconds <s>', 'strip length', '10')
    .option('--seed <int>', 'random seed (the same seed gives the same files)', '1')
    .option('--variant <name>', 'generator variant (int8, float32; default: the manifest default)')
    .option('--model <dir>', 'generator folder (default: models/gan-ecg)')
    .option('--v-fraction <p>', 'class V: chance that a beat is followed by a ventricular beat', '0.15')
    .option('--heart-rate-bpm <bpm>', 'median heart rate (default: drawn from the training records)')
    .option('--noise-uv <uV>', 'white measurement noise, µV RMS', '0')
    .option('--quiet', 'no progress lines')
    .action(async (opts: SynthEcgOptions) => {
      try {
        const { synthEcg } = await import('../../models/gan/synth-ecg.js');
        process.exitCode = await synthEcg(opts);
      } catch (err) {
        console.error(`synth ecg: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 2;
      }
    });
}
