// Per EEG device with `eeg.mdd.enabled`: the MDD screening score of the running session on
// `<device>/eeg/mdd` every `eeg.mdd.publishIntervalS`. The device's `eeg` blocks go through the
// model's own features (src/models/mdd/stream.ts: electrodes by name, epochs, rejection, maps), each
// clean epoch through the shared model slot (`ctx.models.slot(name, mddMapCodec)`), and into a
// MddSession; this extension keeps the timer, seq and topic. A montage without the model's
// electrodes (a Muse) or at a rate too low for its bands is refused once, logged, and counted as
// `eeg-mdd` rejected; other rates are resampled to the model's (src/models/mdd/stream.ts).
import { RateLimitedLog } from '../../common/rate-limited-log.js';
import { mddMapCodec, mddParams } from '../../models/mdd/codec.js';
import { MddSession, mddPayload } from '../../models/mdd/session.js';
import { MddEpochStream } from '../../models/mdd/stream.js';
import type { ModelSlot } from '../../models/slot.js';
import type { SequenceCounter } from '../../mqtt/sequence.js';
import type { Extension, ExtensionContext } from '../context.js';

interface DeviceMdd {
  model: string;
  slot?: ModelSlot<Float32Array, number>;
  stream?: MddEpochStream;
  session: MddSession;
  seq: SequenceCounter;
  /** Set when the device's stream cannot be scored; nothing more is computed for it. */
  refused?: string;
}

export function eegMddExtension(ctx: ExtensionContext): Extension {
  const devices = new Map<string, DeviceMdd>();
  const timers: NodeJS.Timeout[] = [];
  const offs: Array<() => void> = [];
  const log = ctx.log.child('eeg-mdd');
  const warnings = new RateLimitedLog(log);

  const publish = (id: string, d: DeviceMdd): void => {
    const score = d.session.score();
    if (!score || !d.slot) return;
    let seq: number;
    try {
      seq = d.seq.next();
    } catch (err) {
      warnings.warn(`${id}/seq`, `${id}: no durable seq for ${d.seq.key} (${(err as Error).message}); the MDD score waits for the next interval`);
      return;
    }
    const info = d.slot.stage.info;
    ctx.publisher.publish(ctx.topics.eegMdd(id), mddPayload(score, seq, Date.now(), { name: info.name, version: info.version }));
  };

  return {
    name: 'eeg-mdd',
    start() {
      for (const device of ctx.config.devices) {
        if (!device.enabled || !('eeg' in device) || !device.eeg.enabled || !device.eeg.mdd.enabled) continue;
        const d: DeviceMdd = { model: device.eeg.mdd.model, session: new MddSession(), seq: ctx.sequence(`${device.id}/eeg/mdd`) };
        devices.set(device.id, d);
        ctx.models.slot(d.model, mddMapCodec).then(
          (slot) => {
            d.slot = slot;
            d.stream = new MddEpochStream(mddParams(slot.stage.manifest).features);
            log.info(`${device.id}: MDD screening with ${slot.stage.info.name}@${slot.stage.info.version} (${slot.stage.info.variant}); research signal, not a diagnosis`);
          },
          (err: unknown) => {
            d.refused = `model ${d.model} did not load: ${(err as Error).message}`;
            log.error(`${device.id}: MDD screening off: ${d.refused}`);
          },
        );
        const timer = setInterval(() => publish(device.id, d), device.eeg.mdd.publishIntervalS * 1000);
        timer.unref();
        timers.push(timer);
      }
      if (devices.size === 0) return;
      offs.push(
        ctx.bus.on('device:block', ({ deviceId, block }) => {
          const d = devices.get(deviceId);
          if (!d || block.stream !== 'eeg' || d.refused || !d.stream || !d.slot) return;
          let epochs;
          try {
            epochs = d.stream.push(block.channels, block.sampleRateHz, block.values);
          } catch (err) {
            d.refused = (err as Error).message;
            ctx.status.countRejected(deviceId, 'eeg-mdd');
            log.error(`${deviceId}: MDD screening off for this stream: ${d.refused}`);
            return;
          }
          for (const e of epochs) {
            if (e.rejected || !e.maps) d.session.addRejected(e.rejected ?? 'missing', e.startS, e.endS);
            else d.session.addEpoch(d.slot.infer(e.maps), e.startS, e.endS);
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
