// Config of the ads1299 kind and the gpio section: defaults (PiEEG wiring), refused values named by
// their path, and pins claimed twice (two boards on one chip select, the LED on a DRDY line).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/common/errors.js';
import { validateConfig } from '../../src/gateway/config/load.js';

const base = { version: 1, gatewayId: 'gw' };

function problemsOf(doc: unknown): string[] {
  try {
    validateConfig(doc);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

test('defaults: SPI0 CE0 at 2 MHz, DRDY gpiochip0:26, 250 SPS, gain 24, lead-off, SRB1 and bias on; gpio absent', () => {
  const config = validateConfig({ ...base, devices: [{ id: 'eeg', kind: 'ads1299' }] });
  const d = config.devices[0];
  assert.ok(d.kind === 'ads1299');
  if (d.kind !== 'ads1299') return;
  assert.equal(d.spi, { bus: 0, device: 0, speedHz: 2_000_000 });
  assert.equal(d.drdy, { chip: 'gpiochip0', line: 26 });
  assert.equal([d.sampleRateHz, d.gain, d.input, d.leadOff, d.srb1, d.bias], [250, 24, 'normal', true, true, true]);
  assert.equal(d.eegRaw, { enabled: false, publishIntervalS: 1 });
  assert.is(config.gpio, undefined);
  const g = validateConfig({ ...base, gpio: { led: { line: 17 }, button: { line: 27 } } }).gpio!;
  assert.equal(g.led, { chip: 'gpiochip0', line: 17, activeLow: false, blinkIntervalMs: 250 });
  assert.equal(g.button, { chip: 'gpiochip0', line: 27, activeLow: true, longPressS: 3, debounceMs: 30 });
});

test('refused: a rate, gain or input the chip does not have, a ninth channel, a bad chip name', () => {
  const problems = problemsOf({
    ...base,
    devices: [{ id: 'eeg', kind: 'ads1299', sampleRateHz: 300, gain: 3, channels: [{ input: 'open' }, {}, {}, {}, {}, {}, {}, {}, {}], drdy: { chip: 'gpio0' } }],
  });
  const paths = problems.map((p) => p.split(':')[0]);
  for (const want of ['devices.0.sampleRateHz', 'devices.0.gain', 'devices.0.channels', 'devices.0.channels.0.input', 'devices.0.drdy.chip']) {
    assert.ok(paths.includes(want), `${want} in ${JSON.stringify(problems)}`);
  }
  assert.ok(problemsOf({ ...base, gpio: { button: { line: 27, longPressS: 0.1 } } }).some((p) => p.startsWith('gpio.button.longPressS')));
});

test('one chip select, one GPIO line: claimed twice is refused (disabled devices claim nothing)', () => {
  const problems = problemsOf({
    ...base,
    devices: [
      { id: 'a', kind: 'ads1299' },
      { id: 'b', kind: 'ads1299', drdy: { line: 25 } },
      { id: 'c', kind: 'ads1299', enabled: false },
    ],
    gpio: { led: { line: 25 }, button: { line: 27 } },
  });
  assert.equal(problems.sort(), [
    'devices.1.spi: SPI 0.0 is already used by devices.0.spi',
    'gpio.led: GPIO gpiochip0:25 is already used by devices.1.drdy',
  ]);
  assert.equal(problemsOf({ ...base, devices: [{ id: 'a', kind: 'ads1299' }, { id: 'b', kind: 'ads1299', spi: { device: 1 }, drdy: { line: 25 } }] }), []);
});

test.run();
