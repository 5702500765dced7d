// The GPIO extension in the real controller: a fake board (hardware/fake-board.ts) carries the
// status LED, the button and an emulated ADS1299 as the device; a real aedes broker and subscriber.
// The LED blinks while the device cannot connect (wrong chip ID), turns steadily on once it
// streams, and goes off at stop; a short press publishes nothing; a bouncing long press publishes
// one `shutdown_requested` event (not retained) on `bridge/event`.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ads1299Emulator } from '../../hardware/ads1299/emulator.js';
import { FakeBoard } from '../../hardware/fake-board.js';
import { createMemoryLogger } from '../../src/common/logger.js';
import { ADS1299_REG } from '../../src/device/protocols/ads1299/index.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { Controller } from '../../src/gateway/controller.js';
import type { BridgeEvent, DeviceStatus } from '../../src/mqtt/api.js';
import { startAedes } from '../_support/brokers.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { tempDir } from './_harness.js';

const parse = <T>(text: string): T => JSON.parse(text) as T;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

test('status LED follows the device, long press publishes shutdown_requested on a real broker', async () => {
  const broker = await startAedes();
  const board = new FakeBoard();
  const chip = new Ads1299Emulator({ board, seed: 9, id: 0x00 });
  const led = board.line('gpiochip0', 17, 0);
  const button = board.line('gpiochip0', 27, 1);
  const dir = tempDir();
  const config = validateConfig({
    version: 1,
    gatewayId: 'gw-gpio',
    dataDir: join(dir, 'state'),
    mqtt: { url: broker.url, reconnectPeriodMs: 100 },
    statusLine: { enabled: false },
    gpio: { led: { line: 17, blinkIntervalMs: 50 }, button: { line: 27, longPressS: 0.5, debounceMs: 20 } },
    devices: [{ id: 'eeg', kind: 'ads1299', reconnect: { initialDelayMs: 50, maxDelayMs: 100 } }],
  });
  const log = createMemoryLogger();
  const controller = new Controller({ config, log, io: board });
  const base = 'weargate/gw-gpio';
  const sub = await Subscriber.open(broker.url, [`${base}/#`]);
  const events = (): Array<BridgeEvent & { retain: boolean }> => sub.on(`${base}/bridge/event`).map((m) => ({ ...parse<BridgeEvent>(m.text), retain: m.retain }));
  try {
    await controller.start();
    // Wrong ID: the device keeps connecting, the LED blinks.
    await until('LED blinking', () => led.writes.length >= 6, 5000);
    const levels = led.writes.map((w) => w.value);
    assert.ok(levels.every((v, i) => i === 0 || v !== levels[i - 1]), `alternating: ${levels.join('')}`);
    const intervals = led.writes.slice(1).map((w, i) => w.atMs - led.writes[i].atMs);
    assert.ok(intervals.every((ms) => ms >= 40 && ms < 400), `blink intervals ${intervals.map((ms) => ms.toFixed(0)).join(', ')}`);

    // The right chip answers: the device streams, the LED is steadily on.
    chip.registers[ADS1299_REG.ID] = 0x3e;
    await sub.until('connected', () => sub.on(`${base}/eeg/status`).some((m) => parse<DeviceStatus>(m.text).connected), 5000);
    await until('LED on', () => led.level === 1);
    const writesWhenOn = led.writes.length;
    await sleep(200);
    assert.is(led.writes.length, writesWhenOn, 'steady: no more blinking');
    assert.is(led.level, 1);

    // A short press: nothing published.
    button.set(0);
    await sleep(150);
    button.set(1);
    await sleep(100);
    // A long press with contact bounce: exactly one event, however long it is held.
    button.set(0);
    button.set(1);
    button.set(0);
    await sub.until('shutdown_requested', () => events().length >= 1, 3000);
    await sleep(700);
    button.set(1);
    await sleep(50);
    const got = events();
    assert.is(got.length, 1, JSON.stringify(got));
    assert.is(got[0].type, 'shutdown_requested');
    assert.is(got[0].source, 'button');
    assert.is(got[0].retain, false);
    assert.ok(got[0].heldS! >= 0.5 && got[0].heldS! < 1, `heldS ${got[0].heldS}`);
    assert.ok(log.lines.some((l) => /shutdown requested/.test(l.text)));
  } catch (err) {
    console.log(log.lines.slice(-30).map((l) => `${l.level} ${l.namespace}: ${l.text}`).join('\n'));
    throw err;
  } finally {
    await controller.stop();
    chip.stop();
    await sub.close();
    await broker.stop();
  }
  assert.is(led.level, 0, 'LED off after stop');
  assert.is(button.watching, 0, 'button line released');
});

test('without a gpio section nothing opens a GPIO line', async () => {
  const broker = await startAedes();
  const board = new FakeBoard();
  const dir = tempDir();
  const config = validateConfig({ version: 1, gatewayId: 'gw-nogpio', dataDir: join(dir, 'state'), mqtt: { url: broker.url }, statusLine: { enabled: false } });
  assert.is(config.gpio, undefined);
  const controller = new Controller({ config, log: createMemoryLogger(), io: board });
  try {
    await controller.start();
  } finally {
    await controller.stop();
    await broker.stop();
  }
  assert.is(board.line('gpiochip0', 17).opened, 0);
});

test.run();
