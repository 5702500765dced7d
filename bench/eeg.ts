// EEG pipeline throughput (issue 11): a 19-channel 256 Hz cap (Mumtaz P02_EC, 240 s) and a 500 Hz one
// (eegmat Subject00, 182 s) through the
// band pipeline (montage, reference, notch, band-pass, 4 s epochs with 50 % overlap, artefacts,
// Welch band power) in 0.1 s blocks, on one core, best of three by CPU time (the process's user +
// system time, less skewed than wall time on a shared machine; both printed). Reports channel-epochs
// per CPU second and the CPU share of one cap in real time. Stages are a list: bands, bands + topographic maps,
// and what the gateway runs for a cap with MDD screening on: bands + the MDD features (its own epochs and
// maps, src/models/mdd/stream.ts) + the shipped int8 MDD CNN through the model slot, one inference per
// clean epoch; the model's latency per map stack is timed on its own too. Ends with the target:
// 20 caps in real time on one core with maps and model.
import { cpus, loadavg } from 'node:os';
import { loadEdf } from '../src/streaming/formats/load.js';
import { EegPipeline } from '../src/streaming/eeg/pipeline.js';
import type { SampleBlock } from '../src/streaming/types.js';
import { BAND_NAMES } from '../src/streaming/eeg/welch.js';
import { topomapStack } from '../src/streaming/eeg/topomap/topomap.js';
import { ModelHost } from '../src/models/host.js';
import { mddMapCodec, mddParams } from '../src/models/mdd/codec.js';
import { MddEpochStream } from '../src/models/mdd/stream.js';
import type { ModelSlot } from '../src/models/slot.js';

/** 256 Hz: 2 s Welch segments of 512 samples go through the radix-2 FFT; 500 Hz (1000 samples) through the direct DFT. */
const files = ['/work/shared/data/mumtaz-mdd-train/P02_EC.edf', '/work/shared/data/eegmat-train/Subject00_1.edf'];

interface Recording {
  sampleRateHz: number;
  labels: string[];
  values: Float32Array[];
}

interface StageResult {
  epochs: number;
  channels: number;
  /** Wall time. */
  seconds: number;
  /** This process's CPU time (user + system) over the same span: on a loaded machine closer to the cost than the wall time. */
  cpuSeconds: number;
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
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    for (const b of input) for (const e of pipeline.push(b)) if (e.kind === 'epoch') epochs++;
    pipeline.batch();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    return { epochs, channels: pipeline.montage?.channels.length ?? 0, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
  },
};

/** The band stage plus, per epoch, the [5, 32, 32] log10 band-power map stack (spline matrix solved once per layout). */
const topomapStage: Stage = {
  name: 'bands + topographic maps (5 x 32 x 32 log10 stack per epoch)',
  run(r) {
    const input = blocks(r);
    const pipeline = new EegPipeline();
    let epochs = 0;
    let channels: string[] = [];
    let checksum = 0;
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    for (const b of input) {
      for (const e of pipeline.push(b)) {
        if (e.kind === 'layout') channels = e.channels;
        if (e.kind !== 'epoch') continue;
        const powers = BAND_NAMES.map((band) => e.epoch.bands.map((c) => c.absoluteUv2[band]));
        checksum += topomapStack(channels, powers, 'log10').data[16 * 32 + 16]!;
        epochs++;
      }
    }
    pipeline.batch();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    if (!Number.isFinite(checksum)) throw new Error('non-finite map value');
    return { epochs, channels: channels.length, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
  },
};

/** The band stage plus MDD screening: the model's features per epoch and one int8 inference per clean epoch. */
function mddStage(slot: ModelSlot<Float32Array, number>): Stage {
  return {
    name: `bands + MDD screening (${slot.stage.info.name} ${slot.stage.info.variant}: features, maps, one inference per clean epoch)`,
    run(r) {
      const input = blocks(r);
      const pipeline = new EegPipeline();
      const mdd = new MddEpochStream(mddParams(slot.stage.manifest).features);
      let epochs = 0;
      let sum = 0;
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      for (const b of input) {
        for (const e of pipeline.push(b)) if (e.kind === 'epoch') epochs++;
        for (const e of mdd.push(b.channels, b.sampleRateHz, b.values)) if (e.maps) sum += slot.infer(e.maps);
      }
      pipeline.batch();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const used = process.cpuUsage(cpu);
      if (!Number.isFinite(sum)) throw new Error('non-finite P(MDD)');
      return { epochs, channels: pipeline.montage?.channels.length ?? 0, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
    },
  };
}

export const stages: Stage[] = [bandStage, topomapStage];

/** Median and p99 of one inference on a [bands, 32, 32] map stack (input copy-in and output included). */
function modelLatency(slot: ModelSlot<Float32Array, number>): { medianUs: number; p99Us: number } {
  const { features } = mddParams(slot.stage.manifest);
  const maps = Float32Array.from({ length: features.bands.length * features.gridPx * features.gridPx }, (_, i) => Math.sin(i * 0.37) * 0.5);
  for (let i = 0; i < 50; i++) slot.infer(maps);
  const us: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t0 = process.hrtime.bigint();
    slot.infer(maps);
    us.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  us.sort((a, b) => a - b);
  return { medianUs: us[250]!, p99Us: us[495]! };
}

export async function run(): Promise<void> {
  const host = new ModelHost();
  try {
    const slot = await host.slot('mdd-cnn', mddMapCodec);
    const lat = modelLatency(slot);
    console.log(`${slot.stage.info.name}@${slot.stage.info.version} ${slot.stage.info.variant} (LiteRT.js, one thread): ${lat.medianUs.toFixed(0)} us median, ${lat.p99Us.toFixed(0)} us p99 per [5, 32, 32] map stack`);
    stages.push(mddStage(slot));
    for (const file of files) await runFile(file);
  } finally {
    await host.close();
  }
}

async function runFile(file: string): Promise<void> {
  const edf = await loadEdf(file);
  const fs = edf.signals[0].sampleRateHz;
  // The EEG-typed signals (eegmat's ECG channel is its own stream on a gateway).
  const signals = edf.signals.filter((s) => s.sampleRateHz === fs && !/^ECG/.test(s.header.label));
  const recording: Recording = { sampleRateHz: fs, labels: signals.map((s) => s.header.label), values: signals.map((s) => s.physical) };
  const durationS = recording.values[0].length / fs;
  console.log(`${file.split('/').slice(-2).join('/')}: ${signals.length} signals (${durationS} s at ${fs} Hz), blocks of 0.1 s; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
  for (const stage of stages) {
    let best: StageResult | undefined;
    for (let i = 0; i < 3; i++) {
      const r = stage.run(recording);
      if (!best || r.cpuSeconds < best.cpuSeconds) best = r;
    }
    const b = best!;
    const channelEpochsPerS = (b.epochs * b.channels) / b.cpuSeconds;
    const realTimeCpu = b.cpuSeconds / durationS;
    console.log(`${stage.name}`);
    console.log(`  ${b.epochs} epochs x ${b.channels} channels: ${(b.cpuSeconds * 1000).toFixed(0)} ms CPU (${(b.seconds * 1000).toFixed(0)} ms wall)`);
    console.log(`  ${channelEpochsPerS.toFixed(0)} channel-epochs per CPU second, ${(b.epochs / b.cpuSeconds).toFixed(1)} cap-epochs per CPU second`);
    console.log(`  one ${b.channels}-channel ${fs} Hz cap in real time: ${(realTimeCpu * 100).toFixed(2)} % of one core (${Math.floor(1 / realTimeCpu)} caps per core)`);
    if (stage === stages.at(-1) && fs === 256)
      console.log(`  target, 20 caps in real time on one core with maps and model: ${20 * realTimeCpu <= 1 ? 'met' : 'NOT met'} (20 caps = ${(20 * realTimeCpu * 100).toFixed(1)} % of one core)`);
  }
}
