// The soak's fault schedule, drawn from a seeded generator so a run repeats: broker restarts,
// device faults (unplug/replug, garbage bytes, stalls) and one or more periods of disk pressure.
import { SeededRandom } from '../../src/common/random.js';

export type FaultEvent =
  | { atS: number; kind: 'broker-restart'; downS: number }
  | { atS: number; kind: 'unplug'; device: number; downS: number }
  | { atS: number; kind: 'garbage'; device: number; bytes: number }
  | { atS: number; kind: 'stall'; device: number; durationS: number }
  | { atS: number; kind: 'disk-pressure'; durationS: number };

export interface PlanOptions {
  seed: number;
  /** Faults happen in [startS, endS) of real time. */
  startS: number;
  endS: number;
  deviceCount: number;
  /** Mean real seconds between broker restarts and between device faults. */
  brokerMeanIntervalS?: number;
  deviceMeanIntervalS?: number;
  /** One disk-pressure period per this many seconds (at least one when the run is long enough). */
  diskPeriodS?: number;
  diskPressure?: boolean;
}

/** The events, sorted by time. Every fault ends before `endS` (unplugs replug, stalls resume). */
export function planFaults(o: PlanOptions): FaultEvent[] {
  const rng = new SeededRandom(o.seed);
  const uniform = (lo: number, hi: number): number => lo + (hi - lo) * rng.next();
  const exp = (meanS: number): number => -meanS * Math.log(1 - rng.next());
  const events: FaultEvent[] = [];
  const round = (x: number): number => Math.round(x * 10) / 10;

  // Disk pressure first: each window also takes the broker away for a while, so the outbox has to
  // grow on the full disk (with the broker up, the WAL just cycles through pages it already has).
  const forced: Array<{ atS: number; downS: number }> = [];
  if (o.diskPressure ?? true) {
    const periodS = o.diskPeriodS ?? 600;
    const span = o.endS - o.startS;
    const count = Math.max(span >= 180 ? 1 : 0, Math.floor(span / periodS));
    for (let i = 0; i < count; i++) {
      const slotS = span / count;
      const durationS = round(Math.min(90, slotS / 3));
      const atS = round(o.startS + i * slotS + uniform(0.1, 0.5) * slotS);
      events.push({ atS, kind: 'disk-pressure', durationS });
      forced.push({ atS: round(atS + 5), downS: round(Math.min(30, durationS / 2)) });
    }
  }
  for (const f of forced) events.push({ atS: f.atS, kind: 'broker-restart', downS: f.downS });
  const brokerMeanS = o.brokerMeanIntervalS ?? 150;
  // Restarts never overlap: the next one comes at least 5 s after the broker is back.
  for (let t = o.startS + exp(brokerMeanS); ; ) {
    const downS = round(uniform(1, 20));
    if (t + downS >= o.endS) break;
    const clash = forced.find((f) => t < f.atS + f.downS + 5 && f.atS < t + downS + 5);
    if (clash) {
      t = clash.atS + clash.downS + 5;
      continue;
    }
    events.push({ atS: round(t), kind: 'broker-restart', downS });
    t = Math.max(t + exp(brokerMeanS), t + downS + 5);
  }
  for (let t = o.startS + exp(o.deviceMeanIntervalS ?? 25); t < o.endS; t += exp(o.deviceMeanIntervalS ?? 25)) {
    const device = Math.floor(rng.next() * o.deviceCount);
    const pick = rng.next();
    const atS = round(t);
    if (pick < 0.35) {
      const downS = round(uniform(0.5, 10));
      if (t + downS < o.endS) events.push({ atS, kind: 'unplug', device, downS });
    } else if (pick < 0.7) {
      events.push({ atS, kind: 'garbage', device, bytes: Math.floor(uniform(1, 4096)) });
    } else {
      // Up to 8 s: past the gateway's default 5 s silence timeout, so both paths are exercised.
      const durationS = round(uniform(0.2, 8));
      if (t + durationS < o.endS) events.push({ atS, kind: 'stall', device, durationS });
    }
  }
  return events.sort((a, b) => a.atS - b.atS);
}

/** Counts of planned events by kind, e.g. `{ unplug: 4, garbage: 7 }`. */
export function countByKind(events: readonly FaultEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) out[e.kind] = (out[e.kind] ?? 0) + 1;
  return out;
}
