// `weargate eeg topomap <edf> [--out maps.svg] [--band alpha] [--seconds 60-120] [--json]`: band
// power topographic maps of an EDF recording, one panel per band, for a person to look at (SVG), or
// as numbers (--json). PNG is drawn by src/report/topomap/chart-png.ts. Band powers: src/report/topomap/band-power.ts (Welch, 2 s Hann, 50 %);
// maps: src/streaming/eeg/topomap (spherical splines, refuses montages too sparse to map).
import type { Command } from 'commander';

interface EegTopomapOptions {
  out?: string;
  band?: string[];
  seconds?: string;
  json?: boolean;
  normalisation: string;
  gridPx: string;
}

function eegCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'eeg') ?? program.command('eeg').description('EEG tools on recorded data');
}

export function parseSecondsRange(text: string): { fromS: number; toS: number } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  const fromS = m ? Number(m[1]) : Number.NaN;
  const toS = m ? Number(m[2]) : Number.NaN;
  if (!m || !(toS > fromS)) throw new Error(`--seconds '${text}': expected FROM-TO in seconds with TO > FROM, e.g. 60-120`);
  return { fromS, toS };
}

export function register(program: Command): void {
  eegCommand(program)
    .command('topomap')
    .description('band-power topographic maps of an EDF/EDF+ EEG recording (PNG or SVG figure, or JSON)')
    .argument('<edf>', 'EDF/EDF+/BDF file with EEG channels named by the 10-20 / 10-10 system')
    .option('--out <file>', 'figure to write: .svg (Vega-Lite) or .png (drawn directly, 5 x 7 pixel font)')
    .option('--band <names>', 'bands to map, comma-separated or repeated (delta theta alpha beta gamma; default all)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--seconds <from-to>', 'excerpt in seconds from the file start, e.g. 60-120 (default: whole file)')
    .option('--normalisation <kind>', "map values: 'log10' (log10 uV^2), 'relative' (share of the bands mapped) or 'none' (uV^2)", 'log10')
    .option('--grid-px <n>', 'map grid width and height in pixels', '32')
    .option('--json', 'print band powers, coverage and the maps as JSON on stdout')
    .action(async (edf: string, opts: EegTopomapOptions) => {
      try {
        process.exitCode = await eegTopomap(edf, opts);
      } catch (err) {
        console.error(`eeg topomap: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    });
}

async function eegTopomap(path: string, opts: EegTopomapOptions): Promise<number> {
  const { writeFile } = await import('node:fs/promises');
  const { basename } = await import('node:path');
  const { loadEdf } = await import('../../streaming/formats/load.js');
  const { computeTopomaps } = await import('../../report/topomap/compute.js');
  const format = opts.out === undefined ? undefined : /\.svg$/i.test(opts.out) ? 'svg' : /\.png$/i.test(opts.out) ? 'png' : undefined;
  if (opts.out !== undefined && format === undefined) throw new Error(`--out ${opts.out}: the file name must end in .svg or .png`);
  if (opts.out === undefined && opts.json !== true) throw new Error('nothing to do: give --out <maps.svg|maps.png> and/or --json');
  const gridPx = Number(opts.gridPx);
  const started = performance.now();
  const file = await loadEdf(path);
  const result = computeTopomaps(file, {
    file: basename(path),
    bands: opts.band?.length ? opts.band.flatMap((b) => b.split(',')).map((b) => b.trim()).filter((b) => b !== '') : undefined,
    seconds: opts.seconds === undefined ? undefined : parseSecondsRange(opts.seconds),
    normalisation: opts.normalisation,
    gridPx,
  });
  if (opts.out !== undefined) {
    let bytes: Uint8Array | string;
    if (format === 'png') {
      // vega's own PNG path needs the 'canvas' npm package; this draws the same figure directly
      const { renderTopomapPng } = await import('../../report/topomap/chart-png.js');
      bytes = await renderTopomapPng(result.figure);
    } else {
      const { renderSvg } = await import('../../report/render-svg.js');
      const { compactSvg, topomapSpec } = await import('../../report/topomap/chart.js');
      bytes = compactSvg(await renderSvg(topomapSpec(result.figure)));
    }
    await writeFile(opts.out, bytes);
    console.error(
      `${opts.out}: ${result.summary.file} ${result.summary.fromS}-${result.summary.toS} s, ${result.summary.electrodes.length} electrodes, ` +
        `${result.figure.panels.length} bands, ${(bytes.length / 1024).toFixed(0)} KiB, ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  if (opts.json === true) console.log(JSON.stringify(result.summary));
  return 0;
}
