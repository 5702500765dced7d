// `weargate model inspect <file.tflite> [--json]`: ops, tensors, sizes, MACs, metadata and the
// LiteRT compatibility verdict of a model file. Exit code 1 on unreadable or malformed files.
import type { Command } from 'commander';

/** Larger than any model a Pi runs in real time; also the limit for `model quantize` input. */
export const MAX_TFLITE_BYTES = 64 * 1024 * 1024;

function modelCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'model') ?? program.command('model').description('inspect and quantize .tflite models');
}

export function register(program: Command): void {
  modelCommand(program)
    .command('inspect <file>')
    .description('show ops, tensors, parameter/MAC counts, metadata and LiteRT compatibility of a .tflite file')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { readBoundedFile } = await import('../../common/bounded-read.js');
      const { inspectBytes } = await import('../../quantize/inspect.js');
      const { formatInspectReport } = await import('../../quantize/inspect-format.js');
      try {
        const report = inspectBytes(await readBoundedFile(file, { maxBytes: MAX_TFLITE_BYTES, what: 'model' }), file);
        console.log(opts.json ? JSON.stringify(report, null, 2) : formatInspectReport(report, file));
      } catch (err) {
        console.error(`model inspect: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    });
}

export { modelCommand };
