// `weargate record`: one device of a config file, recorded straight to one EDF+/BDF+ file for a
// number of seconds of signal, without MQTT or the rest of the gateway. The device runs through its
// kind exactly as in the daemon; the recorder is the recording extension's (stream-recorder.ts).
import type { Logger } from '../common/logger.js';
import { findDeviceKind } from '../device/kinds/registry.js';
import { ClockSync } from '../streaming/clock-sync.js';
import type { SampleBlock } from '../streaming/types.js';
import type { GatewayConfig } from './config/schema.js';
import { recorderOptions } from './extensions/recording.js';
import { StreamRecorder, type RecorderStats } from './recording/stream-recorder.js';

export interface RecordDeviceOptions {
  config: GatewayConfig;
  deviceId: string;
  seconds: number;
  out: string;
  stream?: 'ecg' | 'eeg';
  format?: 'edf' | 'bdf' | 'auto';
  /** Give up when no sample arrived for this long. */
  noDataTimeoutS: number;
  log: Logger;
}

export { withReplaySpeed } from './config/replay-speed.js';

export interface RecordDeviceResult {
  stats: RecorderStats;
  samples: number;
  stream: string | undefined;
}

export async function recordDevice(o: RecordDeviceOptions): Promise<RecordDeviceResult> {
  const device = o.config.devices.find((d) => d.id === o.deviceId);
  if (!device) throw new Error(`no device '${o.deviceId}' in the config (devices: ${o.config.devices.map((d) => d.id).join(', ') || 'none'})`);
  const kind = await findDeviceKind(device.kind)!.load();
  const wanted = o.stream ?? kind.streams(device).find((s) => s.stream === 'ecg' || s.stream === 'eeg')?.stream;
  const stream = wanted === 'eeg' ? 'eeg' : 'ecg';
  const rec = { ...o.config.recording, format: o.format ?? o.config.recording.format };
  const recorder = new StreamRecorder({ ...recorderOptions(rec, o.config.dataDir, device.id, stream, o.log), path: o.out });
  const clock = new ClockSync();
  let samples = 0;
  let lastDataMs = performance.now();
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let target = Number.POSITIVE_INFINITY;
  const onBlock = (block: SampleBlock): void => {
    if (block.stream !== stream || samples >= target) return;
    lastDataMs = performance.now();
    target = Math.round(o.seconds * block.sampleRateHz);
    const n = Math.min(block.values[0]?.length ?? 0, target - samples);
    const cut = n === block.values[0].length ? block : { ...block, values: block.values.map((v) => v.subarray(0, n)) };
    const lastUs = cut.t0Us + (Math.max(0, n - 1) * 1e6) / cut.sampleRateHz;
    clock.observe(lastUs, (performance.timeOrigin + performance.now()) * 1000);
    recorder.push({ ...cut, gatewayT0Ms: clock.toGatewayUs(cut.t0Us) / 1000 });
    samples += n;
    if (samples >= target) done();
  };
  const session = kind.create({
    deviceId: device.id,
    config: device,
    log: o.log,
    onBlock,
    onStatus: (s) => {
      if (!s.connected && s.reason === 'ended') done();
      else o.log.info(s.connected ? 'device connected' : `device not connected: ${s.reason ?? ''}`);
    },
  });
  const watchdog = setInterval(() => {
    if (performance.now() - lastDataMs > o.noDataTimeoutS * 1000) {
      o.log.error(`no ${stream} samples for ${o.noDataTimeoutS} s; stopping`);
      done();
    }
  }, 250);
  session.start();
  try {
    await finished;
  } finally {
    clearInterval(watchdog);
    await session.stop();
    await recorder.stop();
  }
  return { stats: recorder.stats, samples, stream };
}
