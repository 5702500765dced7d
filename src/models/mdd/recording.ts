// One EDF recording read for the MDD features: the model's electrodes picked by name (any channel
// count or order), in uV, at one sampling rate. `scale` multiplies the signals (the amplitude
// ablation); `permute` reorders the file's channels first (the channel-set ablation).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseEdf } from '../../streaming/formats/edf.js';
import { selectChannels } from './channels.js';

export interface MddRecording {
  file: string;
  labels: string[];
  sampleRateHz: number;
  durationS: number;
  /** channels[e] = samples of electrodes[e], uV. */
  channels: Float32Array[];
}

const MICROVOLTS_PER_UNIT: Record<string, number> = { uv: 1, µv: 1, mv: 1000, v: 1e6 };

export function readMddRecording(path: string, electrodes: readonly string[], options: { scale?: number; permute?: (n: number) => number[] } = {}): MddRecording {
  const file = basename(path);
  const edf = parseEdf(new Uint8Array(readFileSync(path)), { file, onTruncated: 'drop' });
  let signals = edf.signals;
  if (options.permute) {
    const order = options.permute(signals.length);
    signals = order.map((i) => signals[i]!);
  }
  const labels = signals.map((s) => s.header.label);
  const index = selectChannels(labels, electrodes, file);
  const picked = index.map((i) => signals[i]!);
  const rates = new Set(picked.map((s) => s.sampleRateHz));
  if (rates.size !== 1) throw new Error(`${file}: the electrodes have different sampling rates (${[...rates].join(', ')} Hz)`);
  const scale = options.scale ?? 1;
  const channels = picked.map((s) => {
    const unit = MICROVOLTS_PER_UNIT[s.header.physicalDimension.trim().toLowerCase()];
    if (unit === undefined) throw new Error(`${file}: channel '${s.header.label}' is in '${s.header.physicalDimension}', not a voltage`);
    const k = unit * scale;
    return k === 1 ? s.physical : s.physical.map((v) => v * k);
  });
  const sampleRateHz = [...rates][0]!;
  return { file, labels, sampleRateHz, durationS: Math.min(...channels.map((c) => c.length)) / sampleRateHz, channels };
}
