// The whole gateway with an ADS1299 board: the emulated chip (hardware/ads1299/emulator.ts) behind
// the gateway's BoardIo, the real controller, a real aedes broker over TCP and a real subscriber.
// `<device>/eeg/raw` carries the enabled channels at the configured rate, contiguous on the sample
// index, and every value equals the emulator's EEG source at that index within the chip's
// quantisation (half an LSB) plus the topic's 0.01 µV rounding; lead-off reaches `<device>/status`.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ads1299Emulator } from '../../hardware/ads1299/emulator.js';
import { FakeBoard } from '../../hardware/fake-board.js';
import { createMemoryLogger } from '../../src/common/logger.js';
import { microvoltsPerCount } from '../../src/device/protocols/ads1299/index.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { Controller } from '../../src/gateway/controller.js';
import type { BridgeInfo, DeviceStatus, EegRaw } from '../../src/mqtt/api.js';
import { startAedes } from '../_support/brokers.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { tempDir } from './_harness.js';

const parse = <T>(text: string): T => JSON.parse(text) as T;

test('ads1299 eeg/raw through the controller and a real broker matches the source within quantisation', async () => {
  const broker = await startAedes();
  const board = new FakeBoard();
  const chip = new Ads1299Emulator({ board, seed: 77, spi: { bus: 0, device: 1 }, drdy: { chip: 'gpiochip0', line: 24 } });
  const dir = tempDir();
  const config = validateConfig({
    version: 1,
    gatewayId: 'gw-ads',
    dataDir: join(dir, 'state'),
    logLevel: 'debug',
    mqtt: { url: broker.url, reconnectPeriodMs: 100 },
    health: { intervalS: 1 },
    statusLine: { enabled: false },
    devices: [
      {
        id: 'pieeg',
        kind: 'ads1299',
        spi: { bus: 0, device: 1, speedHz: 2_000_000 },
        drdy: { chip: 'gpiochip0', line: 24 },
        sampleRateHz: 500,
        channels: [{ label: 'Fp1' }, { label: 'Fp2' }, { label: 'C3' }, { label: 'C4' }, { label: 'O1', gain: 1 }, {}, {}, { enabled: false }],
        reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
        eegRaw: { enabled: true, publishIntervalS: 0.5 },
      },
    ],
  });
  const log = createMemoryLogger();
  const controller = new Controller({ config, log, io: board });
  const base = 'weargate/gw-ads';
  const sub = await Subscriber.open(broker.url, [`${base}/#`]);
  const raw = (): EegRaw[] => sub.on(`${base}/pieeg/eeg/raw`).map((m) => parse<EegRaw>(m.text));
  const statuses = (): DeviceStatus[] => sub.on(`${base}/pieeg/status`).map((m) => parse<DeviceStatus>(m.text));
  try {
    await controller.start();
    await sub.until('connected', () => statuses().some((s) => s.connected), 10_000);
    await sub.until('4 raw batches', () => raw().length >= 4, 15_000);
    const info = parse<BridgeInfo>(sub.on(`${base}/bridge/info`)[0].text);
    assert.equal(info.devices, [{ id: 'pieeg', kind: 'ads1299', transport: 'spi', address: 'spi:0.1+drdy:gpiochip0:24' }]);

    const batches = raw();
    assert.equal(batches.map((b) => b.seq), batches.map((_, i) => i));
    let compared = 0;
    let worstUv = 0;
    for (let i = 0; i < batches.length; i++) {
      const b = batches[i];
      assert.is(b.sampleRateHz, 500);
      assert.equal(b.channels, ['Fp1', 'Fp2', 'C3', 'C4', 'O1', 'CH6', 'CH7']);
      assert.is(b.samplesLost, 0);
      if (i > 0) assert.is(b.firstSampleIndex, batches[i - 1].firstSampleIndex + batches[i - 1].values[0].length, `batch ${i} contiguous`);
      for (let c = 0; c < b.channels.length; c++) {
        const lsbUv = microvoltsPerCount(c === 4 ? 1 : 24);
        b.values[c].forEach((v, k) => {
          const truth = chip.sourceUv(c, b.firstSampleIndex + k);
          const err = Math.abs((v ?? Number.NaN) - truth);
          assert.ok(err <= lsbUv / 2 + 0.005 + 1e-3, `ch ${c} index ${b.firstSampleIndex + k}: ${v} vs ${truth}`);
          if (c !== 4) worstUv = Math.max(worstUv, err);
          compared++;
        });
      }
    }
    assert.ok(compared >= 4 * 7 * 200, `${compared} values compared`);
    log.info(`compared ${compared} values, worst error at gain 24 ${worstUv.toFixed(4)} uV`);
    assert.equal(chip.violations, []);

    // An electrode comes off: the retained status says so, and goes back.
    chip.setLeadOff(1, { n: true });
    await sub.until('lead-off status', () => statuses().some((s) => s.leadOff === true), 5000);
    chip.setLeadOff(1, { n: false });
    await sub.until('lead-on status', () => statuses().at(-1)?.leadOff === false, 5000);
    const stats = controller.devices.get('pieeg')!.stats();
    assert.is(stats.connected, true);
    assert.is(stats.framesLost, chip.overwritten, 'every overwritten conversion is counted');
    assert.ok(stats.framesOk >= compared / 7, `framesOk ${stats.framesOk}`);
  } catch (err) {
    console.log(log.lines.slice(-30).map((l) => `${l.level} ${l.namespace}: ${l.text}`).join('\n'));
    throw err;
  } finally {
    await controller.stop();
    chip.stop();
    await sub.close();
    await broker.stop();
  }
});

test.run();
