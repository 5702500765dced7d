// `weargate record --config <file> --device <id> --seconds <n> --out <file>`: records one device
// stream to an EDF+/BDF+ file and exits (docs/recording.md). `--speed` overrides replay devices.
import type { Command } from 'commander';

interface RecordOptions {
  config: string;
  device: string;
  seconds: string;
  out: string;
  stream?: string;
  format?: string;
  speed?: string;
  timeout: string;
}

export function register(program: Command): void {
  program
    .command('record')
    .description('record one device stream to an EDF+ (16-bit) or BDF+ (24-bit) file, then exit')
    .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON)')
    .requiredOption('-d, --device <id>', 'device id from the config')
    .requiredOption('-s, --seconds <n>', 'seconds of signal to record')
    .requiredOption('-o, --out <file>', 'output file (.edf or .bdf); never overwritten')
    .option('--stream <type>', 'ecg or eeg (default: the stream the device kind produces)')
    .option('--format <format>', 'edf, bdf or auto (default: recording.format of the config)')
    .option('--speed <x>', 'playback speed of replay devices (overrides their speed)')
    .option('--timeout <s>', 'give up when no sample arrives for this long', '30')
    .action(async (opts: RecordOptions) => {
      const seconds = Number(opts.seconds);
      const speed = opts.speed === undefined ? undefined : Number(opts.speed);
      const timeout = Number(opts.timeout);
      const problems: string[] = [];
      if (!(seconds > 0 && seconds <= 7 * 24 * 3600)) problems.push('--seconds must be a number above 0 (at most a week)');
      if (speed !== undefined && !(speed > 0 && speed <= 1000)) problems.push('--speed must be a number from 0 to 1000');
      if (!(timeout > 0)) problems.push('--timeout must be a positive number');
      if (opts.stream !== undefined && opts.stream !== 'ecg' && opts.stream !== 'eeg') problems.push('--stream must be ecg or eeg');
      if (opts.format !== undefined && !['edf', 'bdf', 'auto'].includes(opts.format)) problems.push('--format must be edf, bdf or auto');
      if (problems.length > 0) {
        for (const p of problems) console.error(`record: ${p}`);
        process.exitCode = 2;
        return;
      }
      const { loadConfigFile } = await import('../config/load.js');
      const { ConfigError } = await import('../../common/errors.js');
      const { createLogger } = await import('../../common/logger.js');
      const { recordDevice, withReplaySpeed } = await import('../record-device.js');
      let config;
      try {
        config = withReplaySpeed(loadConfigFile(opts.config), speed);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        console.error(`record: ${err.message}`);
        process.exitCode = 2;
        return;
      }
      const log = createLogger('wg:record', { level: config.logLevel === 'debug' ? 'debug' : 'warn' });
      try {
        const result = await recordDevice({
          config,
          deviceId: opts.device,
          seconds,
          out: opts.out,
          stream: opts.stream as 'ecg' | 'eeg' | undefined,
          format: opts.format as 'edf' | 'bdf' | 'auto' | undefined,
          noDataTimeoutS: timeout,
          log,
        });
        const s = result.stats;
        console.log(
          `recorded ${result.samples} ${result.stream} samples per channel to ${opts.out}: ${s.files} file(s), ${s.recordsWritten} records, ` +
            `${s.bytesWritten} bytes, ${s.samplesClipped} clipped, ${s.samplesMissing} missing, ${s.samplesDropped} dropped, ${s.errors} storage errors`,
        );
        process.exitCode = result.samples === 0 || s.errors > 0 ? 1 : 0;
      } catch (err) {
        console.error(`record: ${(err as Error).message}`);
        process.exitCode = 1;
      }
    });
}
