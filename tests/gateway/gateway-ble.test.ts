// The whole gateway over BLE: a simulated HRS strap and a simulated Polar H10 on a fake BlueZ
// (hardware/ble/fake-bluez.ts) on a private dbus-daemon, reached by the real node-ble link; the
// real controller; a real aedes broker and a real subscriber. H10 ECG gets R-peaks and HR on
// `<h10>/ecg/*`, the strap's own RR goes to `<strap>/hr`, status says connected and battery, and
// a lost link is reported and comes back (reconnects on bridge/health).
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeBluez } from '../../hardware/ble/fake-bluez.js';
import { SimulatedHrStrap } from '../../hardware/ble/peripherals/hrs-strap.js';
import { SimulatedPolarH10 } from '../../hardware/ble/peripherals/polar-h10.js';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { Controller } from '../../src/gateway/controller.js';
import { startAedes } from '../_support/brokers.js';
import { haveDbusDaemon, startPrivateBus } from '../_support/dbus.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { tempDir } from './_harness.js';

const parse = <T>(text: string): T => JSON.parse(text) as T;
type Status = { connected: boolean; batteryPercent?: number; reason?: string };
type StrapHr = { seq: number; hrBpm: number; rrMs: number[]; contact: boolean | null; batteryPercent?: number };
type EcgHr = { hrBpm: number | null };
type Beats = { sampleRateHz: number; beats: { tUs: number; sampleIndex: number }[] };
type Health = { devices: Record<string, { reconnects: number; connected: boolean }> };

const strapAddress = 'C0:FF:EE:00:00:21';
const h10Address = 'A0:9E:1A:00:00:22';
/** Simulated seconds per real second: enough beats for HR in a few seconds, still a real BLE rate. */
const speed = 4;

if (haveDbusDaemon('gateway over BLE (node-ble, fake BlueZ)')) {
  test('hr-strap and polar-h10 through node-ble, the controller and a real broker; link loss and return', async () => {
    const bus = await startPrivateBus();
    bus.useAsSystemBus();
    const bluez = await FakeBluez.start({ busAddress: bus.address });
    const broker = await startAedes();
    const strap = new SimulatedHrStrap({ address: strapAddress, heartRateBpm: 72, seed: 11, speed, batteryPercent: 66 });
    const h10 = new SimulatedPolarH10({ address: h10Address, heartRateBpm: 64, seed: 12, speed, batteryPercent: 88 });
    bluez.addPeripheral(strap.peripheral);
    bluez.addPeripheral(h10.peripheral);
    strap.start();
    h10.start();
    const dir = tempDir();
    const config = validateConfig({
      version: 1,
      gatewayId: 'gw-ble',
      dataDir: join(dir, 'state'),
      logLevel: 'debug',
      mqtt: { url: broker.url, reconnectPeriodMs: 100 },
      health: { intervalS: 1 },
      statusLine: { enabled: false },
      devices: [
        { id: 'strap', kind: 'hr-strap', transport: { type: 'ble', address: strapAddress }, reconnect: { initialDelayMs: 50, maxDelayMs: 500 }, hr: { publishIntervalS: 1 } },
        {
          id: 'h10',
          kind: 'polar-h10',
          transport: { type: 'ble', address: h10Address.toLowerCase() },
          reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
          ecg: { detector: 'pan-tompkins', beatsPublishIntervalS: 0.5, hrPublishIntervalS: 1 },
          hr: { publishIntervalS: 1 },
        },
      ],
    });
    const log = createMemoryLogger();
    const controller = new Controller({ config, log });
    const base = 'weargate/gw-ble';
    const sub = await Subscriber.open(broker.url, [`${base}/#`]);
    const statusOf = (id: string): Status[] => sub.on(`${base}/${id}/status`).map((m) => parse<Status>(m.text));
    try {
      await controller.start();
      for (const [id, battery] of [['strap', 66], ['h10', 88]] as const) {
        await sub.until(`${id} connected with battery`, () => statusOf(id).some((s) => s.connected && s.batteryPercent === battery), 20_000);
      }

      // The strap's own RR, batched per second, with seq 0, 1, 2, ...
      await sub.until('strap/hr with RR', () => sub.on(`${base}/strap/hr`).flatMap((m) => parse<StrapHr>(m.text).rrMs).length >= 8, 20_000);
      const strapHr = sub.on(`${base}/strap/hr`).map((m) => parse<StrapHr>(m.text));
      assert.equal(strapHr.map((m) => m.seq), strapHr.map((_, i) => i));
      const rr = strapHr.flatMap((m) => m.rrMs);
      const meanRr = rr.reduce((a, b) => a + b, 0) / rr.length;
      assert.ok(Math.abs(60_000 / meanRr - 72) < 5, `strap HR from RR ${60_000 / meanRr}`);
      assert.is(strapHr.at(-1)!.contact, true);
      assert.is(strapHr.at(-1)!.batteryPercent, 66);

      // H10 ECG through the ECG pipeline: beats at 130 Hz and HR within 5 bpm of the simulated heart.
      await sub.until('h10 beats', () => sub.on(`${base}/h10/ecg/beats`).flatMap((m) => parse<Beats>(m.text).beats).length >= 10, 30_000);
      assert.is(parse<Beats>(sub.on(`${base}/h10/ecg/beats`)[0].text).sampleRateHz, 130);
      await sub.until('h10 ecg/hr', () => sub.on(`${base}/h10/ecg/hr`).some((m) => parse<EcgHr>(m.text).hrBpm !== null), 30_000);
      const ecgHr = parse<EcgHr>(sub.on(`${base}/h10/ecg/hr`).filter((m) => parse<EcgHr>(m.text).hrBpm !== null).at(-1)!.text);
      assert.ok(Math.abs(ecgHr.hrBpm! - 64) <= 5, `h10 ecg hrBpm ${ecgHr.hrBpm}`);
      await sub.until('h10/hr from HRS', () => sub.on(`${base}/h10/hr`).some((m) => parse<StrapHr>(m.text).rrMs.length > 0), 10_000);

      // Link loss on the H10: status says so, the gateway reconnects and ECG flows again.
      const beatsBefore = sub.on(`${base}/h10/ecg/beats`).length;
      h10.peripheral.loseLink();
      await sub.until('h10 lost', () => statusOf('h10').some((s) => !s.connected && s.reason !== undefined), 10_000);
      await sub.until('h10 back', () => statusOf('h10').at(-1)?.connected === true, 20_000);
      await sub.until('beats again', () => sub.on(`${base}/h10/ecg/beats`).length > beatsBefore + 2, 20_000);
      await sub.until('reconnect on bridge/health', () =>
        sub.on(`${base}/bridge/health`).some((m) => (parse<Health>(m.text).devices.h10?.reconnects ?? 0) >= 1 && parse<Health>(m.text).devices.h10.connected),
      10_000);
    } catch (err) {
      console.log(log.lines.slice(-40).map((l) => `${l.level} ${l.namespace}: ${l.text}`).join('\n'));
      throw err;
    } finally {
      await controller.stop();
      sub.client.end(true);
      strap.stop();
      h10.stop();
      await bluez.stop();
      await broker.stop();
      await bus.stop();
    }
  });
}

test.run();
