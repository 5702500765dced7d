// A device that sends nothing produces no quality window, so the latest one would go on saying
// "good". Silence is missing data: these pure helpers measure how much of the current window
// (gateway clock) had no samples and re-rate the latest window's quality for it.
import { defaultQualityOptions, missingSamplesReason, qualityLevel, type QualityOptions, type SignalQuality } from './quality.js';

/** An interval of gateway time with no samples, ms (monotonic clock). */
export interface Silence {
  startMs: number;
  endMs: number;
}

/** Milliseconds of the window `[nowMs - windowMs, nowMs]` covered by `silence`. */
export function silentMsInWindow(silence: Silence, nowMs: number, windowMs: number): number {
  return Math.max(0, Math.min(silence.endMs, nowMs) - Math.max(silence.startMs, nowMs - windowMs));
}

/**
 * `q` (the latest assessed window) as the quality of a window of `windowS` of which `silentS` had
 * no samples: those count as missing, the index shrinks with them, the class follows (never
 * better than poor), and the first reason says how long the device has been silent (`silenceS`).
 */
export function withSilence<Q extends SignalQuality>(
  q: Q,
  silentS: number,
  windowS: number,
  silenceS: number,
  options: QualityOptions = defaultQualityOptions,
): Q {
  const silentFraction = Math.min(1, Math.max(0, silentS / windowS));
  if (silentFraction === 0) return q;
  const missingFraction = silentFraction + (1 - silentFraction) * q.missingFraction;
  // sqi already carries (1 - missing) of its own window; the silent part scales what is left.
  const sqi = q.sqi * (1 - silentFraction);
  // A window the device left partly silent is at best poor, whatever the rest looked like.
  const level = qualityLevel(sqi, missingFraction, options);
  const quality = [level, q.quality, 'poor' as const].reduce((a, b) => (rank[b] < rank[a] ? b : a));
  const own = missingSamplesReason(q.missingFraction);
  const reasons = [
    `no samples for ${silenceS.toFixed(1)} s`,
    missingSamplesReason(missingFraction),
    ...q.reasons.filter((r) => r !== own),
  ];
  return { ...q, sqi, missingFraction, quality, reasons };
}

const rank: Readonly<Record<SignalQuality['quality'], number>> = { unusable: 0, poor: 1, good: 2 };
