// BLE notification decoding per core, per device kind: the pure decoders (and the Muse zipper and
// the garment's BLE reassembler) on packets in their real wire formats. Reports notifications/s and
// the CPU share of one device at its real notification rate.
import { encodeGarmentFrame, fragmentGarmentFrame, GarmentBleReassembler } from '../src/device/protocols/garment/index.js';
import { decodeHeartRateMeasurement, encodeHeartRateMeasurement } from '../src/device/protocols/hrs/index.js';
import { decodeMuseEegPacket } from '../src/device/protocols/muse/decode.js';
import { MuseEegZipper } from '../src/device/protocols/muse/eeg-zipper.js';
import { decodeH10DataFrame } from '../src/device/protocols/polar-h10/index.js';

interface Row {
  kind: string;
  notificationsPerS: number;
  /** Notifications one device sends per second in real use. */
  deviceRatePerS: number;
}

function time(count: number, body: (i: number) => void): number {
  for (let i = 0; i < Math.min(2000, count); i++) body(i); // warm-up
  const started = performance.now();
  for (let i = 0; i < count; i++) body(i);
  return count / ((performance.now() - started) / 1000);
}

function h10EcgFrame(i: number): Uint8Array {
  const samples = 73;
  const bytes = new Uint8Array(10 + samples * 3);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x00; // measurement type: ECG
  view.setBigUint64(1, 599_000_000_000_000_000n + BigInt(i) * 561_538_461n, true);
  bytes[9] = 0x00; // frame type 0: 3-byte signed µV samples
  for (let s = 0; s < samples; s++) {
    const uv = Math.round(800 * Math.sin((i * samples + s) / 20));
    bytes[10 + s * 3] = uv & 0xff;
    bytes[11 + s * 3] = (uv >> 8) & 0xff;
    bytes[12 + s * 3] = (uv >> 16) & 0xff;
  }
  return bytes;
}

function museEegPacket(seq: number): Uint8Array {
  const bytes = new Uint8Array(20);
  bytes[0] = (seq >> 8) & 0xff;
  bytes[1] = seq & 0xff;
  for (let s = 0; s < 12; s += 2) {
    const a = 0x800 + ((s * 37) % 200);
    const b = 0x800 - ((s * 53) % 200);
    const at = 2 + (s / 2) * 3;
    bytes[at] = a >> 4;
    bytes[at + 1] = ((a & 0xf) << 4) | (b >> 8);
    bytes[at + 2] = b & 0xff;
  }
  return bytes;
}

export async function run(): Promise<void> {
  const rows: Row[] = [];
  const hrs = Array.from({ length: 64 }, (_, i) => encodeHeartRateMeasurement({ hrBpm: 60 + (i % 30), sensorContactDetected: true, rrRaw1024: [1000 + i, 990] }));
  rows.push({ kind: 'hr-strap (0x2A37)', notificationsPerS: time(1_000_000, (i) => decodeHeartRateMeasurement(hrs[i & 63])), deviceRatePerS: 1 });

  const h10 = Array.from({ length: 64 }, (_, i) => h10EcgFrame(i));
  rows.push({ kind: 'polar-h10 (PMD ECG, 73 samples)', notificationsPerS: time(300_000, (i) => decodeH10DataFrame(h10[i & 63])), deviceRatePerS: 130 / 73 });

  const muse = Array.from({ length: 4096 }, (_, i) => museEegPacket(i));
  const zipper = new MuseEegZipper({ channelCount: 4 });
  let seq = 0;
  rows.push({
    kind: 'muse (EEG packet + zip of 4 channels)',
    notificationsPerS: time(800_000, (i) => {
      const channel = i & 3;
      const packet = decodeMuseEegPacket(muse[seq & 4095]);
      zipper.push({ channel, seq: seq & 0xffff, samplesUv: packet.samplesUv });
      if (channel === 3) seq++;
    }),
    deviceRatePerS: (4 * 256) / 12,
  });

  const fragments: Uint8Array[] = [];
  for (let f = 0; f < 256; f++) {
    const frame = encodeGarmentFrame({
      version: 1,
      deviceId: 1,
      stream: 'ecg',
      seq: f,
      tDeviceUs: f * 100_000,
      sampleRateHz: 250,
      channelCount: 1,
      sampleFormat: 'i16',
      microvoltsPerCount: 0.5,
      status: { leadOffMask: 0, batteryPercent: 90, saturated: false, lowBattery: false, charging: false, clockReset: false },
      samples: Int32Array.from({ length: 25 }, (_, s) => Math.round(1000 * Math.sin((f * 25 + s) / 10))),
    });
    fragments.push(...fragmentGarmentFrame(frame, 23, f));
  }
  const perFrame = fragments.length / 256;
  const reassembler = new GarmentBleReassembler();
  const check = new GarmentBleReassembler();
  const decodedFrames = fragments.reduce((n, f) => n + check.push(f).length, 0);
  if (decodedFrames !== 256) throw new Error(`bench input is wrong: ${decodedFrames} of 256 garment frames reassembled`);
  rows.push({
    kind: `garment-ble (MTU 23, ${perFrame} fragments per frame)`,
    notificationsPerS: time(500_000, (i) => reassembler.push(fragments[i % fragments.length])),
    deviceRatePerS: 10 * perFrame,
  });

  console.log('kind                                        notifications/s   device rate/s   CPU per device');
  for (const r of rows) {
    const sharePercent = (100 * r.deviceRatePerS) / r.notificationsPerS;
    console.log(`${r.kind.padEnd(44)}${Math.round(r.notificationsPerS).toLocaleString('en').padStart(15)}${r.deviceRatePerS.toFixed(1).padStart(16)}   ${sharePercent.toFixed(4)} %`);
  }
}
