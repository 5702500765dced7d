// The emulator's Firmata 2.x codec: byte-level vectors for what the host sends (decoded split at
// every chunk boundary) and what the board answers, cross-checked with firmata.js's own parser, and
// fuzzed: arbitrary bytes never throw and every byte is either in a command or counted.
import { createRequire } from 'node:module';
import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  FirmataHostParser,
  encodeAnalogMappingResponse,
  encodeAnalogMessage,
  encodeCapabilityResponse,
  encodeDigitalMessage,
  encodePinStateResponse,
  encodeReportFirmware,
  encodeReportVersion,
  type HostCommand,
} from '../../hardware/firmata/protocol.js';
import { NanoFirmataBoard, nanoCapabilities } from '../../hardware/firmata/nano-board.js';

const hex = (s: string) => Uint8Array.from(s.split(/\s+/).filter(Boolean).map((b) => parseInt(b, 16)));

// What firmata.js writes during johnny-five's board init and this kind's setup (protocol.md).
const hostVectors: Array<{ name: string; bytes: string; commands: HostCommand[] }> = [
  { name: 'REPORT_VERSION query', bytes: 'f9', commands: [{ type: 'report-version' }] },
  { name: 'REPORT_FIRMWARE query', bytes: 'f0 79 f7', commands: [{ type: 'query-firmware' }] },
  { name: 'CAPABILITY_QUERY', bytes: 'f0 6b f7', commands: [{ type: 'capability-query' }] },
  { name: 'ANALOG_MAPPING_QUERY', bytes: 'f0 69 f7', commands: [{ type: 'analog-mapping-query' }] },
  { name: 'PIN_STATE_QUERY pin 13', bytes: 'f0 6d 0d f7', commands: [{ type: 'pin-state-query', pin: 13 }] },
  { name: 'SAMPLING_INTERVAL 4 ms', bytes: 'f0 7a 04 00 f7', commands: [{ type: 'sampling-interval', intervalMs: 4 }] },
  { name: 'SAMPLING_INTERVAL 1000 ms', bytes: 'f0 7a 68 07 f7', commands: [{ type: 'sampling-interval', intervalMs: 1000 }] },
  { name: 'SET_PIN_MODE 10 INPUT', bytes: 'f4 0a 00', commands: [{ type: 'set-pin-mode', pin: 10, mode: 0 }] },
  { name: 'SET_PIN_MODE 13 OUTPUT', bytes: 'f4 0d 01', commands: [{ type: 'set-pin-mode', pin: 13, mode: 1 }] },
  { name: 'SET_DIGITAL_PIN_VALUE 13 HIGH', bytes: 'f5 0d 01', commands: [{ type: 'set-digital-pin-value', pin: 13, value: 1 }] },
  { name: 'REPORT_ANALOG A0 on', bytes: 'c0 01', commands: [{ type: 'report-analog', channel: 0, enable: true }] },
  { name: 'REPORT_DIGITAL port 1 on', bytes: 'd1 01', commands: [{ type: 'report-digital', port: 1, enable: true }] },
  { name: 'DIGITAL_MESSAGE port 1, D13 high', bytes: '91 20 00', commands: [{ type: 'digital-message', port: 1, mask: 0x20 }] },
  { name: 'DIGITAL_MESSAGE port 0, all high', bytes: '90 7f 01', commands: [{ type: 'digital-message', port: 0, mask: 0xff }] },
  { name: 'ANALOG_MESSAGE (PWM) pin 3 = 200', bytes: 'e3 48 01', commands: [{ type: 'analog-message', pin: 3, value: 200 }] },
  { name: 'SYSTEM_RESET', bytes: 'ff', commands: [{ type: 'system-reset' }] },
  { name: 'unknown sysex kept whole', bytes: 'f0 71 01 02 f7', commands: [{ type: 'sysex', command: 0x71, data: [1, 2] }] },
  {
    name: 'board init sequence',
    bytes: 'f9 f0 79 f7 f0 6b f7 f0 69 f7 f0 7a 04 00 f7 c0 01',
    commands: [
      { type: 'report-version' },
      { type: 'query-firmware' },
      { type: 'capability-query' },
      { type: 'analog-mapping-query' },
      { type: 'sampling-interval', intervalMs: 4 },
      { type: 'report-analog', channel: 0, enable: true },
    ],
  },
];

for (const v of hostVectors) {
  test(`host vector: ${v.name}, split at every boundary`, () => {
    const bytes = hex(v.bytes);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const parser = new FirmataHostParser();
      const got = [...parser.push(bytes.subarray(0, cut)), ...parser.push(bytes.subarray(cut))];
      assert.equal(got, v.commands, `cut at ${cut}`);
      assert.is(parser.stats.bytesSkipped, 0);
    }
    // One byte at a time, too.
    const parser = new FirmataHostParser();
    assert.equal([...bytes].flatMap((b) => parser.push(Uint8Array.of(b))), v.commands);
  });
}

test('host parser: stray data, cut messages and unknown status bytes are skipped and counted', () => {
  const parser = new FirmataHostParser();
  // 2 stray data bytes; SET_PIN_MODE cut by REPORT_VERSION (2 bytes); unknown 0xF1 (1); a sysex cut by 0xF9 (3).
  const got = parser.push(hex('01 02 f4 0a f9 f1 f0 6b 05 f9'));
  assert.equal(got, [{ type: 'report-version' }, { type: 'report-version' }]);
  assert.is(parser.stats.bytesSkipped, 2 + 2 + 1 + 3);
  assert.is(parser.stats.unknownStatus, 1);
  // An oversized sysex is dropped whole, and the parser is in step afterwards.
  const big = new FirmataHostParser(8);
  assert.equal(big.push(Uint8Array.from([0xf0, ...Array(20).fill(1), 0xf7, 0xf9])), [{ type: 'report-version' }]);
  assert.is(big.stats.oversized, 1);
});

test('board vectors: version, firmware, analog and digital messages, pin state', () => {
  assert.equal([...encodeReportVersion(2, 5)], [0xf9, 2, 5]);
  assert.equal([...encodeReportFirmware(2, 5, 'AB')], [0xf0, 0x79, 2, 5, 0x41, 0, 0x42, 0, 0xf7]);
  assert.equal([...encodeAnalogMessage(0, 338)], [0xe0, 338 & 0x7f, 338 >> 7]);
  assert.equal([...encodeAnalogMessage(7, 1023)], [0xe7, 0x7f, 0x07]);
  assert.equal([...encodeDigitalMessage(1, 0b0000_1100)], [0x91, 0x0c, 0x00]);
  assert.equal([...encodeDigitalMessage(0, 0xff)], [0x90, 0x7f, 0x01]);
  assert.equal([...encodePinStateResponse(13, 1, 1)], [0xf0, 0x6e, 13, 1, 1, 0xf7]);
  assert.equal([...encodePinStateResponse(3, 3, 200)], [0xf0, 0x6e, 3, 3, 0x48, 0x01, 0xf7]);
  assert.equal([...encodeCapabilityResponse([[], [[0, 1], [1, 1]], [[2, 10]]])], [0xf0, 0x6c, 0x7f, 0, 1, 1, 1, 0x7f, 2, 10, 0x7f, 0xf7]);
  assert.equal([...encodeAnalogMappingResponse([0x7f, 0x7f, 0, 1])], [0xf0, 0x6a, 0x7f, 0x7f, 0, 1, 0xf7]);
});

/** firmata.js's own parser reading the board's answers, through a transport stub. */
function firmataJs() {
  const require = createRequire(import.meta.url);
  const { Firmata } = require('firmata-io') as { Firmata: new (t: object, o: object) => EventEmitter & Record<string, unknown> };
  const transport = Object.assign(new EventEmitter(), { write: (_b: Buffer, cb?: () => void) => cb?.() });
  const io = new Firmata(transport, { reportVersionTimeout: 60_000 });
  return { io, feed: (bytes: Uint8Array) => transport.emit('data', Buffer.from(bytes)), done: () => clearTimeout(io.reportVersionTimeoutId as NodeJS.Timeout) };
}

test("firmata.js completes its handshake on the Nano board's answers, split at every boundary", async () => {
  const board = new NanoFirmataBoard({ readAnalog: () => 338 });
  const answers = Uint8Array.from(
    (['report-version', 'query-firmware', 'capability-query', 'analog-mapping-query'] as const).flatMap((type) => board.handle({ type }).flatMap((b) => [...b])),
  );
  for (let cut = 0; cut <= answers.length; cut += 7) {
    const { io, feed, done } = firmataJs();
    let ready = false;
    io.once('ready', () => (ready = true));
    feed(answers.subarray(0, cut));
    feed(answers.subarray(cut));
    await new Promise((r) => setImmediate(r));
    done();
    assert.ok(ready, `ready with cut at ${cut}`);
    const pins = io.pins as Array<{ supportedModes: number[]; analogChannel: number }>;
    assert.is(pins.length, 22);
    assert.equal(io.analogPins, [14, 15, 16, 17, 18, 19, 20, 21]);
    assert.equal((io.firmware as { name: string }).name, 'StandardFirmata.ino');
    assert.ok(pins[13].supportedModes.includes(1) && pins[14].supportedModes.includes(2));
  }
  assert.is(nanoCapabilities()[0].length, 0, 'D0/D1 are the serial port');
});

test('firmata.js reads the analog and digital messages the board sends', () => {
  const { io, feed, done } = firmataJs();
  const values: number[] = [];
  feed(encodeReportVersion(2, 5));
  io.on('analog-read', (e: { pin: number; value: number }) => values.push(e.pin * 10_000 + e.value));
  const all = Uint8Array.from([...encodeAnalogMessage(0, 338), ...encodeAnalogMessage(0, 1023), ...encodeAnalogMessage(3, 0)]);
  for (let i = 0; i < all.length; i++) feed(all.subarray(i, i + 1));
  done();
  assert.equal(values, [338, 1023, 30_000]);
});

test('fuzz: arbitrary host bytes never throw; every byte is in a command or counted', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 50 }), (bytes, chunk) => {
      const parser = new FirmataHostParser(32);
      const board = new NanoFirmataBoard({ readAnalog: () => 512 });
      for (let i = 0; i < bytes.length; i += chunk) for (const c of parser.push(bytes.subarray(i, i + chunk))) board.handle(c);
      const s = parser.stats;
      assert.ok(s.bytesSkipped <= bytes.length);
      assert.ok(s.commands <= bytes.length);
    }),
  );
});

test('fuzz: valid commands between garbage are all found', () => {
  const command = fc.constantFrom(...hostVectors.filter((v) => v.commands.length === 1));
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 6 }).map((g) => g.map((b) => b & 0x7f)), command), { maxLength: 20 }), (items) => {
      // Garbage made only of data bytes is skipped by the next status byte, which starts each vector.
      const bytes = Uint8Array.from(items.flatMap(([garbage, v]) => [...garbage, ...hex(v.bytes)]));
      const got = new FirmataHostParser().push(bytes);
      assert.equal(got, items.flatMap(([, v]) => v.commands));
    }),
  );
});

test.run();
