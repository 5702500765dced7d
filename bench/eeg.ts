// EEG pipeline throughput (issue 11): one 19-channel 256 Hz cap (Mumtaz P02_EC, 240 s) through the
// band pipeline (montage, reference, notch, band-pass, 4 s epochs with 50 % overlap, artefacts,
// Welch band power) in 0.1 s blocks, on one core, best of three. Reports channel-epochs per second
// and the CPU share of one cap in real time. Stages are a list: the topographic-map stage and the
// model add themselves to `stages` later, with the same report.
import { loadEdf } from '../src/streaming/formats/load.js';
import { EegPipeline } from '../src/streaming/eeg/pipeline.js';
import type { SampleBlock } from '../src/streaming/types.js';

const file = '/work/shared/data/mumtaz-mdd-train/P02_EC.edf';

interface Recording {
  sampleRateHz: number;
  labels: string[];
  values: Float32Array[];
}

interface StageResult {
  epochs: number;
  channels: number;
  seconds: number;
}

/** A stage: everything from raw blocks up to its output, timed as a whole. */
interface Stage {
  name: string;
  run(recording: Recording): StageResult;
}

function blocks(r: Recording): SampleBlock[] {
  const size = Math.round(r.sampleRateHz / 10);
  const out: SampleBlock[] = [];
  for (let o = 0; o < r.values[0].length; o += size) {
    out.push({ deviceId: 'bench', stream: 'eeg', sampleRateHz: r.sampleRateHz, channels: r.labels, t0Us: (o / r.sampleRateHz) * 1e6, firstSampleIndex: o, values: r.values.map((v) => v.subarray(o, o + size)) });
  }
  return out;
}

const bandStage: Stage = {
  name: 'bands (montage, reference, notch, band-pass, epochs, artefacts, Welch)',
  run(r) {
    const input = blocks(r);
    const pipeline = new EegPipeline();
    let epochs = 0;
    const started = process.hrtime.bigint();
    for (const b of input) for (const e of pipeline.push(b)) if (e.kind === 'epoch') epochs++;
    pipeline.batch();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { epochs, channels: pipeline.montage?.channels.length ?? 0, seconds };
  },
};

export const stages: Stage[] = [bandStage];

export async function run(): Promise<void> {
  const edf = await loadEdf(file);
  const fs = edf.signals[0].sampleRateHz;
  const signals = edf.signals.filter((s) => s.sampleRateHz === fs);
  const recording: Recording = { sampleRateHz: fs, labels: signals.map((s) => s.header.label), values: signals.map((s) => s.physical) };
  const durationS = recording.values[0].length / fs;
  console.log(`${file.split('/').slice(-2).join('/')}: ${signals.length} signals (${durationS} s at ${fs} Hz), blocks of 0.1 s`);
  for (const stage of stages) {
    let best: StageResult | undefined;
    for (let i = 0; i < 3; i++) {
      const r = stage.run(recording);
      if (!best || r.seconds < best.seconds) best = r;
    }
    const b = best!;
    const channelEpochsPerS = (b.epochs * b.channels) / b.seconds;
    const realTimeCpu = b.seconds / durationS;
    console.log(`${stage.name}`);
    console.log(`  ${b.epochs} epochs x ${b.channels} channels in ${(b.seconds * 1000).toFixed(0)} ms: ${channelEpochsPerS.toFixed(0)} channel-epochs/s, ${(b.epochs / b.seconds).toFixed(1)} cap-epochs/s`);
    console.log(`  one ${b.channels}-channel ${fs} Hz cap in real time: ${(realTimeCpu * 100).toFixed(2)} % of one core (${(1 / realTimeCpu).toFixed(0)} caps per core)`);
  }
}
