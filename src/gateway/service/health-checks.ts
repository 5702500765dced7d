// The pipeline checks the service watchdog runs before each WATCHDOG=1 (watchdog.ts). Each is
// about the daemon itself being wedged, which a restart cures; conditions outside it (a broker or
// a device that is away, a full disk) are reported on bridge/health and never fail a check, or
// systemd would restart a healthy daemon in a loop.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { HealthCheck } from './watchdog.js';

export interface DrainFigures {
  connected: boolean;
  /** Rows waiting for a PUBACK. */
  depth: number;
  /** Rows that left the outbox for good so far (acknowledged, evicted, refused). */
  settled: number;
}

/**
 * Fails when the broker connection is up and results wait, yet none has left the outbox for
 * `stallMs`: the drain loop is stuck (a lost callback, a wedged client), not the network.
 */
export function drainCheck(figures: () => DrainFigures | undefined, stallMs: number): HealthCheck {
  let lastSettled = -1;
  let lastProgressMs = 0;
  return (nowMs) => {
    const f = figures();
    if (f === undefined) return undefined;
    if (f.settled !== lastSettled || !f.connected || f.depth === 0) {
      lastSettled = f.settled;
      lastProgressMs = nowMs;
      return undefined;
    }
    const stalledMs = nowMs - lastProgressMs;
    if (stalledMs < stallMs) return undefined;
    return `outbox drain stalled: ${f.depth} result(s) waiting, none acknowledged for ${(stalledMs / 1000).toFixed(0)} s while connected`;
  };
}

/** Longest event-loop block seen since the last call, ms. */
export type LoopDelaySource = () => number;

/** The event loop's longest delay between ticks (perf_hooks), reset at each read. */
export function eventLoopDelaySource(): { read: LoopDelaySource; stop(): void } {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 50 });
  histogram.enable();
  return {
    read: () => {
      const maxMs = histogram.max / 1e6;
      histogram.reset();
      return maxMs;
    },
    stop: () => histogram.disable(),
  };
}

/**
 * Fails when the event loop was blocked longer than `maxBlockMs` since the previous check: the
 * loop still turns, but too rarely to read devices in time (a loop blocked for good sends no
 * ping at all).
 */
export function eventLoopCheck(delayMs: LoopDelaySource, maxBlockMs: number): HealthCheck {
  return () => {
    const blockedMs = delayMs();
    return blockedMs > maxBlockMs ? `event loop blocked for ${blockedMs.toFixed(0)} ms (limit ${maxBlockMs} ms)` : undefined;
  };
}
