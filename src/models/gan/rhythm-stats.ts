// The empirical rhythm of a generator's training records, for strip assembly (rhythm.json): a port
// of training/gan/ecg_data.py rhythm_stats, so `weargate synth share` can hand the trainer beats and
// rhythm cut in TypeScript from any WFDB record (tests/models/gan/rhythm-stats.test.ts checks it
// against the Python on a fixture). Per record, from its beat annotations at the record's own rate:
//   - nnMeanRrS: the median RR (s) between consecutive N-class beats;
//   - nnRrCv: SD of successive NN differences (those under 0.3 x the median) / median RR;
//   - vPairs: (coupling, pause) of isolated V beats, each / the median of the NN intervals among
//     the 8 beats before the V (at least 4 of them).
// Records with fewer than 20 NN intervals are skipped. One difference: above maxPairs, the pairs
// are subsampled with our SeededRandom, not numpy's generator (the same count, other pairs).
import { SeededRandom } from '../../common/random.js';
import { median } from '../../common/stats.js';
import { isBeatAnnotation } from '../../streaming/formats/wfdb-annotations.js';
import { GAN_CLASS_OF_SYMBOL, type AnnotatedEcg } from './ecg-beats.js';
import type { RhythmStats } from './strip.js';

export interface AnnotatedBeats {
  sampleRateHz: number;
  /** Samples of the record (its length at sampleRateHz). */
  numSamples: number;
  /** Beat annotations only (the EC57 beat symbols), in time order. */
  beatSamples: readonly number[];
  symbols: readonly string[];
}

export interface RhythmStatsOptions {
  maxPairs?: number;
  seed?: number;
  /** Only beats in the first memberFraction of each record count. */
  memberFraction?: number;
}

function std(x: readonly number[]): number {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length);
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

export function rhythmStats(records: readonly AnnotatedBeats[], options: RhythmStatsOptions = {}): RhythmStats {
  const maxPairs = options.maxPairs ?? 512;
  const fraction = options.memberFraction ?? 1;
  const means: number[] = [];
  const cvs: number[] = [];
  let pairs: [number, number][] = [];
  for (const r of records) {
    const t: number[] = [];
    const cls: number[] = [];
    r.beatSamples.forEach((s, i) => {
      if (s < fraction * r.numSamples) {
        t.push(s / r.sampleRateHz);
        cls.push(GAN_CLASS_OF_SYMBOL[r.symbols[i]] ?? -1);
      }
    });
    const nn: number[] = [];
    for (let k = 1; k < t.length; k++) if (cls[k] === 0 && cls[k - 1] === 0) nn.push(t[k] - t[k - 1]);
    if (nn.length < 20) continue;
    const med = median(nn);
    means.push(med);
    const d: number[] = [];
    for (let k = 1; k < nn.length; k++) if (Math.abs(nn[k] - nn[k - 1]) < 0.3 * med) d.push(nn[k] - nn[k - 1]);
    cvs.push(std(d) / med);
    for (let k = 9; k < t.length - 1; k++) {
      if (cls[k] !== 1 || cls[k - 1] !== 0 || cls[k + 1] !== 0) continue;
      const prev: number[] = [];
      for (let j = k - 8; j < k; j++) if (cls[j] === 0 && cls[j - 1] === 0) prev.push(t[j] - t[j - 1]);
      if (prev.length < 4) continue;
      const loc = median(prev);
      pairs.push([(t[k] - t[k - 1]) / loc, (t[k + 1] - t[k]) / loc]);
    }
  }
  if (pairs.length > maxPairs) {
    const rng = new SeededRandom(options.seed ?? 1);
    const idx = pairs.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    const keep = idx.slice(0, maxPairs).sort((a, b) => a - b);
    pairs = keep.map((i) => pairs[i]);
  }
  return { nnMeanRrS: means.map(round4), nnRrCv: cvs.map(round4), vPairs: pairs.map(([a, b]) => [round4(a), round4(b)]) };
}

/** The beat annotations of a loaded WFDB record at its own rate (what rhythmStats needs). */
export function annotatedBeats(rec: AnnotatedEcg): AnnotatedBeats {
  const beats = (rec.annotations ?? []).filter(isBeatAnnotation);
  return { sampleRateHz: rec.header.sampleRateHz, numSamples: rec.signals[0]?.physical.length ?? 0, beatSamples: beats.map((b) => b.sampleIndex), symbols: beats.map((b) => b.symbol) };
}
