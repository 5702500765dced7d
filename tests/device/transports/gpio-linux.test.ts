// The real Linux GPIO/SPI paths where this machine allows: the chip+offset -> sysfs number mapping
// over a fake /sys tree laid out as a Raspberry Pi OS 6.6 kernel lays it out (base 512), and clear
// errors when a GPIO chip or spidev is absent (this kernel has neither).
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linuxBoardIo, sysfsGpioNumber } from '../../../src/device/transports/gpio.js';

function fakeSys(): string {
  const root = mkdtempSync(join(tmpdir(), 'wg-sys-'));
  const soc = join(root, 'devices/platform/soc/fe200000.gpio');
  const expander = join(root, 'devices/platform/soc/soc:firmware/soc:firmware:gpio');
  for (const [parent, chip, base, ngpio] of [[soc, 'gpiochip0', 512, 58], [expander, 'gpiochip1', 570, 8]] as const) {
    mkdirSync(join(parent, chip), { recursive: true });
    mkdirSync(join(parent, 'gpio', `gpiochip${base}`), { recursive: true });
    writeFileSync(join(parent, 'gpio', `gpiochip${base}`, 'base'), `${base}\n`);
    writeFileSync(join(parent, 'gpio', `gpiochip${base}`, 'ngpio'), `${ngpio}\n`);
    mkdirSync(join(root, 'bus/gpio/devices'), { recursive: true });
    mkdirSync(join(root, 'class/gpio'), { recursive: true });
    symlinkSync(join(parent, chip), join(root, 'bus/gpio/devices', chip));
    symlinkSync(join(parent, 'gpio', `gpiochip${base}`), join(root, 'class/gpio', `gpiochip${base}`));
  }
  return root;
}

test('sysfs number = base of the class entry sharing the chip\'s parent + offset', () => {
  const root = fakeSys();
  assert.is(sysfsGpioNumber({ chip: 'gpiochip0', line: 26 }, root), 538);
  assert.is(sysfsGpioNumber({ chip: 'gpiochip1', line: 2 }, root), 572);
  assert.throws(() => sysfsGpioNumber({ chip: 'gpiochip0', line: 58 }, root), /has 58 lines/);
  assert.throws(() => sysfsGpioNumber({ chip: 'gpiochip4', line: 1 }, root), /no GPIO chip 'gpiochip4'/);
});

test('this machine: opening a GPIO line or spidev fails with a message that says why', async () => {
  const gpio = await linuxBoardIo.openGpioInput({ chip: 'gpiochip0', line: 26 }).then(
    () => 'opened',
    (err: Error) => err.message,
  );
  assert.match(gpio, /onoff|no GPIO chip 'gpiochip0'/);
  const spi = await linuxBoardIo.openSpi({ bus: 0, device: 0, speedHz: 2_000_000, mode: 1 }).then(
    () => 'opened',
    (err: Error) => err.message,
  );
  assert.match(spi, /spi-device|cannot open \/dev\/spidev0\.0/);
});

test.run();
