// ClockSync against simulated links. A device sends a packet every 10 ms of its own clock; the
// link adds a non-negative delay: either BLE (connection events every CI on the controller's own
// clock, at most a few packets per event, FIFO backlog, stalls of 200-500 ms starting at 1% of
// events, host latency per event) or a FIFO link with exponential delays and stalls. Mapping is
// checked online, as a publisher would use it: observe the packet, then map its device time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ClockSync } from '../../src/streaming/clock-sync.js';
import { fitLowerEnvelope } from '../../src/streaming/clock-sync-envelope.js';
import { SeededRandom } from '../../src/common/random.js';

interface BleLink {
  kind: 'ble';
  connIntervalMs: number;
  /** BLE controller clock error vs the gateway clock (moves the connection-event grid). */
  controllerPpm: number;
  maxPerEvent: number;
  stallProbability: number;
}
interface FifoLink {
  kind: 'fifo';
  meanDelayMs: number;
  stallProbability: number;
}
type Link = BleLink | FifoLink;

interface Scenario {
  seed: number;
  durationS: number;
  /** Device drift at gateway time tS, ppm (positive: device fast). */
  driftPpmAt: (tS: number) => number;
  deviceStartUs: number;
  link: Link;
  /** Device clock restarts (new offset) at this gateway time, seconds. */
  resetAtS?: number;
}

interface Packet {
  deviceUs: number;
  arrivalUs: number;
  /** True send time on the gateway clock. */
  sendUs: number;
}

const packetPeriodUs = 10_000;
const hostMinUs = 400;
const hostMeanUs = 800;
const hciSpacingUs = 250;

function simulate(s: Scenario): Packet[] {
  const rng = new SeededRandom(s.seed);
  const exp = (meanUs: number): number => -meanUs * Math.log(1 - rng.next());
  const stallUs = (): number => 200_000 + rng.next() * 300_000;
  const out: Packet[] = [];
  let tUs = 1_000_000 + rng.next() * packetPeriodUs;
  let deviceUs = s.deviceStartUs;
  let didReset = false;
  // BLE state: the event being filled, its index, how many packets it carries, its host latency.
  const link = s.link;
  const ciUs = link.kind === 'ble' ? link.connIntervalMs * 1e3 * (1 - link.controllerPpm * 1e-6) : 0;
  const phaseUs = rng.next() * ciUs;
  let eventIndex = -1;
  let eventCount = 0;
  let eventHostUs = 0;
  let blockedUntilUs = 0;
  let lastArrivalUs = 0;
  while (tUs < s.durationS * 1e6) {
    if (s.resetAtS !== undefined && !didReset && tUs >= s.resetAtS * 1e6) {
      didReset = true;
      deviceUs = 12_345_678;
    }
    let arrivalUs: number;
    if (link.kind === 'ble') {
      let j = Math.max(eventIndex, Math.ceil((tUs + 200 - phaseUs) / ciUs));
      if (j === eventIndex && eventCount >= link.maxPerEvent) j++;
      while (j !== eventIndex) {
        const eventUs = phaseUs + j * ciUs;
        if (eventUs < blockedUntilUs) {
          j = Math.ceil((blockedUntilUs - phaseUs) / ciUs);
          continue;
        }
        if (rng.next() < link.stallProbability) {
          blockedUntilUs = eventUs + stallUs();
          continue;
        }
        eventIndex = j;
        eventCount = 0;
        eventHostUs = hostMinUs + exp(hostMeanUs);
      }
      arrivalUs = phaseUs + eventIndex * ciUs + eventHostUs + eventCount * hciSpacingUs;
      eventCount++;
    } else {
      let delayUs = hostMinUs + exp(link.meanDelayMs * 1e3);
      if (rng.next() < link.stallProbability) delayUs += stallUs();
      arrivalUs = Math.max(lastArrivalUs + hciSpacingUs, tUs + delayUs);
    }
    lastArrivalUs = arrivalUs;
    out.push({ deviceUs, arrivalUs, sendUs: tUs });
    const rate = 1 + s.driftPpmAt(tUs / 1e6) * 1e-6;
    deviceUs += packetPeriodUs;
    tUs += packetPeriodUs / rate;
  }
  return out;
}

interface RunResult {
  /** Max |mapped - true send time| over packets sent in the last minute, ms. */
  lastMinuteMaxErrorMs: number;
  finalDriftPpm: number;
  ready: boolean;
  sync: ClockSync;
  /** Per packet: send time (s) and |error| (ms), for recovery checks. */
  errors: { sendS: number; errorMs: number }[];
}

function run(s: Scenario, sync = new ClockSync()): RunResult {
  const errors: { sendS: number; errorMs: number }[] = [];
  let lastMinuteMaxErrorMs = 0;
  for (const p of simulate(s)) {
    sync.observe(p.deviceUs, p.arrivalUs);
    const errorMs = Math.abs(sync.toGatewayUs(p.deviceUs) - p.sendUs) / 1e3;
    errors.push({ sendS: p.sendUs / 1e6, errorMs });
    if (p.sendUs >= (s.durationS - 60) * 1e6) lastMinuteMaxErrorMs = Math.max(lastMinuteMaxErrorMs, errorMs);
  }
  return { lastMinuteMaxErrorMs, finalDriftPpm: sync.driftPpm, ready: sync.ready, sync, errors };
}

const polarBle: BleLink = { kind: 'ble', connIntervalMs: 50, controllerPpm: 0, maxPerEvent: 6, stallProbability: 0.01 };
// 48.75 ms is not a multiple of the packet period, so some packet lands just before an event every
// few hundred ms; with 50 ms the lowest delays come only when the two grids slip past each other.
const ble4875: BleLink = { ...polarBle, connIntervalMs: 48.75 };
const tenMinutes = 600;

test('acceptance: +80 ppm, 10 ms packets over bursty 50 ms BLE with 1% stalls', () => {
  const r = run({ seed: 1, durationS: tenMinutes, driftPpmAt: () => 80, deviceStartUs: 0, link: polarBle });
  assert.ok(r.ready);
  assert.ok(r.lastMinuteMaxErrorMs < 5, `max error ${r.lastMinuteMaxErrorMs} ms`);
  assert.ok(Math.abs(r.finalDriftPpm - 80) < 3, `drift ${r.finalDriftPpm} ppm`);
});

test('-80 ppm, 7.5 ms connection interval, controller clock 20 ppm off', () => {
  const link: BleLink = { ...polarBle, connIntervalMs: 7.5, controllerPpm: 20, maxPerEvent: 2 };
  const r = run({ seed: 2, durationS: tenMinutes, driftPpmAt: () => -80, deviceStartUs: 0, link });
  assert.ok(r.lastMinuteMaxErrorMs < 5, `max error ${r.lastMinuteMaxErrorMs} ms`);
  assert.ok(Math.abs(r.finalDriftPpm + 80) < 3, `drift ${r.finalDriftPpm} ppm`);
});

test('a device clock hours away from the gateway clock', () => {
  const fiveHoursUs = 5 * 3600e6;
  const r = run({ seed: 3, durationS: tenMinutes, driftPpmAt: () => 35, deviceStartUs: fiveHoursUs, link: ble4875 });
  assert.ok(r.lastMinuteMaxErrorMs < 5, `max error ${r.lastMinuteMaxErrorMs} ms`);
  assert.ok(Math.abs(r.sync.offsetUs + fiveHoursUs) < 1e6, `offset ${r.sync.offsetUs} µs`);
});

test('a device clock reset mid-run restarts the estimate, which is under 5 ms again within 5 s', () => {
  const r = run({ seed: 4, durationS: tenMinutes, driftPpmAt: () => 60, deviceStartUs: 9e9, link: ble4875, resetAtS: 300 });
  assert.is(r.sync.stats.restarts, 1);
  const late = r.errors.filter((e) => e.sendS >= 305 && e.sendS < 360);
  const worst = Math.max(...late.map((e) => e.errorMs));
  assert.ok(worst < 5, `error ${worst} ms from 5 s after the reset`);
  assert.ok(r.lastMinuteMaxErrorMs < 5, `max error ${r.lastMinuteMaxErrorMs} ms`);
});

test('0 ppm under very heavy jitter (FIFO, 40 ms mean delays, stalls at 0.2% of packets)', () => {
  const link: FifoLink = { kind: 'fifo', meanDelayMs: 40, stallProbability: 0.002 };
  const r = run({ seed: 5, durationS: tenMinutes, driftPpmAt: () => 0, deviceStartUs: 0, link });
  assert.ok(r.lastMinuteMaxErrorMs < 5, `max error ${r.lastMinuteMaxErrorMs} ms`);
  assert.ok(Math.abs(r.finalDriftPpm) < 6, `drift ${r.finalDriftPpm} ppm`);
});

test('phase-locked grids (50 ms events, 10 ms packets, 35 ppm apart): bias stays under one packet period', () => {
  // The lowest delay sits at a fixed packet-to-event phase for minutes; no one-way estimator sees
  // past it. This pins the documented limit rather than the 5 ms target.
  const r = run({ seed: 7, durationS: tenMinutes, driftPpmAt: () => 35, deviceStartUs: 0, link: polarBle });
  assert.ok(r.lastMinuteMaxErrorMs < 12, `max error ${r.lastMinuteMaxErrorMs} ms`);
});

test('a slow drift change 0 -> 40 ppm over 10 minutes is followed', () => {
  const link: BleLink = { ...ble4875, controllerPpm: -30 };
  const r = run({ seed: 6, durationS: tenMinutes, driftPpmAt: (t) => (40 * t) / tenMinutes, deviceStartUs: 0, link });
  assert.ok(r.lastMinuteMaxErrorMs < 5, `max error ${r.lastMinuteMaxErrorMs} ms`);
  // The drift reported is the window's average: it lags the true value by about half the window's change.
  assert.ok(Math.abs(r.finalDriftPpm - 40) < 15, `drift ${r.finalDriftPpm} ppm`);
});

test('few points: minimum-delay offset with zero drift, not ready', () => {
  const sync = new ClockSync();
  assert.throws(() => sync.toGatewayUs(0));
  sync.observe(1_000_000, 5_030_000);
  sync.observe(1_010_000, 5_012_000);
  sync.observe(1_020_000, 5_045_000);
  assert.is(sync.driftPpm === 0, true);
  assert.is(sync.offsetUs, 4_002_000);
  assert.is(sync.toGatewayUs(1_020_000), 5_022_000);
  assert.is(sync.ready, false);
  assert.is(sync.confidence, 0);
});

test('a lone corrupt timestamp is dropped; a confirmed backward jump restarts', () => {
  const sync = new ClockSync();
  for (let i = 0; i < 2000; i++) sync.observe(i * 10_000, 1e9 + i * 10_000 + 1_000);
  assert.is(sync.observe(50_000, 1e9 + 20_000_000), 'held');
  assert.is(sync.observe(20_000_000, 1e9 + 20_001_000), 'accepted');
  assert.is(sync.stats.rejected, 1);
  assert.is(sync.observe(0, 2e9), 'held');
  assert.is(sync.observe(10_000, 2e9 + 10_000), 'held');
  assert.is(sync.observe(20_000, 2e9 + 20_000), 'restarted');
  assert.is(sync.stats.restarts, 1);
  assert.is(sync.toGatewayUs(20_000), 2e9 + 20_000);
  sync.reset();
  assert.throws(() => sync.toGatewayUs(0));
});

test('huge-delay outliers do not move the line', () => {
  const sync = new ClockSync();
  const rng = new SeededRandom(9);
  for (let i = 0; i < 30_000; i++) {
    const outlierUs = rng.next() < 0.02 ? 2e6 + rng.next() * 5e6 : 0;
    sync.observe(i * 10_000, 5e8 + i * 10_000 + 500 + rng.next() * 1_000 + outlierUs);
  }
  assert.ok(Math.abs(sync.driftPpm) < 1, `drift ${sync.driftPpm}`);
  assert.ok(Math.abs(sync.toGatewayUs(300e6) - (5e8 + 300e6)) < 1_000);
});

test('the envelope fit is the hull edge under the objective centre', () => {
  const line = fitLowerEnvelope([0, 1, 2, 3, 4], [5, 1, 3, 2, 9], 2);
  assert.equal(line, { intercept: 1 - 1 / 2, slope: 1 / 2 });
  assert.is(fitLowerEnvelope([0], [1], 0), undefined);
});

test('property: error stays under 5 ms after warm-up for any drift, link and seed', () => {
  const linkArb: fc.Arbitrary<Link> = fc.oneof(
    fc.record({
      kind: fc.constant('ble' as const),
      connIntervalMs: fc.constantFrom(7.5, 11.25, 18.75, 26.25, 48.75),
      controllerPpm: fc.integer({ min: -40, max: 40 }),
      maxPerEvent: fc.integer({ min: 2, max: 8 }),
      stallProbability: fc.double({ min: 0, max: 0.02, noNaN: true }),
    }),
    fc.record({
      kind: fc.constant('fifo' as const),
      meanDelayMs: fc.double({ min: 1, max: 30, noNaN: true }),
      stallProbability: fc.double({ min: 0, max: 0.005, noNaN: true }),
    }),
  );
  fc.assert(
    fc.property(fc.integer({ min: -200, max: 200 }), linkArb, fc.integer({ min: 1, max: 2 ** 31 - 1 }), (driftPpm, link, seed) => {
      const r = run({ seed, durationS: 360, driftPpmAt: () => driftPpm, deviceStartUs: seed * 1000, link });
      return r.ready && r.lastMinuteMaxErrorMs < 5 && Math.abs(r.finalDriftPpm - driftPpm) < 10;
    }),
    { numRuns: 25, seed: 20240611 },
  );
});

test.run();
