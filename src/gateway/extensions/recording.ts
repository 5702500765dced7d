// Records device streams to EDF+/BDF+ files (docs/recording.md): for each configured device (or
// all) and each recorded stream type, one StreamRecorder takes the `device:block`s of that stream,
// by stream type, never by kind. Storage faults are counted on `bridge/health` (`recording`) and
// never reach the bus; stop closes every file cleanly (record count written in the header).
// Device markers (`device:marker`, e.g. the AD8232 board's button) are annotated in every stream
// recorded from that device, at its newest sample (`marker <source>`).
import { join } from 'node:path';
import type { RecordingHealth } from '../../mqtt/api.js';
import type { StreamKind } from '../../streaming/types.js';
import type { RecordingConfig } from '../config/schema.js';
import type { Extension, ExtensionContext } from '../context.js';
import { StreamRecorder, type StreamRecorderOptions } from '../recording/stream-recorder.js';

/** The recorder options of one device stream from the `recording:` config. */
export function recorderOptions(
  rec: RecordingConfig,
  dataDir: string,
  deviceId: string,
  stream: 'ecg' | 'eeg',
  log: StreamRecorderOptions['log'],
): StreamRecorderOptions {
  return {
    deviceId,
    dir: rec.dir ?? join(dataDir, 'recordings'),
    format: rec.format,
    rangeUv: rec.rangeUv[stream],
    recordDurationS: rec.recordDurationS,
    rotate: rec.rotate,
    maxGapFillS: rec.maxGapFillS,
    syncIntervalMs: rec.syncIntervalS * 1000,
    retryIntervalMs: rec.retryIntervalS * 1000,
    maxQueuedBytes: 16 * 1024 * 1024,
    log,
  };
}

export function recordingExtension(ctx: ExtensionContext): Extension {
  const rec = ctx.config.recording;
  const recorders = new Map<string, StreamRecorder>();
  const offs: Array<() => void> = [];
  const log = ctx.log.child('recording');

  const health = (): RecordingHealth => {
    const h: RecordingHealth = {
      state: 'ok',
      streams: recorders.size,
      files: 0,
      recordsWritten: 0,
      bytesWritten: 0,
      samplesClipped: 0,
      samplesMissing: 0,
      samplesDropped: 0,
      errors: 0,
    };
    for (const r of recorders.values()) {
      const s = r.stats;
      h.files += s.files;
      h.recordsWritten += s.recordsWritten;
      h.bytesWritten += s.bytesWritten;
      h.samplesClipped += s.samplesClipped;
      h.samplesMissing += s.samplesMissing;
      h.samplesDropped += s.samplesDropped;
      h.errors += s.errors;
      if (s.lastError !== undefined) h.lastError = s.lastError;
      if (r.degraded) h.state = 'degraded';
    }
    return h;
  };

  return {
    name: 'recording',
    start() {
      if (!rec.enabled) return;
      const wanted = (id: string) => rec.devices === 'all' || rec.devices.includes(id);
      const streams = new Set<StreamKind>(rec.streams);
      for (const device of ctx.config.devices) {
        if (!device.enabled || !wanted(device.id)) continue;
        for (const stream of rec.streams) {
          recorders.set(`${device.id}/${stream}`, new StreamRecorder(recorderOptions(rec, ctx.config.dataDir, device.id, stream, log)));
        }
      }
      if (ctx.health) ctx.health.recording = health;
      offs.push(
        ctx.bus.on('device:block', ({ deviceId, block }) => {
          if (!streams.has(block.stream)) return;
          recorders.get(`${deviceId}/${block.stream}`)?.push(block);
        }),
        ctx.bus.on('device:marker', ({ deviceId, source }) => {
          for (const stream of rec.streams) recorders.get(`${deviceId}/${stream}`)?.annotate(`marker ${source}`);
        }),
      );
      log.info(`recording ${recorders.size} stream(s) to ${recorderOptions(rec, ctx.config.dataDir, '', 'ecg', log).dir}`);
    },
    async stop() {
      for (const off of offs) off();
      await Promise.all([...recorders.values()].map((r) => r.stop()));
    },
  };
}
