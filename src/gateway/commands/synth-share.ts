// `weargate synth share --from <dir> --out <dir>`: trains the ECG GAN on a clinic's WFDB recordings,
// runs the privacy checks against them, and writes synthetic strips with a report only when every
// privacy check passes (src/models/gan/share/run.ts; docs/synthetic-data.md). `--kind eeg-maps --labels <csv>`:
// the same for the EEG map generator on labelled EDF files (src/models/gan/share/eeg-run.ts).
// Exit codes: 0 shared, 2 bad input, 3 a privacy check failed (nothing written), 1 environment.
import type { Command } from 'commander';
import { DEFAULT_IDENTITY_WEIGHT } from '../../models/gan/share/defaults.js';
import { synthCommand } from './synth.js';

interface SynthShareOptions {
  kind: string;
  labels?: string;
  montage?: string;
  from: string;
  out: string;
  n: string;
  seconds: string;
  steps?: string;
  seed: string;
  identityWeight: string;
  python?: string;
  work?: string;
}

export function register(program: Command): void {
  synthCommand(program)
    .command('share')
    .description('train a generator on your recordings, check privacy against them, share synthetic data only if every privacy check passes')
    .option('--kind <kind>', 'ecg: ECG strips from beat-annotated recordings; eeg-maps: EEG band-power map stacks from labelled EDF files (needs --labels)', 'ecg')
    .requiredOption('--from <dir>', 'ecg: folder of recordings, one per person, at least 8: WFDB records (.hea, .dat format 212/16, .atr beat annotations) and/or EDF/EDF+C files with beat annotations (TAL texts N, V, ...); eeg-maps: folder of EDF files')
    .option('--labels <csv>', 'eeg-maps: file,subject,label,condition (MDD/healthy, EC/EO), at least 4 persons per label')
    .option('--montage <n>', 'eeg-maps: 19 (10-20) or 8 (Cyton / ADS1299: Fp1 Fp2 C3 C4 P7 P8 O1 O2) electrodes, selected by name (default 19)')
    .requiredOption('--out <dir>', 'where the synthetic strips and the report go (only when every privacy check passes; must be new or empty)')
    .option('--n <count>', 'ecg: synthetic strips per shared class (N, and V when the recordings have enough ventricular beats); eeg-maps: map stacks per condition', '100')
    .option('--seconds <s>', 'strip length', '10')
    .option('--steps <n>', 'generator training steps (default 4000 for ecg, 2000 for eeg-maps: the shipped recipes)')
    .option('--seed <int>', 'seed of the split, the training and the strips', '20261201')
    .option('--identity-weight <w>', 'weight of the identity adversary: the generator pays for beats a person classifier can attribute to one of your persons (0 = off; docs/models/gan-ecg.md)', String(DEFAULT_IDENTITY_WEIGHT))
    .option('--python <path>', 'Python of the training environment (default training/.venv/bin/python)')
    .option('--work <dir>', 'work folder: trainer input, model, log, report (default var/synth-share/<timestamp>)')
    .action(async (opts: SynthShareOptions) => {
      const usage: string[] = [];
      const int = (name: string, text: string, min: number, max: number): number => {
        const v = Number(text);
        if (!Number.isInteger(v) || v < min || v > max) usage.push(`--${name} ${text}: needs an integer within [${min}, ${max}]`);
        return v;
      };
      const n = int('n', opts.n, 1, 10_000);
      const seconds = int('seconds', opts.seconds, 4, 600);
      const eeg = opts.kind === 'eeg-maps';
      if (!eeg && opts.kind !== 'ecg') usage.push(`--kind ${opts.kind}: ecg or eeg-maps`);
      if (eeg && !opts.labels) usage.push('--kind eeg-maps needs --labels <csv> (file,subject,label,condition)');
      if (!eeg && opts.labels) usage.push('--labels is for --kind eeg-maps (ECG beats are labelled by their annotations)');
      if (!eeg && opts.montage !== undefined) usage.push('--montage is for --kind eeg-maps (ECG is single-lead)');
      if (eeg && opts.montage !== undefined && opts.montage !== '19' && opts.montage !== '8') usage.push(`--montage ${opts.montage}: 19 or 8`);
      const steps = int('steps', opts.steps ?? (eeg ? '2000' : '4000'), 1, 1_000_000);
      const seed = int('seed', opts.seed, 0, 2 ** 32 - 1);
      const identityWeight = Number(opts.identityWeight);
      if (!Number.isFinite(identityWeight) || identityWeight < 0 || identityWeight > 10) usage.push(`--identity-weight ${opts.identityWeight}: needs a number within [0, 10]`);
      if (usage.length > 0) {
        console.error(`synth share: ${usage.length} problem${usage.length === 1 ? '' : 's'} in the options, nothing was trained or written:`);
        for (const u of usage) console.error(`  - ${u}`);
        process.exitCode = 2;
        return;
      }
      try {
        if (eeg) {
          const { runShareEeg } = await import('../../models/gan/share/eeg-run.js');
          process.exitCode = await runShareEeg({ from: opts.from, labels: opts.labels!, out: opts.out, n, steps, seed, montage: opts.montage === '8' ? 8 : 19, python: opts.python, work: opts.work });
          return;
        }
        const { runShare } = await import('../../models/gan/share/run.js');
        process.exitCode = await runShare({ from: opts.from, out: opts.out, n, seconds, steps, seed, identityWeight, python: opts.python, work: opts.work });
      } catch (err) {
        console.error(`synth share: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    });
}
