// Per ECG device: R-peak detection on the live stream, beats batched to `<device>/ecg/beats`,
// HR/HRV and signal quality to `<device>/ecg/hr`. The domain work lives in src/streaming/ecg.
import type { DeviceConfig } from '../config/schema.js';
import { BeatStream, type StreamBeat } from '../../streaming/ecg/beat-stream.js';
import type { Extension, ExtensionContext } from '../context.js';

interface DevicePipeline {
  config: DeviceConfig;
  beats: BeatStream;
  pendingBeats: StreamBeat[];
  sampleRateHz: number;
  beatsSeq: number;
  hrSeq: number;
}

export function ecgExtension(ctx: ExtensionContext): Extension {
  const pipelines = new Map<string, DevicePipeline>();
  const timers: NodeJS.Timeout[] = [];
  const offs: Array<() => void> = [];
  const log = ctx.log.child('ecg');

  const flushBeats = (id: string, p: DevicePipeline): void => {
    if (p.pendingBeats.length === 0) return;
    const beats = p.pendingBeats;
    p.pendingBeats = [];
    ctx.publisher.publish(ctx.topics.ecgBeats(id), {
      seq: p.beatsSeq++,
      t: Date.now(),
      detector: p.beats.detectorName,
      sampleRateHz: p.sampleRateHz,
      beats: beats.map((b) => ({ tUs: b.tUs, sampleIndex: b.sampleIndex })),
    });
    ctx.bus.emit('ecg:beats', { deviceId: id, count: beats.length });
  };

  return {
    name: 'ecg',
    start() {
      for (const device of ctx.config.devices) {
        if (!device.enabled) continue;
        const p: DevicePipeline = {
          config: device,
          beats: new BeatStream({ detector: device.ecg.detector, channel: device.ecg.channel, maxGapFillS: device.ecg.maxGapFillS }),
          pendingBeats: [],
          sampleRateHz: 0,
          beatsSeq: 0,
          hrSeq: 0,
        };
        pipelines.set(device.id, p);
        const beatsTimer = setInterval(() => flushBeats(device.id, p), device.ecg.beatsPublishIntervalS * 1000);
        beatsTimer.unref();
        timers.push(beatsTimer);
      }
      offs.push(
        ctx.bus.on('device:block', ({ deviceId, block }) => {
          const p = pipelines.get(deviceId);
          if (!p || block.stream !== 'ecg') return;
          p.sampleRateHz = block.sampleRateHz;
          try {
            p.pendingBeats.push(...p.beats.push(block));
          } catch (err) {
            log.warn(`${deviceId}: ${(err as Error).message}`);
          }
        }),
      );
    },
    stop() {
      for (const t of timers) clearInterval(t);
      for (const off of offs) off();
      for (const [id, p] of pipelines) flushBeats(id, p);
    },
  };
}
