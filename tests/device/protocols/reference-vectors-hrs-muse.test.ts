// Cross-check of the pure BLE decoders against test vectors PUBLISHED by reference implementations
// (not our own simulators). Each vector names its repository, path and test; the bytes and expected
// values are transcribed, not copied code. Where the reference feeds a different layout than our
// decoder takes (payload without the PMD header, a Muse packet without its sequence number, strings
// instead of length-prefixed notifications), the adaptation is stated next to the vector.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bytes, expectFrameError, hex, NORDIC_TEST, POLAR, POLAR_ANDROID_TEST } from './_reference.js';
import {
  decodeBatteryLevel,
  decodeBodySensorLocation,
  decodeHeartRateMeasurement,
} from '../../../src/device/protocols/hrs/index.js';
import {
  decodeMuseEegPacket,
  decodeMuseTelemetry,
  encodeMuseCommand,
  MuseControlAssembler,
} from '../../../src/device/protocols/muse/index.js';

// ---------------------------------------------------------------------------------------------
// Heart Rate Measurement 0x2A37, Battery Level, Body Sensor Location
// ---------------------------------------------------------------------------------------------

interface HrCase {
  name: string;
  hex: string;
  hrBpm: number;
  hrUint16?: boolean;
  contactSupported?: boolean;
  /** null = contact not supported (our decoder); the references report false or null. */
  contactDetected?: boolean | null;
  energyKj?: number | null;
  rrRaw?: number[];
  /** The reference's RR in ms, rounded (Polar BleHrClient.mapRr1024ToRrMs: roundToInt). */
  rrMsRounded?: number[];
}

function checkHr(source: string, c: HrCase): void {
  test(`${source}: ${c.name} (${c.hex})`, () => {
    const m = decodeHeartRateMeasurement(hex(c.hex));
    assert.is(m.hrBpm, c.hrBpm, 'hr');
    if (c.hrUint16 !== undefined) assert.is(m.hrUint16, c.hrUint16, 'hrUint16');
    if (c.contactSupported !== undefined) assert.is(m.sensorContactSupported, c.contactSupported, 'contact supported');
    if (c.contactDetected !== undefined) assert.is(m.sensorContactDetected, c.contactDetected, 'contact detected');
    if (c.energyKj !== undefined) assert.is(m.energyExpendedKj, c.energyKj, 'energy');
    if (c.rrRaw !== undefined) assert.equal(m.rrRaw1024, c.rrRaw, 'rr raw');
    if (c.rrMsRounded !== undefined) assert.equal(m.rrMs.map(Math.round), c.rrMsRounded, 'rr ms');
  });
}

// polar-ble-sdk .../client/BleHrClientTest.kt (and iOS BleHrClientTest.swift, same vectors).
const POLAR_HR = `${POLAR} ${POLAR_ANDROID_TEST}/BleHrClientTest.kt`;
const polarHrCases: HrCase[] = [
  { name: '`hr format uint8`', hex: '00 ff', hrBpm: 255, hrUint16: false, contactSupported: false, energyKj: null, rrRaw: [] },
  { name: '`hr format uint8`', hex: '00 7f', hrBpm: 127, hrUint16: false, contactSupported: false, energyKj: null, rrRaw: [] },
  { name: '`hr format uint16`', hex: '01 80 80', hrBpm: 32896, hrUint16: true, contactSupported: false },
  { name: '`hr format uint16`', hex: '01 7f 7f', hrBpm: 32639, hrUint16: true, contactSupported: false },
  { name: '`sensor contact supported`', hex: '06 00', hrBpm: 0, contactSupported: true, contactDetected: true },
  { name: '`sensor contact supported`', hex: '04 00', hrBpm: 0, contactSupported: true, contactDetected: false },
  // iOS testSensorContactSupported sends the same flags with HR 0xFF.
  { name: 'testSensorContactSupported (iOS)', hex: '06 ff', hrBpm: 255, contactSupported: true, contactDetected: true },
  { name: 'testSensorContactSupported (iOS)', hex: '04 ff', hrBpm: 255, contactSupported: true, contactDetected: false },
  // Status bit set without the support bit: Polar reports sensorContactSupported=false (and, on
  // Android, sensorContact=false); we report "not supported" as null.
  { name: '`sensor contact not supported`', hex: '02 00', hrBpm: 0, contactSupported: false, contactDetected: null },
  { name: '`sensor contact not supported`', hex: '00 00', hrBpm: 0, contactSupported: false, contactDetected: null },
  { name: '`energy expended`', hex: '09 00 00 ff ff', hrBpm: 0, hrUint16: true, energyKj: 65535 },
  { name: '`energy expended`', hex: '08 00 7f 80', hrBpm: 0, hrUint16: false, energyKj: 32895 },
  { name: '`rr interval`', hex: '10 00 ff ff', hrBpm: 0, rrRaw: [65535], rrMsRounded: [63999] },
  { name: '`rr interval`', hex: '11 00 00 ff ff 7f 80', hrBpm: 0, hrUint16: true, rrRaw: [65535, 32895], rrMsRounded: [63999, 32124] },
  { name: '`rr interval` (Android frame 3)', hex: '11 00 00 00 00', hrBpm: 0, rrRaw: [0], rrMsRounded: [0] },
  { name: 'testRRinterval (iOS frame 3)', hex: '10 00 00 00', hrBpm: 0, rrRaw: [0], rrMsRounded: [0] },
];
for (const c of polarHrCases) checkHr(POLAR_HR, c);

// NordicSemiconductor/Android-BLE-Library .../hr/HeartRateMeasurementDataCallbackTest.java
// (contactDetected null = not supported; energy null = absent; rrIntervals null = absent, ours []).
const NORDIC_HR = `${NORDIC_TEST}/hr/HeartRateMeasurementDataCallbackTest.java`;
const nordicHrCases: HrCase[] = [
  { name: 'onHeartRateMeasurementReceived_simple', hex: '00 55', hrBpm: 85, contactDetected: null, energyKj: null, rrRaw: [] },
  { name: 'onHeartRateMeasurementReceived_noContact', hex: '04 ff', hrBpm: 255, contactDetected: false, energyKj: null, rrRaw: [] },
  { name: 'onHeartRateMeasurementReceived_uint8', hex: '1e 55 32 00 21 00', hrBpm: 85, contactDetected: true, energyKj: 50, rrRaw: [33] },
  {
    name: 'onHeartRateMeasurementReceived_uint16',
    hex: '1f 01 01 32 01 01 00 02 01 ff ff',
    hrBpm: 257,
    contactDetected: true,
    energyKj: 306,
    rrRaw: [1, 258, 65535],
  },
];
for (const c of nordicHrCases) checkHr(NORDIC_HR, c);

// Nordic onInvalidDataReceived: 0b10111 = uint16 HR + contact + RR flag, but no RR bytes follow.
test(`${NORDIC_HR}: onInvalidDataReceived (17 01 01)`, () => {
  expectFrameError(() => decodeHeartRateMeasurement(hex('17 01 01')), 'truncated', 'RR flag without RR');
});

// NordicSemiconductor/Android-BLE-Library .../battery/BatteryLevelDataCallbackTest.java
test(`${NORDIC_TEST}/battery/BatteryLevelDataCallbackTest.java: full, low, too long, out of range`, () => {
  assert.is(decodeBatteryLevel(hex('64')), 100); // onBatteryLevelChanged_fullBattery
  assert.is(decodeBatteryLevel(hex('0f')), 15); // onBatteryLevelChanged_lowBattery
  expectFrameError(() => decodeBatteryLevel(hex('64 00')), 'length', 'onInvalidDataReceived_dataTooLong');
  expectFrameError(() => decodeBatteryLevel(hex('65')), 'field', 'onInvalidDataReceived_batteryLevelOutOfRange');
});

// NordicSemiconductor/Android-BLE-Library .../hr/BodySensorLocationDataCallbackTest.java
// (SENSOR_LOCATION_EAR_LOBE = 5 in BodySensorLocationCallback).
test(`${NORDIC_TEST}/hr/BodySensorLocationDataCallbackTest.java: ear lobe, empty`, () => {
  assert.equal(decodeBodySensorLocation(hex('05')), { code: 5, location: 'ear-lobe' });
  expectFrameError(() => decodeBodySensorLocation(new Uint8Array(0)), 'length', 'onInvalidDataReceived');
});

// ---------------------------------------------------------------------------------------------
// Muse (urish/muse-js specs)
// ---------------------------------------------------------------------------------------------

const MUSE_JS = 'urish/muse-js';

// urish/muse-js src/lib/muse-parse.spec.ts `decodeUnsigned12BitData` "should correctly decode 12-bit
// EEG samples received from muse": the spec feeds the 18 sample bytes only; our decoder takes the
// whole 20-byte notification, so a sequence number (0x1234, arbitrary) is prepended.
const MUSE_JS_EEG_18 = [87, 33, 192, 82, 73, 6, 106, 242, 49, 64, 88, 153, 128, 66, 254, 44, 119, 157];
const MUSE_JS_EEG_RAW = [1394, 448, 1316, 2310, 1711, 561, 1029, 2201, 2052, 766, 711, 1949];

test(`${MUSE_JS} src/lib/muse-parse.spec.ts: decodeUnsigned12BitData (seq prepended)`, () => {
  const p = decodeMuseEegPacket(bytes(0x12, 0x34, ...MUSE_JS_EEG_18));
  assert.is(p.seq, 0x1234);
  assert.equal(Array.from(p.samplesRaw), MUSE_JS_EEG_RAW);
  // muse-js decodeEEGSamples (src/lib/muse-parse.ts): 0.48828125 * (n - 0x800); exact in float32.
  assert.equal(Array.from(p.samplesUv), MUSE_JS_EEG_RAW.map((n) => 0.48828125 * (n - 0x800)));
});

// urish/muse-js lib/muse-parse.spec.ts at aafa9dc (an early version): `decodeSigned12BitData` on the
// same 18 bytes expected [1394, 448, 1316, -1786, ...], i.e. the same 12-bit unpacking read as two's
// complement. muse-js later switched to unsigned minus 0x800 (above), which is what we implement; the
// bit unpacking agrees with both.
test(`${MUSE_JS} lib/muse-parse.spec.ts (early): decodeSigned12BitData, same bits`, () => {
  const early = [1394, 448, 1316, -1786, 1711, 561, 1029, -1895, -2044, 766, 711, 1949];
  const p = decodeMuseEegPacket(bytes(0, 0, ...MUSE_JS_EEG_18));
  assert.equal(Array.from(p.samplesRaw, (n) => (n >= 0x800 ? n - 0x1000 : n)), early);
});

// urish/muse-js src/muse.spec.ts `eegReadings` "should emit a value for `eegReadings` observable
// whenever new EEG data is received": a full 20-byte notification on 273e0006 (TP10, electrode 3).
test(`${MUSE_JS} src/muse.spec.ts: eegReadings (full 20-byte notification)`, () => {
  const p = decodeMuseEegPacket(bytes(0, 1, 40, 3, 128, 40, 3, 128, 40, 3, 128, 40, 3, 128, 40, 3, 128, 40, 3, 128));
  assert.is(p.seq, 1); // muse-js `index`
  assert.equal(Array.from(p.samplesUv), [-687.5, -562.5, -687.5, -562.5, -687.5, -562.5, -687.5, -562.5, -687.5, -562.5, -687.5, -562.5]);
});

// urish/muse-js src/lib/muse-parse.spec.ts `parseTelemtry` "should correctly parse Muse telemetry data".
// muse-js reports no field for bytes 6..7 (its comment: "probably ADC millivolt level"); ours keeps it raw.
test(`${MUSE_JS} src/lib/muse-parse.spec.ts: parseTelemtry`, () => {
  const t = decodeMuseTelemetry(bytes(1, 74, 181, 184, 7, 64, 15, 127, 0, 27, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  assert.is(t.seq, 330);
  assert.is(t.batteryPercent, 90.859375);
  assert.is(t.fuelGaugeMv, 4083.2000000000003);
  assert.is(t.temperatureRaw, 27);
  assert.is(t.adcRaw, 0x0f7f);
});

// urish/muse-js src/lib/muse-parse.spec.ts `parseControl` "should correctly parse JSON responses into
// objects": the spec feeds decoded strings; on the wire each is one notification [length][ASCII]
// (muse-js decodeResponse in src/lib/muse-utils.ts reads bytes[1 .. 1 + bytes[0]]), so each string is
// wrapped that way here.
test(`${MUSE_JS} src/lib/muse-parse.spec.ts: parseControl (strings wrapped as notifications)`, () => {
  const strings = [
    '{"ap":"headset",', '"sp":"RevE",', '"tp":"consumer",', '"hw":"3.1",', '"bn":27,', '"fw":"1.2.13",',
    '"bl":"1.2.3",', '"pv":1,', '"rc":0}', '{"rc":0}', '{"rc":0}', '{"hn":"Muse-1324",', '"sn":"2031-TZRW-132',
    '4",', '"ma":"00-55-da-b0-1', '3-24",', '"id":"07473435 3231', '3630 004f003a",', '"bp":82,', '"ts":0,',
    '"ps":32,', '"rc":0}{"r', 'c":0}',
  ];
  const assembler = new MuseControlAssembler();
  const out = strings.flatMap((s) => assembler.push(bytes(s.length, ...Array.from(s, (ch) => ch.charCodeAt(0)))));
  assert.equal(out, [
    { ap: 'headset', sp: 'RevE', tp: 'consumer', hw: '3.1', bn: 27, fw: '1.2.13', bl: '1.2.3', pv: 1, rc: 0 },
    { rc: 0 },
    { rc: 0 },
    { hn: 'Muse-1324', sn: '2031-TZRW-1324', ma: '00-55-da-b0-13-24', id: '07473435 32313630 004f003a', bp: 82, ts: 0, ps: 32, rc: 0 },
    { rc: 0 },
  ]);
  assert.is(assembler.responsesRejected, 0);
});

// urish/muse-js src/muse.spec.ts `deviceInfo` "should return information about the headset": the raw
// 20-byte control notifications (length prefix, text, stale padding) the mock headset sends.
test(`${MUSE_JS} src/muse.spec.ts: deviceInfo (raw control notifications)`, () => {
  const notifications = [
    [16, 123, 34, 97, 112, 34, 58, 34, 104, 101, 97, 100, 115, 101, 116, 34, 44, 50, 51, 49],
    [12, 34, 115, 112, 34, 58, 34, 82, 101, 118, 69, 34, 44, 101, 116, 34, 44, 50, 51, 49],
    [16, 34, 116, 112, 34, 58, 34, 99, 111, 110, 115, 117, 109, 101, 114, 34, 44, 50, 51, 49],
    [11, 34, 104, 119, 34, 58, 34, 51, 46, 49, 34, 44, 109, 101, 114, 34, 44, 50, 51, 49],
    [8, 34, 98, 110, 34, 58, 50, 55, 44, 49, 34, 44, 109, 101, 114, 34, 44, 50, 51, 49],
    [14, 34, 102, 119, 34, 58, 34, 49, 46, 50, 46, 49, 51, 34, 44, 34, 44, 50, 51, 49],
    [13, 34, 98, 108, 34, 58, 34, 49, 46, 50, 46, 51, 34, 44, 44, 34, 44, 50, 51, 49],
    [7, 34, 112, 118, 34, 58, 49, 44, 46, 50, 46, 51, 34, 44, 44, 34, 44, 50, 51, 49],
    [7, 34, 114, 99, 34, 58, 48, 125, 46, 50, 46, 51, 34, 44, 44, 34, 44, 50, 51, 49],
  ];
  const assembler = new MuseControlAssembler();
  const out = notifications.flatMap((n) => assembler.push(Uint8Array.from(n)));
  assert.equal(out, [{ ap: 'headset', sp: 'RevE', tp: 'consumer', hw: '3.1', bn: 27, fw: '1.2.13', bl: '1.2.3', pv: 1, rc: 0 }]);
});

// urish/muse-js src/lib/muse-utils.spec.ts `encodeCommand` ('v1' -> 3 118 49 10) and src/muse.spec.ts
// `start` (h, s, p21, d; p20 when aux is enabled).
test(`${MUSE_JS} src/lib/muse-utils.spec.ts + src/muse.spec.ts: encodeCommand, start sequence`, () => {
  const code = (s: string): number[] => Array.from(s, (ch) => ch.charCodeAt(0));
  assert.equal(Array.from(encodeMuseCommand('v1')), [3, 118, 49, 10]);
  assert.equal(Array.from(encodeMuseCommand('h')), [2, ...code('h'), 10]);
  assert.equal(Array.from(encodeMuseCommand('s')), [2, ...code('s'), 10]);
  assert.equal(Array.from(encodeMuseCommand('p21')), [4, ...code('p21'), 10]);
  assert.equal(Array.from(encodeMuseCommand('d')), [2, ...code('d'), 10]);
  assert.equal(Array.from(encodeMuseCommand('p20')), [4, ...code('p20'), 10]);
});

test.run();
