// The hr-strap kind over SimGattLink and a simulated strap speaking the real Heart Rate Service:
// HR + RR per notification (RR equal to what the strap sent), contact as lead-off, battery read
// and notified, bad measurements counted, and a lost link that is reopened and resubscribed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimGattLink } from '../../../hardware/ble/sim-link.js';
import { SimulatedHrStrap } from '../../../hardware/ble/peripherals/hrs-strap.js';
import { createMemoryLogger } from '../../../src/common/logger.js';
import { createHrStrapSession } from '../../../src/device/kinds/hr-strap/index.js';
import type { HrStrapConfig } from '../../../src/device/kinds/hr-strap/schema.js';
import type { DeviceStatusReport, HeartRateReport } from '../../../src/device/kinds/kind.js';
import { HRS_MEASUREMENT_UUID } from '../../../src/device/protocols/hrs/index.js';
import { waitFor } from '../../_support/env.js';

const address = 'C0:FF:EE:00:00:01';

function config(): HrStrapConfig {
  return {
    id: 'strap1',
    kind: 'hr-strap',
    enabled: true,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    silenceTimeoutS: 2,
    transport: { type: 'ble', address },
    hr: { publishIntervalS: 5 },
  };
}

function rig(strap: SimulatedHrStrap) {
  const reports: HeartRateReport[] = [];
  const statuses: DeviceStatusReport[] = [];
  const cfg = config();
  const session = createHrStrapSession(
    {
      deviceId: cfg.id,
      config: cfg,
      log: createMemoryLogger(),
      onBlock: () => assert.unreachable('a strap sends no sample blocks'),
      onStatus: (s) => statuses.push(s),
      onHeartRate: (r) => reports.push(r),
    },
    new SimGattLink(strap.peripheral),
  );
  return { session, reports, statuses };
}

test('HR and RR per notification, RR as sent, contact and battery as status', async () => {
  const strap = new SimulatedHrStrap({ address, heartRateBpm: 75, seed: 3, speed: 8, batteryPercent: 64 });
  strap.start();
  const { session, reports, statuses } = rig(strap);
  session.start();
  try {
    await waitFor('6 measurements with RR', () => reports.filter((r) => r.rrMs.length > 0).length >= 6);
    const rrMs = reports.flatMap((r) => r.rrMs);
    // Every RR the gateway got is one the strap sent, in order (nothing lost on a clean link).
    assert.equal(rrMs, strap.measurements.sentRrMs.slice(0, rrMs.length));
    const meanRrMs = rrMs.reduce((a, b) => a + b, 0) / rrMs.length;
    assert.ok(Math.abs(60_000 / meanRrMs - 75) < 5, `HR from RR ${60_000 / meanRrMs}`);
    const last = reports.at(-1)!;
    assert.ok(Math.abs(last.hrBpm - 75) < 8, `hrBpm ${last.hrBpm}`);
    assert.is(last.contact, true);
    assert.ok(Math.abs(last.tUs / 1000 - Date.now()) < 5_000, 'tUs is gateway Unix time');
    assert.ok(statuses.some((s) => s.connected && s.batteryPercent === 64 && s.leadOff === false), JSON.stringify(statuses));

    // Contact lost: HR 0, no RR, reported as electrodes off; a battery notification is reported too.
    strap.contact = false;
    strap.setBattery(52);
    await waitFor('no contact', () => statuses.some((s) => s.leadOff === true && s.batteryPercent === 52));
    assert.is(reports.at(-1)!.contact, false);
    assert.equal(reports.at(-1)!.rrMs, []);
    strap.contact = true;

    // Garbage on 0x2A37 is counted, not fatal.
    strap.peripheral.notify(HRS_MEASUREMENT_UUID, Uint8Array.of(0x10));
    await waitFor('counted', () => session.counters().errors.length === 1);
    assert.ok(session.counters().framesOk >= 6);
    assert.ok(session.counters().connected);
  } finally {
    await session.stop();
    strap.stop();
  }
});

test('a lost link is reported and reopened; measurements resume', async () => {
  const strap = new SimulatedHrStrap({ address, seed: 4, speed: 8 });
  strap.start();
  const { session, reports, statuses } = rig(strap);
  session.start();
  try {
    await waitFor('first measurements', () => reports.length >= 2);
    strap.peripheral.loseLink();
    await waitFor('status says lost', () => statuses.some((s) => !s.connected && s.reason !== undefined));
    const before = reports.length;
    await waitFor('measurements resume', () => reports.length >= before + 2);
    assert.is(session.counters().reconnects, 1);
    assert.ok(strap.peripheral.isNotifying(HRS_MEASUREMENT_UUID));
  } finally {
    await session.stop();
    strap.stop();
  }
});

test.run();
