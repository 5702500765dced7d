// `weargate run --config <file>`: the daemon.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('run')
    .description('run the gateway daemon')
    .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON)')
    .action(async (opts: { config: string }) => {
      const { runGateway } = await import('../run-gateway.js');
      process.exitCode = await runGateway({ configPath: opts.config });
    });
}
