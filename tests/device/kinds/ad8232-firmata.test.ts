// The ad8232-firmata session over a real pseudo-terminal, with the real serialport + firmata.js +
// johnny-five stack against the StandardFirmata Nano emulator: the board handshake, 250 Hz raw
// sampling (measured), lead-off in the block status, button markers, the LED, losses, garbage,
// unplugging, a board that never answers, and no timers left behind after stop.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedFirmataAd8232 } from '../../../hardware/firmata/emulator.js';
import { PtyPair } from '../../../hardware/pty.js';
import { syntheticSource } from '../../../hardware/signals/source.js';
import { createMemoryLogger } from '../../../src/common/logger.js';
import type { DeviceStatusReport, MarkerReport } from '../../../src/device/kinds/kind.js';
import { Ad8232FirmataConfig } from '../../../src/device/kinds/ad8232-firmata/schema.js';
import { Ad8232FirmataSession } from '../../../src/device/kinds/ad8232-firmata/session.js';
import { SerialTransport } from '../../../src/device/transports/serial.js';
import type { SampleBlock } from '../../../src/streaming/types.js';
import { waitFor } from '../../_support/env.js';

function rig(path: string, overrides: Record<string, unknown> = {}) {
  const config = Value.Default(Ad8232FirmataConfig, {
    id: 'ecg1',
    kind: 'ad8232-firmata',
    transport: { type: 'serial', path },
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    ...overrides,
  }) as Ad8232FirmataConfig;
  assert.ok(Value.Check(Ad8232FirmataConfig, config), JSON.stringify([...Value.Errors(Ad8232FirmataConfig, config)]));
  const log = createMemoryLogger();
  const blocks: SampleBlock[] = [];
  /** Arrival time of each block and the samples delivered up to and including it. */
  const arrivals: Array<{ tMs: number; samples: number }> = [];
  const statuses: DeviceStatusReport[] = [];
  const markers: MarkerReport[] = [];
  const session = new Ad8232FirmataSession({
    deviceId: 'ecg1',
    config,
    transport: new SerialTransport({ path, baudRate: 57600 }),
    log,
    sink: {
      block: (b) => {
        blocks.push(b);
        arrivals.push({ tMs: performance.now(), samples: (arrivals.at(-1)?.samples ?? 0) + b.values[0].length });
      },
      status: (s) => statuses.push(s), marker: (m) => markers.push(m) },
  });
  const samples = () => blocks.reduce((n, b) => n + b.values[0].length, 0);
  return { session, log, blocks, arrivals, statuses, markers, samples };
}

const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('streams 250 Hz through firmata.js + johnny-five: rate, lead-off, markers, LED, losses, garbage, unplug', async () => {
  const timersBefore = timeouts();
  const path = join(mkdtempSync(join(tmpdir(), 'wg-ad8232-')), 'tty');
  const sim = new SimulatedFirmataAd8232({ linkPath: path, source: syntheticSource({ sampleRateHz: 250, heartRateBpm: 72, noiseMicrovolts: 15, seed: 3 }) });
  sim.start();
  const r = rig(path);
  r.session.start();
  try {
    await waitFor('connected', () => r.statuses.some((s) => s.connected), 10_000);
    assert.is(sim.samplingIntervalMs, 4, 'the raw SAMPLING_INTERVAL sysex set 4 ms (firmata.js would clamp to 10)');
    await waitFor('LED on while streaming', () => sim.ledIsOn, 3000);

    // Measured rate over 5 s of arrivals (block to block), within 2 % of 250 Hz.
    await waitFor('a block', () => r.arrivals.length > 0, 3000);
    const first = r.arrivals.length - 1;
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const a0 = r.arrivals[first];
    const a1 = r.arrivals.at(-1)!;
    const measuredHz = ((a1.samples - a0.samples) * 1000) / (a1.tMs - a0.tMs);
    console.log(`measured ${measuredHz.toFixed(1)} Hz over 5 s (session meter ${r.session.measuredRateHz()?.toFixed(1)} Hz)`);
    assert.ok(Math.abs(measuredHz - 250) <= 250 * 0.02, `measured ${measuredHz} Hz`);
    assert.ok(Math.abs(r.session.measuredRateHz()! - 250) <= 5, `session meter ${r.session.measuredRateHz()} Hz`);
    // Blocks are contiguous on the device clock (index x 4 ms), in microvolts around the baseline.
    for (let i = 1; i < r.blocks.length; i++) {
      const prev = r.blocks[i - 1];
      assert.is(r.blocks[i].firstSampleIndex, prev.firstSampleIndex + prev.values[0].length);
      assert.is(r.blocks[i].t0Us, r.blocks[i].firstSampleIndex * 4000);
    }
    const peakUv = Math.max(...r.blocks.flatMap((b) => [...b.values[0]]));
    assert.ok(peakUv > 600 && peakUv < 2500, `R peaks ${peakUv} uV at the electrodes`);
    assert.is(r.session.counters().samplesLost, 0);

    // Lead-off: LO+ high reaches the block status (and the status report), then clears.
    sim.setLeadOff(true, false);
    await waitFor('lead-off block', () => r.blocks.some((b) => b.status?.leadOff === true), 3000);
    const offBlock = r.blocks.find((b) => b.status?.leadOff === true)!;
    assert.ok([...offBlock.values[0]].every((v) => v === offBlock.values[0][0]), 'flat line while the electrode is off');
    assert.ok(r.statuses.some((s) => s.leadOff === true));
    const offCount = r.blocks.length;
    sim.setLeadOff(false);
    await waitFor('lead back on', () => r.blocks.slice(offCount).some((b) => b.status?.leadOff === false), 3000);

    // Button: each press is one marker on the device clock.
    sim.pressButton(100);
    await waitFor('marker', () => r.markers.length === 1, 3000);
    await waitFor('button released', () => !sim.buttonIsDown, 2000);
    sim.pressButton(100);
    await waitFor('second marker', () => r.markers.length === 2, 3000);
    await waitFor('button released', () => !sim.buttonIsDown, 2000);
    assert.is(r.markers[0].source, 'button');
    const lastUs = r.blocks.at(-1)!.t0Us;
    assert.ok(r.markers[1].tUs > r.markers[0].tUs && Math.abs(r.markers[1].tUs - lastUs) < 1e6, JSON.stringify(r.markers));

    // A 400 ms stall (UART blocked, samples never sent): a lasting shortfall, counted as lost.
    sim.stall(400);
    await waitFor('loss counted', () => r.session.counters().samplesLost > 0, 5000);
    const lost = r.session.counters().samplesLost;
    assert.ok(Math.abs(lost - sim.stats.samplesWhileStalled) <= 3, `lost ${lost}, stalled ${sim.stats.samplesWhileStalled}`);
    await waitFor('a gap on the device clock', () =>
      r.blocks.some((b, i) => i > 0 && b.firstSampleIndex > r.blocks[i - 1].firstSampleIndex + r.blocks[i - 1].values[0].length),
    3000);

    // Garbage on the wire is counted; the stream goes on.
    const before = r.samples();
    sim.injectBytes(Uint8Array.from({ length: 60 }, (_, i) => (i * 37 + 11) & 0x7f));
    await waitFor('bytes skipped', () => r.session.counters().errors['bytes-skipped'] >= 60, 3000);
    await waitFor('samples after garbage', () => r.samples() > before + 100, 3000);

    // Pull the cable: reported lost, reopened with backoff, streaming again at the same rate.
    sim.unplug();
    await waitFor('lost', () => r.statuses.some((s) => !s.connected), 3000);
    const lostAt = r.statuses.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    sim.plug();
    await waitFor('reconnected', () => r.statuses.slice(lostAt).some((s) => s.connected), 10_000);
    await waitFor('LED on again', () => sim.ledIsOn, 3000);
    assert.is(r.session.counters().reconnects >= 1, true);
    assert.is(sim.samplingIntervalMs, 4);
    await r.session.stop();
    // Stop leaves the LED off (the bytes were written before the port closed; the board reads them).
    await waitFor('LED off after stop', () => !sim.ledIsOn, 2000);
  } finally {
    await r.session.stop();
    sim.stop();
  }
  // Neither firmata.js nor johnny-five leaves a timer running.
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(timeouts() <= timersBefore, `timers before ${timersBefore}, after ${timeouts()}: ${process.getActiveResourcesInfo().join(',')}`);
});

test('a board that never answers the handshake is counted and retried, with a clear reason', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'wg-ad8232-')), 'tty');
  const pty = new PtyPair(path); // a port with nothing Firmata behind it
  const r = rig(path, { handshakeTimeoutS: 0.5, silenceTimeoutS: 5 });
  r.session.start();
  try {
    await waitFor('handshake failure', () => r.session.counters().errors.command >= 1, 5000);
    const reason = r.statuses.find((s) => !s.connected && s.reason)?.reason ?? '';
    assert.match(reason, /no Firmata handshake within 0.5 s/);
  } finally {
    await r.session.stop();
    pty.close();
  }
});

test.run();
