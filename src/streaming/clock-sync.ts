// Maps one device's clock onto the gateway's clock from (deviceTimeUs, arrivalTimeUs) pairs, so
// that samples keep device-clock timing (sequence counters, sample rates) but are published on
// gateway time. Arrival = true send time + a delay that is never negative and often large (BLE
// connection intervals, bursts, stalls), so only the smallest delays carry the clock: the
// estimator keeps the minimum-delay point of each 1 s bucket of device time and fits the line
// under them (clock-sync-envelope.ts).
//
// Inputs: device time already unwrapped upstream (CounterUnwrapper turns the u32 µs clock into a
// monotonic number, FrameAssembler's t0Us), gateway time monotonic µs (e.g. performance.now()·1000).
// A device clock that jumps (backwards: reset; forwards: far below the line) for `confirmCount`
// consistent packets restarts the estimator; a lone impossible packet is dropped and counted.
// The error floor is the smallest delay the link ever delivers: if packet and connection-event
// grids stay phase-locked no one-way estimator can see the true offset, and this one is biased by it.
//
// Measured (tests/streaming/clock-sync.test.ts; mapped online at arrival; max |error| over the
// last simulated minute of 10; the floor is the link's own minimum delay, about 1.7 ms for the
// newest of five notifications in a 50 ms event):
//   +80 ppm, 50 ms CI, bursts, 1% stalls: 1.79 ms (drift 79.8 ppm); -80 ppm, 7.5 ms CI: 0.63 ms;
//   5 h offset, 35 ppm: 1.65 ms; reset at 300 s: 1.67 ms (under 5 ms 0.1 s after the restart in
//   that run; 0-20 s over eight seeds, the worst when the link stalled for 10 s right after it);
//   0 ppm, FIFO 40 ms mean delays: 1.79 ms (drift -4.5 ppm); drift 0 -> 40 ppm: 2.19 ms, the drift
//   reported lags at 30.2 ppm (a window average); 50 ms CI phase-locked at 35 ppm: 1.40 ms here,
//   bounded only by one packet period; property (25 runs, ±200 ppm): worst 1.18 ms, drift ±1.4 ppm.
import { fitLowerEnvelope } from './clock-sync-envelope.js';

export interface ClockSyncOptions {
  /** Width of a minimum-delay bucket, device seconds. */
  bucketS?: number;
  /** Buckets older than this (device seconds) are forgotten. */
  windowS?: number;
  /** Within the window, older buckets count less: weight exp(-age/forgetTauS) in the fit's objective. */
  forgetTauS?: number;
  /** Below this span of buckets, drift stays at the last estimate (zero at start, kept over a detected clock reset) and only the offset is fitted. */
  minFitSpanS?: number;
  /** Span (device seconds) of buckets after which the estimate is `ready` (confidence 1). */
  readySpanS?: number;
  /** Fitted drifts beyond this are clamped; also the slack for not-yet-ready discontinuity checks. */
  maxDriftPpm?: number;
  /** A packet this far below the line (or this far back in device time) is a clock discontinuity. */
  discontinuityMs?: number;
  /** Consecutive mutually consistent discontinuous packets that restart the estimator. */
  confirmCount?: number;
}

/** What `observe` did with a packet. 'held': off the current line, kept pending (its mapping is not trustworthy). */
export type ObserveOutcome = 'accepted' | 'held' | 'restarted' | 'stale';

export interface ClockSyncStats {
  observed: number;
  /** Pending packets dropped because the clock went back to the line (corrupt timestamps). */
  rejected: number;
  /** Packets older than the current bucket (reordered) that could not be used. */
  stale: number;
  /** Restarts on a confirmed device clock discontinuity (not counting `reset()`). */
  restarts: number;
}

interface Pending {
  deviceUs: number;
  arrivalUs: number;
}

const defaults: Required<ClockSyncOptions> = {
  bucketS: 1,
  windowS: 300,
  forgetTauS: 300,
  minFitSpanS: 10,
  readySpanS: 60,
  maxDriftPpm: 500,
  discontinuityMs: 50,
  confirmCount: 3,
};

/** Drift slack once ready: real crystals wander far less than this between buckets. */
const readySlackPpm = 50;

export class ClockSync {
  readonly stats: ClockSyncStats = { observed: 0, rejected: 0, stale: 0, restarts: 0 };
  private readonly opts: Required<ClockSyncOptions>;
  private readonly bucketUs: number;
  private readonly maxSlope: number;
  // x = deviceUs - originUs, y = arrivalUs - deviceUs; the line is y = intercept + slope·x.
  private originUs: number | undefined;
  private bucketX: number[] = [];
  private bucketY: number[] = [];
  private currentBucket = 0;
  private currentX = 0;
  private currentY = 0;
  private newestX = 0;
  private intercept = 0;
  private slope = 0;
  private fitted = false;
  private pending: Pending[] = [];

  constructor(options: ClockSyncOptions = {}) {
    this.opts = { ...defaults, ...options };
    const o = this.opts;
    if (!(o.bucketS > 0) || !(o.windowS >= 2 * o.bucketS) || !(o.forgetTauS > 0) || !(o.confirmCount >= 1)) {
      throw new RangeError('ClockSync: bucketS > 0, windowS >= 2·bucketS, forgetTauS > 0 and confirmCount >= 1 are required');
    }
    this.bucketUs = o.bucketS * 1e6;
    this.maxSlope = o.maxDriftPpm * 1e-6;
  }

  /** Feeds one packet: its device time (µs, unwrapped) and its arrival on the gateway clock (µs). */
  observe(deviceTimeUs: number, arrivalTimeUs: number): ObserveOutcome {
    if (!Number.isFinite(deviceTimeUs) || !Number.isFinite(arrivalTimeUs)) {
      throw new RangeError(`ClockSync: non-finite time (device ${deviceTimeUs}, arrival ${arrivalTimeUs})`);
    }
    this.stats.observed++;
    if (this.originUs === undefined) {
      this.start(deviceTimeUs, arrivalTimeUs);
      return 'accepted';
    }
    const x = deviceTimeUs - this.originUs;
    const y = arrivalTimeUs - deviceTimeUs;
    if (!this.onLine(x, y)) return this.hold(deviceTimeUs, arrivalTimeUs);
    this.stats.rejected += this.pending.length;
    this.pending = [];
    return this.accept(x, y) ? 'accepted' : 'stale';
  }

  /** The gateway time (µs) at which the device clock read `deviceTimeUs`. */
  toGatewayUs(deviceTimeUs: number): number {
    if (this.originUs === undefined) throw new RangeError('ClockSync: no packet observed yet');
    const x = deviceTimeUs - this.originUs;
    return deviceTimeUs + this.intercept + this.slope * x;
  }

  /** How much faster the device clock runs than the gateway's, ppm (positive: device fast). */
  get driftPpm(): number {
    return (-this.slope / (1 + this.slope)) * 1e6;
  }

  /** Gateway minus device time (µs) at the newest observed device time. */
  get offsetUs(): number {
    return this.intercept + this.slope * this.newestX;
  }

  /** 0..1: how much of `readySpanS` the retained buckets cover (0 until a drift is fitted). */
  get confidence(): number {
    if (!this.fitted || this.bucketX.length < 2) return 0;
    const spanUs = this.bucketX[this.bucketX.length - 1] - this.bucketX[0];
    const wantedBuckets = this.opts.readySpanS / this.opts.bucketS / 2;
    return Math.min(1, spanUs / (this.opts.readySpanS * 1e6), this.bucketX.length / wantedBuckets);
  }

  /** True once the mapping has its specified accuracy (enough buckets over enough time). */
  get ready(): boolean {
    return this.confidence >= 1;
  }

  /** Forgets everything: device clock reset, reconnect, or a different device. */
  reset(): void {
    this.originUs = undefined;
    this.bucketX = [];
    this.bucketY = [];
    this.pending = [];
    this.intercept = 0;
    this.slope = 0;
    this.fitted = false;
    this.newestX = 0;
  }

  private start(deviceUs: number, arrivalUs: number, slope = 0): void {
    this.originUs = deviceUs;
    this.currentBucket = 0;
    this.currentX = 0;
    this.currentY = arrivalUs - deviceUs;
    this.newestX = 0;
    this.slope = slope;
    this.intercept = this.currentY;
  }

  /** False when the packet cannot belong to the current clock: far back in device time, or far below the line. */
  private onLine(x: number, y: number): boolean {
    const toleranceUs = this.opts.discontinuityMs * 1e3;
    if (x < this.newestX - toleranceUs) return false;
    const oldestX = this.bucketX.length > 0 ? this.bucketX[0] : this.currentX;
    const slackPpm = this.ready ? readySlackPpm : this.opts.maxDriftPpm;
    const slackUs = toleranceUs + slackPpm * 1e-6 * Math.abs(x - oldestX);
    return y - (this.intercept + this.slope * x) >= -slackUs;
  }

  private hold(deviceUs: number, arrivalUs: number): ObserveOutcome {
    const last = this.pending[this.pending.length - 1];
    const toleranceUs = this.opts.discontinuityMs * 1e3;
    const consistent =
      last !== undefined &&
      deviceUs >= last.deviceUs - toleranceUs &&
      Math.abs(arrivalUs - deviceUs - (last.arrivalUs - last.deviceUs)) <=
        toleranceUs + this.maxSlope * Math.abs(deviceUs - last.deviceUs);
    if (!consistent) {
      this.stats.rejected += this.pending.length;
      this.pending = [];
    }
    this.pending.push({ deviceUs, arrivalUs });
    if (this.pending.length < this.opts.confirmCount) return 'held';
    const replay = this.pending;
    // Same crystal after a device clock reset: its drift is the best guess until the new span fits one.
    const priorSlope = this.slope;
    this.reset();
    this.stats.restarts++;
    for (const p of replay) {
      if (this.originUs === undefined) this.start(p.deviceUs, p.arrivalUs, priorSlope);
      else this.accept(p.deviceUs - this.originUs, p.arrivalUs - p.deviceUs);
    }
    return 'restarted';
  }

  /** Adds an on-line point to its bucket; returns false for a point in an already closed bucket. */
  private accept(x: number, y: number): boolean {
    const bucket = Math.floor(x / this.bucketUs);
    if (bucket < this.currentBucket) {
      this.stats.stale++;
      return false;
    }
    if (x > this.newestX) this.newestX = x;
    if (bucket > this.currentBucket) {
      this.bucketX.push(this.currentX);
      this.bucketY.push(this.currentY);
      this.currentBucket = bucket;
      this.currentX = x;
      this.currentY = y;
      this.refit();
    } else if (y < this.currentY) {
      this.currentX = x;
      this.currentY = y;
    }
    if (!this.fitted) this.fitOffsetOnly();
    return true;
  }

  private refit(): void {
    const windowUs = this.opts.windowS * 1e6;
    let drop = 0;
    while (drop < this.bucketX.length && this.bucketX[drop] < this.currentX - windowUs) drop++;
    if (drop > 0) {
      this.bucketX.splice(0, drop);
      this.bucketY.splice(0, drop);
    }
    const n = this.bucketX.length;
    const spanUs = n > 1 ? this.bucketX[n - 1] - this.bucketX[0] : 0;
    if (spanUs < this.opts.minFitSpanS * 1e6) {
      // Too short to see drift: keep the last drift (zero at start), fit the offset only.
      this.fitted = false;
      this.fitOffsetOnly();
      return;
    }
    const newest = this.bucketX[n - 1];
    const tauUs = this.opts.forgetTauS * 1e6;
    let sumW = 0;
    let sumWX = 0;
    for (let i = 0; i < n; i++) {
      const w = Math.exp((this.bucketX[i] - newest) / tauUs);
      sumW += w;
      sumWX += w * this.bucketX[i];
    }
    const line = fitLowerEnvelope(this.bucketX, this.bucketY, sumWX / sumW);
    if (line === undefined) return;
    this.fitted = true;
    if (Math.abs(line.slope) <= this.maxSlope) {
      this.intercept = line.intercept;
      this.slope = line.slope;
    } else {
      this.slope = Math.sign(line.slope) * this.maxSlope;
      this.fitOffsetOnly();
    }
  }

  /** Lowest intercept at the current slope over the retained buckets and the open one. */
  private fitOffsetOnly(): void {
    let best = this.currentY - this.slope * this.currentX;
    for (let i = 0; i < this.bucketX.length; i++) best = Math.min(best, this.bucketY[i] - this.slope * this.bucketX[i]);
    this.intercept = best;
  }
}
