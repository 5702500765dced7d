// `weargate ecg report <record|file.edf> --out report.html`: the exploratory ECG report (one
// self-contained HTML page): signal overview with R peaks, a 10 s strip, rolling mean/SD, RR
// tachogram with rejected intervals, heart rate, gaps and signal quality, plus a summary table.
import type { Command } from 'commander';

interface EcgReportOptions {
  out: string;
  detector?: string;
  channel?: string;
  startS?: string;
  durationS?: string;
  stripS?: string;
  rollingS: string;
  qualityWindowS: string;
}

function ecgCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'ecg') ?? program.command('ecg').description('ECG tools on recorded data');
}

function parseSeconds(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`${what} '${text}' is not a number`);
  return value;
}

export function register(program: Command): void {
  ecgCommand(program)
    .command('report')
    .description('write an exploratory ECG report (self-contained HTML) for a WFDB record or an EDF/EDF+ file')
    .argument('<input>', 'WFDB record path without extension (annotations used as reference when present), or an .edf file')
    .requiredOption('--out <file>', 'HTML file to write')
    .option('--detector <name>', "R-peak detector (default 'pan-tompkins', else the first registered)")
    .option('--channel <n>', 'channel index or exact label (default: WFDB channel 0, EDF the channel labelled ECG)')
    .option('--start-s <s>', 'start of the excerpt, seconds from the record start')
    .option('--duration-s <s>', 'length of the excerpt, seconds (default: to the end)')
    .option('--strip-s <s>', 'start of the zoomed 10 s strip, seconds from the excerpt start', '0')
    .option('--rolling-s <s>', 'rolling mean/SD window, seconds', '2')
    .option('--quality-window-s <s>', 'signal quality window, seconds', '10')
    .action(async (input: string, opts: EcgReportOptions) => {
      try {
        process.exitCode = await ecgReport(input, opts);
      } catch (err) {
        console.error(`ecg report: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    });
}

async function ecgReport(input: string, opts: EcgReportOptions): Promise<number> {
  const { writeFile } = await import('node:fs/promises');
  const { loadEcgExcerpt } = await import('../../report/load-input.js');
  const { buildEcgReport } = await import('../../report/build.js');
  const started = performance.now();
  const excerpt = await loadEcgExcerpt(input, {
    channel: opts.channel,
    startSeconds: parseSeconds(opts.startS, '--start-s'),
    durationSeconds: parseSeconds(opts.durationS, '--duration-s'),
  });
  const rollingSeconds = parseSeconds(opts.rollingS, '--rolling-s') ?? 2;
  const qualityWindowSeconds = parseSeconds(opts.qualityWindowS, '--quality-window-s') ?? 10;
  if (!(rollingSeconds > 0) || !(qualityWindowSeconds > 0)) throw new Error('--rolling-s and --quality-window-s must be positive');
  const report = await buildEcgReport(excerpt, {
    detector: opts.detector,
    rollingSeconds,
    qualityWindowSeconds,
    stripStartSeconds: parseSeconds(opts.stripS, '--strip-s') ?? 0,
  });
  await writeFile(opts.out, report.html, 'utf8');
  const a = report.analysis;
  const score = a.score ? `, Se ${(100 * a.score.sensitivity).toFixed(2)}% +P ${(100 * a.score.positivePredictivity).toFixed(2)}%` : '';
  console.log(
    `${opts.out}: ${excerpt.name} ${(excerpt.microvolts.length / excerpt.sampleRateHz).toFixed(1)} s, ${a.beats.length} beats (${a.detector.name})${score}; ` +
      `${report.chartCount} charts, ${(report.html.length / 1024).toFixed(0)} KiB, ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return 0;
}
