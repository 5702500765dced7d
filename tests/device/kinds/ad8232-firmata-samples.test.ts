// The pure parts of the ad8232-firmata stream: counts -> microvolts, the arrival clock (device time
// from the sampling interval; lasting shortfalls counted as lost, jitter and drift not), the rate meter.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArrivalClock, RateMeter, countsToMicrovolts, microvoltsPerCount } from '../../../src/device/kinds/ad8232-firmata/samples.js';
import { SeededRandom } from '../../../src/common/random.js';

const nano = { adcBits: 10, adcVrefV: 5, gainX: 100, offsetV: 1.65 };

test('counts to electrode microvolts: (counts x Vref / 2^bits - offset) / gain', () => {
  assert.ok(Math.abs(microvoltsPerCount(nano) - 48.828125) < 1e-9);
  // 1.65 V is 337.92 counts: 338 is +0.39 uV x ... i.e. (338*5/1024 - 1.65)/100 V.
  assert.ok(Math.abs(countsToMicrovolts(338, nano) - ((338 * 5) / 1024 - 1.65) * 1e4) < 1e-6);
  assert.ok(Math.abs(countsToMicrovolts(0, nano) - -16_500) < 1e-6);
  // A 1 mV R wave at gain 100 is 0.1 V, 20.48 counts.
  assert.ok(Math.abs(countsToMicrovolts(358.4, nano) - countsToMicrovolts(337.92, nano) - 1000) < 1e-6);
  assert.ok(Math.abs(countsToMicrovolts(2048, { adcBits: 12, adcVrefV: 3.3, gainX: 1100, offsetV: 1.65 })) < 1e-9);
});

/** Arrivals of `n` samples at `intervalMs` with USB-like chunking and jitter, dropping `drop(i)` ones. */
function arrivals(opts: { n: number; intervalMs: number; rateFactor?: number; drop?: (i: number) => boolean; seed?: number }): number[] {
  const rng = new SeededRandom(opts.seed ?? 1);
  const out: number[] = [];
  for (let i = 0; i < opts.n; i++) {
    if (opts.drop?.(i)) continue;
    const tDevice = (i * opts.intervalMs) / (opts.rateFactor ?? 1);
    // Delivered in 16 ms USB latency-timer chunks, plus scheduling jitter up to 8 ms.
    out.push(Math.ceil(tDevice / 16) * 16 + 3 + rng.next() * 8);
  }
  return out.sort((a, b) => a - b);
}

test('arrival clock: chunked, jittery arrivals without loss give consecutive indices and no loss', () => {
  const clock = new ArrivalClock({ intervalMs: 4 });
  const t = arrivals({ n: 250 * 30, intervalMs: 4 });
  t.forEach((ms, i) => assert.is(clock.arrive(ms).index, i));
  assert.is(clock.samplesLost, 0);
});

test('arrival clock: a lasting shortfall (75 samples overrun) is counted once and the index jumps', () => {
  const clock = new ArrivalClock({ intervalMs: 4 });
  const t = arrivals({ n: 250 * 10, intervalMs: 4, drop: (i) => i >= 1000 && i < 1075 });
  let jumped: number | undefined;
  let last = -1;
  for (const ms of t) {
    const { index, lostBefore } = clock.arrive(ms);
    if (lostBefore > 0) jumped = lostBefore;
    assert.ok(index > last);
    last = index;
  }
  assert.is(jumped, 75);
  assert.is(clock.samplesLost, 75);
  assert.is(clock.gaps, 1);
  // After the jump, indices are true device indices again: the last sample is 2499.
  assert.is(last, 2499);
});

test('arrival clock: a stall that delivers everything late (a burst) is not a loss', () => {
  const clock = new ArrivalClock({ intervalMs: 4 });
  const t = arrivals({ n: 250 * 10, intervalMs: 4 }).map((ms, i) => (i >= 1000 && i < 1100 ? Math.max(ms, 4400 + 3) : ms));
  for (const ms of t.sort((a, b) => a - b)) clock.arrive(ms);
  assert.is(clock.samplesLost, 0);
});

test('arrival clock: a board 0.5 % slow or fast (ceramic resonator) is drift, not loss', () => {
  for (const rateFactor of [0.995, 1.005]) {
    const clock = new ArrivalClock({ intervalMs: 4 });
    for (const ms of arrivals({ n: 250 * 60, intervalMs: 4, rateFactor })) clock.arrive(ms);
    assert.is(clock.samplesLost, 0, `rate x${rateFactor}`);
  }
});

test('arrival clock: a restart resumes at the given index', () => {
  const clock = new ArrivalClock({ intervalMs: 4 });
  for (let i = 0; i < 10; i++) clock.arrive(i * 4);
  clock.restart(5000);
  assert.is(clock.arrive(100_000).index, 5000);
  assert.is(clock.arrive(100_004).index, 5001);
});

test('rate meter: about 250 Hz from 250 Hz arrivals; null before a second', () => {
  const meter = new RateMeter(10_000);
  meter.add(0);
  assert.is(meter.rateHz(), null);
  for (let i = 1; i <= 250 * 20; i++) meter.add(i * 4);
  assert.ok(Math.abs(meter.rateHz()! - 250) < 1, `rate ${meter.rateHz()}`);
  meter.reset();
  assert.is(meter.rateHz(), null);
});

test.run();
