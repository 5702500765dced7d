// Topographic map benchmark: the spline solve per montage (done once, then cached) and the map stack
// per band-power vector (5 bands x 32 x 32, the CNN input), for a 19-channel 10-20 cap and the
// Cyton 8 layout; plus the topomap command's Welch (60 s x 19 channels at 256 Hz).
// Run: npm run bench -- eeg-topomap
import { CYTON_8, TEN_TWENTY_19, electrodePositions } from '../src/streaming/eeg/positions.js';
import { makeGrid, planeToSphere } from '../src/streaming/eeg/topomap/projection.js';
import { interpolationMatrix } from '../src/streaming/eeg/topomap/spline.js';
import { montageMapper, normaliseBandPowers } from '../src/streaming/eeg/topomap/topomap.js';
import { TOPOMAP_BANDS, welchBandPowers } from '../src/report/topomap/band-power.js';
import { SeededRandom } from '../src/common/random.js';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeMs(fn: () => void, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

export async function run(): Promise<void> {
  const rng = new SeededRandom(1);
  for (const [label, names] of [['10-20 (19 ch)', TEN_TWENTY_19], ['Cyton 8', CYTON_8]] as const) {
    for (const gridPx of [32, 64]) {
      const grid = makeGrid(gridPx, gridPx);
      const targets = Array.from(grid.insideIndex, (i) => planeToSphere(grid.points[i]!));
      const electrodes = electrodePositions(names);
      const solveMs = timeMs(() => void interpolationMatrix(electrodes, targets), 5);
      const mapper = montageMapper(names, { widthPx: gridPx, heightPx: gridPx });
      const powers = TOPOMAP_BANDS.map(() => names.map(() => 10 ** (rng.next() * 2)));
      const stacks = 300;
      const stackMs = timeMs(() => {
        for (let i = 0; i < stacks; i++) mapper.stack(normaliseBandPowers(powers, 'log10'));
      }, 3) / stacks;
      console.log(
        `${label}, ${gridPx}x${gridPx} (${grid.insideIndex.length} head pixels): spline solve ${solveMs.toFixed(1)} ms once per montage; ` +
          `stack of ${TOPOMAP_BANDS.length} maps ${(stackMs * 1000).toFixed(1)} us = ${(1000 / stackMs).toFixed(0)} stacks/s, ${((TOPOMAP_BANDS.length * 1000) / stackMs).toFixed(0)} maps/s`,
      );
    }
  }
  const x = Float32Array.from({ length: 60 * 256 }, () => rng.next() * 100 - 50);
  const welchMs = timeMs(() => {
    for (let c = 0; c < 19; c++) welchBandPowers(x, 256, TOPOMAP_BANDS);
  }, 3);
  console.log(`command Welch (welch.ts, 2 s Hann, 50 %): 60 s x 19 ch at 256 Hz in ${welchMs.toFixed(0)} ms`);
}
