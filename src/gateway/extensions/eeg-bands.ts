// Per EEG device: the band pipeline (src/streaming/eeg/pipeline.ts: montage, re-reference, notch,
// band-pass, epochs, artefacts, Welch band power) on the device's `eeg` blocks; this extension keeps
// the timer, the sequence numbers and the topic: one `<device>/eeg/bands` message per
// `eeg.publishIntervalS` with the epochs completed since the last. It attaches by stream: every
// device whose kind produces EEG has `eeg` settings (muse, cyton, ads1299, replay).
import { RateLimitedLog } from '../../common/rate-limited-log.js';
import type { SequenceCounter } from '../../mqtt/sequence.js';
import { EegPipeline, type EegSettings } from '../../streaming/eeg/pipeline.js';
import type { Extension, ExtensionContext } from '../context.js';

interface DeviceEeg {
  pipeline: EegPipeline;
  seq: SequenceCounter;
}

type DeviceConfig = ExtensionContext['config']['devices'][number];
type EegConfig = Extract<DeviceConfig, { eeg: unknown }>['eeg'];

/** The pipeline settings of one device's `eeg` config section. */
export function eegSettingsFrom(eeg: EegConfig): Partial<EegSettings> {
  return {
    reference: eeg.reference,
    notchHz: eeg.notchHz,
    bandpassLowHz: eeg.bandpassHz[0],
    bandpassHighHz: eeg.bandpassHz[1],
    epochS: eeg.epochS,
    overlap: eeg.overlap,
    welchSegmentS: eeg.welchSegmentS,
    welchOverlap: eeg.welchOverlap,
    artefacts: { ...eeg.artefacts },
  };
}

export function eegBandsExtension(ctx: ExtensionContext): Extension {
  const devices = new Map<string, DeviceEeg>();
  const timers: NodeJS.Timeout[] = [];
  const offs: Array<() => void> = [];
  const log = ctx.log.child('eeg-bands');
  const warnings = new RateLimitedLog(log);

  const publish = (id: string, d: DeviceEeg): void => {
    // Epochs of an older channel layout come out first, each layout in its own message.
    for (let payload = d.pipeline.batch(); payload; payload = d.pipeline.batch()) {
      let seq: number;
      try {
        seq = d.seq.next();
      } catch (err) {
        warnings.warn(`${id}/seq`, `${id}: no durable seq for ${d.seq.key} (${(err as Error).message}); EEG bands wait for the next try`);
        return;
      }
      ctx.publisher.publish(ctx.topics.eegBands(id), { seq, t: Date.now(), ...payload });
      d.pipeline.commit();
    }
  };

  return {
    name: 'eeg-bands',
    start() {
      for (const device of ctx.config.devices) {
        if (!device.enabled || !('eeg' in device) || !device.eeg.enabled) continue;
        let pipeline: EegPipeline;
        try {
          pipeline = new EegPipeline(eegSettingsFrom(device.eeg));
        } catch (err) {
          log.error(`${device.id}: EEG bands off: ${(err as Error).message}`);
          continue;
        }
        const d: DeviceEeg = { pipeline, seq: ctx.sequence(`${device.id}/eeg/bands`) };
        devices.set(device.id, d);
        const timer = setInterval(() => publish(device.id, d), device.eeg.publishIntervalS * 1000);
        timer.unref();
        timers.push(timer);
      }
      if (devices.size === 0) return;
      offs.push(
        ctx.bus.on('device:block', ({ deviceId, block }) => {
          const d = devices.get(deviceId);
          if (!d || block.stream !== 'eeg') return;
          for (const event of d.pipeline.push(block)) {
            if (event.kind === 'rejected') {
              ctx.status.countRejected(deviceId, event.code);
              warnings.warn(`${deviceId}/${event.code}`, `${deviceId}: EEG block refused (${event.code}): ${event.message}`);
            } else if (event.kind === 'layout') {
              const excluded = event.excluded.length > 0 ? `; excluded ${event.excluded.join(', ')}` : '';
              log.info(`${deviceId}: EEG montage ${event.channels.join(' ')} (${event.channels.length}), reference ${event.reference} (${event.reason})${excluded}`);
            } else if (event.kind === 'restart') {
              warnings.warn(`${deviceId}/restart`, `${deviceId}: EEG stream jumped by ${event.gapSamples} samples: epochs restart`);
            }
          }
        }),
      );
    },
    stop() {
      for (const t of timers) clearInterval(t);
      for (const off of offs) off();
      for (const [id, d] of devices) publish(id, d);
      warnings.flush();
    },
  };
}
