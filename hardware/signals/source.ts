// Signal sources for simulated devices: synthetic (McSharry) or a WFDB record replayed at the
// device's rate. Values are microvolts; `next()` never ends (records loop).
import { loadWfdbRecord } from '../../src/streaming/formats/load.js';
import { resampleSinc } from '../../src/streaming/resample.js';
import { McSharryEcg } from './mcsharry.js';
import { SeededRandom } from '../../src/common/random.js';

export interface SignalSource {
  readonly sampleRateHz: number;
  readonly description: string;
  /** The next `count` samples in microvolts. */
  next(count: number): Float32Array;
  /** Sample indices of true R peaks, when the source knows them (synthetic ECG); bounded. */
  readonly truthBeats?: readonly number[];
}

export function syntheticSource(opts: {
  sampleRateHz: number;
  heartRateBpm: number;
  noiseMicrovolts: number;
  seed: number;
}): SignalSource {
  const model = new McSharryEcg(opts);
  return {
    sampleRateHz: opts.sampleRateHz,
    description: `synthetic ECG (McSharry) ${opts.heartRateBpm} bpm, seed ${opts.seed}`,
    next: (count) => model.next(count),
    truthBeats: model.rPeakSampleIndices,
  };
}

export class RecordSource implements SignalSource {
  private position = 0;

  private constructor(
    readonly sampleRateHz: number,
    readonly description: string,
    private readonly microvolts: Float32Array,
    private readonly loop: boolean,
  ) {}

  /** Loads channel `channel` of a WFDB record (mV) and resamples it to `sampleRateHz`. */
  static async fromWfdb(record: string, channel: number, sampleRateHz: number, loop = true, seed = 1): Promise<RecordSource> {
    const rec = await loadWfdbRecord(record, { annotator: null });
    const signal = rec.signals[channel];
    if (!signal) throw new Error(`record ${record} has no channel ${channel} (it has ${rec.signals.length})`);
    const scale = signal.spec.units.toLowerCase() === 'uv' ? 1 : 1000;
    const resampled = resampleSinc(signal.physical, signal.sampleRateHz, sampleRateHz);
    for (let i = 0; i < resampled.length; i++) resampled[i] *= scale;
    const source = new RecordSource(
      sampleRateHz,
      `WFDB ${record} channel ${channel} (${signal.spec.description}) at ${sampleRateHz} Hz`,
      resampled,
      loop,
    );
    // A seeded start offset so several simulated garments replaying one record are not in lockstep.
    source.position = Math.floor(new SeededRandom(seed).next() * Math.max(1, resampled.length - sampleRateHz));
    return source;
  }

  next(count: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      if (this.position >= this.microvolts.length) {
        if (!this.loop) {
          out.fill(Number.NaN, i);
          break;
        }
        this.position = 0;
      }
      out[i] = this.microvolts[this.position++];
    }
    return out;
  }
}
