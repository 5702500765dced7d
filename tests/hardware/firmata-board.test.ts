// The emulated Nano's StandardFirmata behaviour (pins, pull-ups, reporting, reset) and the AD8232 model.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ad8232Model } from '../../hardware/firmata/ad8232.js';
import { DEFAULT_SAMPLING_INTERVAL_MS, NanoFirmataBoard } from '../../hardware/firmata/nano-board.js';
import { PinMode } from '../../hardware/firmata/protocol.js';

const bytes = (chunks: Uint8Array[]) => chunks.flatMap((c) => [...c]);

test('digital inputs: pull-up by mode or by writing HIGH, external drive, change reports per port', () => {
  const board = new NanoFirmataBoard({ readAnalog: () => 0 });
  board.handle({ type: 'set-pin-mode', pin: 2, mode: PinMode.INPUT });
  // johnny-five's isPullup: INPUT, then write HIGH, which StandardFirmata turns into PULLUP.
  board.handle({ type: 'digital-message', port: 0, mask: 0b100 });
  assert.is(board.pinMode(2), PinMode.PULLUP);
  assert.equal(bytes(board.handle({ type: 'report-digital', port: 0, enable: true })), [0x90, 0b100, 0]);
  assert.equal(board.digitalChanges(), [], 'no change, no message');
  board.setExternal(2, 0); // button to ground
  assert.equal(bytes(board.digitalChanges()), [0x90, 0, 0]);
  board.setExternal(2, undefined);
  assert.equal(bytes(board.digitalChanges()), [0x90, 0b100, 0]);
  // An INPUT without pull-up floats low here; LO+ driven high reads high.
  board.handle({ type: 'set-pin-mode', pin: 10, mode: PinMode.INPUT });
  board.setExternal(10, 1);
  assert.equal(bytes(board.handle({ type: 'report-digital', port: 1, enable: true })), [0x91, 0b100, 0]);
});

test('outputs, analog reporting, sampling interval, pin state, reset, ignored commands', () => {
  let counts = 338;
  const board = new NanoFirmataBoard({ readAnalog: (ch) => (ch === 0 ? counts++ : 0) });
  board.handle({ type: 'set-pin-mode', pin: 13, mode: PinMode.OUTPUT });
  board.handle({ type: 'digital-message', port: 1, mask: 0b10_0000 });
  assert.is(board.outputLevel(13), 1);
  assert.equal(bytes(board.handle({ type: 'pin-state-query', pin: 13 })), [0xf0, 0x6e, 13, 1, 1, 0xf7]);
  // REPORT_ANALOG answers at once; then each round sends the reported channels.
  assert.equal(bytes(board.handle({ type: 'report-analog', channel: 0, enable: true })), [0xe0, 338 & 0x7f, 338 >> 7]);
  assert.equal(bytes(board.sampleRound()), [0xe0, 339 & 0x7f, 339 >> 7]);
  board.handle({ type: 'sampling-interval', intervalMs: 4 });
  assert.is(board.samplingIntervalMs, 4);
  board.handle({ type: 'sampling-interval', intervalMs: 0 });
  assert.is(board.samplingIntervalMs, 1, 'StandardFirmata floors the interval at 1 ms');
  board.handle({ type: 'set-pin-mode', pin: 0, mode: PinMode.OUTPUT }); // D0 is the serial RX
  board.handle({ type: 'set-pin-mode', pin: 20, mode: PinMode.OUTPUT }); // A6 is analog only
  board.handle({ type: 'report-analog', channel: 9, enable: true });
  assert.is(board.stats.ignoredCommands, 3);
  board.handle({ type: 'system-reset' });
  assert.is(board.reportsAnalog, false);
  assert.is(board.samplingIntervalMs, DEFAULT_SAMPLING_INTERVAL_MS);
  assert.is(board.pinMode(14), PinMode.ANALOG);
  assert.is(board.outputLevel(13), 0);
});

test('AD8232 model: offset, gain, 10-bit quantisation, clipping, flat line at the rail when off', () => {
  const fe = new Ad8232Model({ gainX: 100, supplyV: 3.3, adcVrefV: 5, adcBits: 10 });
  assert.is(fe.counts(0), Math.floor((1.65 * 1024) / 5)); // 337
  assert.is(fe.counts(1000) - fe.counts(0), 21, '1 mV x 100 = 0.1 V: floor(358.4) - floor(337.92)');
  assert.is(fe.counts(-1e6), 0, 'clipped at 0 V');
  assert.is(fe.counts(1e6), Math.floor((3.3 * 1024) / 5), 'clipped at the 3.3 V supply');
  fe.leadOffPlus = true;
  assert.is(fe.counts(0), fe.counts(500));
  assert.is(fe.outputV(0), 3.3);
  assert.is(new Ad8232Model({ gainX: 100, supplyV: 5, adcVrefV: 5, adcBits: 10 }).counts(0), 512, 'mid-scale at Vs = Vref');
});

test.run();
