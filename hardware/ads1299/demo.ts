// The demo's ADS1299 board: an emulated chip on a fake board, handed to the gateway as its BoardIo,
// so `npm start` streams 8-channel EEG from the real ads1299 kind without SPI hardware.
import type { Logger } from '../../src/common/logger.js';
import { FakeBoard } from '../fake-board.js';
import { Ads1299Emulator } from './emulator.js';

/** The device entry the demo adds to the gateway config. */
export const ads1299DemoDevice: Record<string, unknown> = {
  id: 'pieeg',
  kind: 'ads1299',
  sampleRateHz: 250,
  channels: [{ label: 'Fp1' }, { label: 'Fp2' }, { label: 'C3' }, { label: 'C4' }, { label: 'P3' }, { label: 'P4' }, { label: 'O1' }, { label: 'O2' }],
  eegRaw: { enabled: true, publishIntervalS: 1 },
};

export function startAds1299Demo(log: Logger): { board: FakeBoard; stop: () => void } {
  const board = new FakeBoard();
  const chip = new Ads1299Emulator({ board, seed: 12 });
  log.info('emulated ADS1299 board on SPI 0.0, DRDY gpiochip0:26 (device pieeg)');
  return { board, stop: () => chip.stop() };
}
