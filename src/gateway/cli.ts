// weargate command line. Each command lives in src/gateway/commands/<name>.ts and exports
// `register(program)`; heavy modules are imported inside the action so `--help` stays fast.
import { Command } from 'commander';
import { packageVersion } from '../common/package-root.js';

const program = new Command();
program
  .name('weargate')
  .description('Edge runtime for biosignal wearables: ECG/EEG devices to on-device int8 models and MQTT')
  .version(packageVersion)
  .showHelpAfterError();

// Command registrations (keep one line per command module).
(await import('./commands/run.js')).register(program);
(await import('./commands/model-inspect.js')).register(program);
(await import('./commands/model-quantize.js')).register(program);
(await import('./commands/model-train.js')).register(program);
(await import('./commands/eval-rpeaks.js')).register(program);
(await import('./commands/eval-mdd.js')).register(program);
(await import('./commands/eval-similarity.js')).register(program);
(await import('./commands/ecg-report.js')).register(program);
(await import('./commands/devices-scan.js')).register(program);
(await import('./commands/record.js')).register(program);
(await import('./commands/eeg-topomap.js')).register(program);
(await import('./commands/athletes.js')).register(program);
(await import('./commands/fleet.js')).register(program);
(await import('./commands/synth.js')).register(program);
(await import('./commands/synth-eeg.js')).register(program);
(await import('./commands/synth-share.js')).register(program);
(await import('./commands/eval-synth.js')).register(program);

await program.parseAsync(process.argv);
