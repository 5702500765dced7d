// `weargate run --config <file>`: the daemon.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('run')
    .description('run the gateway daemon')
    .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON)')
    .option('--speed <x>', 'playback speed of every replay device (overrides the config)')
    .action(async (opts: { config: string; speed?: string }) => {
      const speed = opts.speed === undefined ? undefined : Number(opts.speed);
      if (speed !== undefined && !(speed > 0 && speed <= 1000)) {
        console.error('run: --speed must be a number from 0 to 1000');
        process.exitCode = 2;
        return;
      }
      const { runGateway } = await import('../run-gateway.js');
      process.exitCode = await runGateway({ configPath: opts.config, replaySpeed: speed });
    });
}
