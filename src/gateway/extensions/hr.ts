// Per heart-rate device (any kind with `hr` settings: hr-strap, polar-h10): the strap's own HR and
// RR intervals (Heart Rate Service) batched to `<device>/hr` every `hr.publishIntervalS`. RR
// intervals accumulate between messages, so none is lost between publishes; nothing is published
// while nothing arrives (the status says why).
import { RateLimitedLog } from '../../common/rate-limited-log.js';
import type { DeviceHr } from '../../mqtt/api.js';
import type { SequenceCounter } from '../../mqtt/sequence.js';
import type { Extension, ExtensionContext } from '../context.js';

/** RR kept while no seq can be had (a failing sequence file): about an hour at 180 bpm. */
const maxPendingRr = 10_000;

interface HrPipeline {
  seq: SequenceCounter;
  pendingRrMs: number[];
  hrBpm: number | undefined;
  contact: boolean | null;
  energyKj: number | undefined;
  /** Measurements since the last message. */
  fresh: number;
}

export function hrExtension(ctx: ExtensionContext): Extension {
  const pipelines = new Map<string, HrPipeline>();
  const timers: NodeJS.Timeout[] = [];
  const offs: Array<() => void> = [];
  const log = ctx.log.child('hr');
  const warnings = new RateLimitedLog(log);

  const publish = (id: string, p: HrPipeline): void => {
    if (p.fresh === 0 || p.hrBpm === undefined) return;
    let seq: number;
    try {
      seq = p.seq.next();
    } catch (err) {
      warnings.warn(`${id}/seq`, `${id}: no durable seq for ${p.seq.key} (${(err as Error).message}); RR waits for the next try`);
      return;
    }
    const battery = ctx.status.get(id)?.batteryPercent;
    const message: DeviceHr = {
      seq,
      t: Date.now(),
      hrBpm: p.hrBpm,
      rrMs: p.pendingRrMs.map((ms) => Math.round(ms * 10) / 10),
      contact: p.contact,
      ...(p.energyKj !== undefined ? { energyKj: p.energyKj } : {}),
      ...(battery !== undefined ? { batteryPercent: battery } : {}),
    };
    p.pendingRrMs = [];
    p.fresh = 0;
    ctx.publisher.publish(ctx.topics.deviceHr(id), message);
  };

  return {
    name: 'hr',
    start() {
      for (const device of ctx.config.devices) {
        if (!device.enabled || !('hr' in device)) continue;
        const p: HrPipeline = { seq: ctx.sequence(`${device.id}/hr`), pendingRrMs: [], hrBpm: undefined, contact: null, energyKj: undefined, fresh: 0 };
        pipelines.set(device.id, p);
        const timer = setInterval(() => publish(device.id, p), device.hr.publishIntervalS * 1000);
        timer.unref();
        timers.push(timer);
      }
      offs.push(
        ctx.bus.on('device:hr', (report) => {
          const p = pipelines.get(report.deviceId);
          if (!p) return;
          p.hrBpm = report.hrBpm;
          p.contact = report.contact;
          if (report.energyKj !== undefined) p.energyKj = report.energyKj;
          p.pendingRrMs.push(...report.rrMs);
          if (p.pendingRrMs.length > maxPendingRr) p.pendingRrMs.splice(0, p.pendingRrMs.length - maxPendingRr);
          p.fresh++;
        }),
      );
    },
    stop() {
      for (const t of timers) clearInterval(t);
      for (const off of offs) off();
      for (const [id, p] of pipelines) publish(id, p);
      warnings.flush();
    },
  };
}
