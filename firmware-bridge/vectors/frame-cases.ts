// The valid frames behind the shared vectors. Samples are deterministic shapes (no RNG), chosen to
// hit the rails of each format and to keep the frames that invalid cases derive from free of a
// false magic (0xA5 0x5A) inside their bytes.
import type { GarmentFrame, GarmentStatus } from '../../src/device/protocols/garment/index.js';

export interface FrameCase {
  name: string;
  description: string;
  frame: GarmentFrame;
}

const okStatus: GarmentStatus = {
  leadOffMask: 0,
  batteryPercent: 87,
  saturated: false,
  lowBattery: false,
  charging: false,
  clockReset: false,
};

/** A crude PQRST-like beat, `n` samples, peak `amplitude` counts. */
function beat(n: number, amplitude: number): number[] {
  return Array.from({ length: n }, (_v, i) => {
    const x = i / n;
    const qrs = Math.exp(-(((x - 0.4) / 0.03) ** 2));
    const t = 0.25 * Math.exp(-(((x - 0.7) / 0.08) ** 2));
    const q = -0.15 * Math.exp(-(((x - 0.36) / 0.02) ** 2));
    return Math.round(amplitude * (qrs + t + q));
  });
}

function interleave(channels: number[][]): Int32Array {
  const n = channels[0].length;
  const out = new Int32Array(n * channels.length);
  for (let s = 0; s < n; s++) for (let c = 0; c < channels.length; c++) out[s * channels.length + c] = channels[c][s];
  return out;
}

const frame = (partial: Omit<GarmentFrame, 'version'>): GarmentFrame => ({ version: 1, ...partial });

export function frameCases(): FrameCase[] {
  const i24Rails = [-0x800000, 0x7fffff, 0, -1, 1];
  return [
    {
      name: 'ecg-1ch-i16',
      description: 'single-lead ECG, 250 Hz, i16, 25 samples (100 ms)',
      frame: frame({
        deviceId: 0x0a11ce01,
        stream: 'ecg',
        seq: 1,
        tDeviceUs: 1_000_000,
        sampleRateHz: 250,
        channelCount: 1,
        sampleFormat: 'i16',
        microvoltsPerCount: Math.fround(3.3e6 / 65536 / 100),
        status: okStatus,
        samples: Int32Array.from(beat(25, 2400)),
      }),
    },
    {
      name: 'exg-3ch-i24',
      description: '3-channel ECG, 500 Hz, i24 (ADS129x-style, gain 6), 10 samples, i24 rails in channel 2',
      frame: frame({
        deviceId: 0x0a11ce02,
        stream: 'ecg',
        seq: 513,
        tDeviceUs: 2_500_000,
        sampleRateHz: 500,
        channelCount: 3,
        sampleFormat: 'i24',
        microvoltsPerCount: Math.fround(2.4e6 / 8388607 / 6),
        status: { ...okStatus, batteryPercent: 64 },
        samples: interleave([
          beat(10, 30000),
          beat(10, -12000),
          Array.from({ length: 10 }, (_v, i) => i24Rails[i % i24Rails.length]),
        ]),
      }),
    },
    {
      name: 'ecg-status-flags',
      description: '3 channels, leads 0 and 2 off (mask 0b101), battery 7 % and low, saturated (i16 rails)',
      frame: frame({
        deviceId: 0x0a11ce03,
        stream: 'ecg',
        seq: 4242,
        tDeviceUs: 123_456_789,
        sampleRateHz: 250,
        channelCount: 3,
        sampleFormat: 'i16',
        microvoltsPerCount: Math.fround(3.3e6 / 65536 / 100),
        status: { ...okStatus, leadOffMask: 0b101, batteryPercent: 7, lowBattery: true, saturated: true },
        samples: interleave([[32767, 32767, 32767, 32767], beat(4, -32768), [-32768, -32768, -32768, -32768]]),
      }),
    },
    {
      name: 'ecg-wrap-a',
      description: 'seq 65535 and device time 2^32 - 4096 us: the last frame before both counters wrap',
      frame: frame({
        deviceId: 0x0a11ce01,
        stream: 'ecg',
        seq: 0xffff,
        tDeviceUs: 0xfffff000,
        sampleRateHz: 250,
        channelCount: 1,
        sampleFormat: 'i16',
        microvoltsPerCount: Math.fround(3.3e6 / 65536 / 100),
        status: okStatus,
        samples: Int32Array.from(beat(8, 1200)),
      }),
    },
    {
      name: 'ecg-wrap-b',
      description: 'the frame after ecg-wrap-a: seq 0, device time wrapped to 27904 us (= 2^32 - 4096 + 8 * 4000 - 2^32)',
      frame: frame({
        deviceId: 0x0a11ce01,
        stream: 'ecg',
        seq: 0,
        tDeviceUs: 27_904,
        sampleRateHz: 250,
        channelCount: 1,
        sampleFormat: 'i16',
        microvoltsPerCount: Math.fround(3.3e6 / 65536 / 100),
        status: okStatus,
        samples: Int32Array.from(beat(8, -700)),
      }),
    },
    {
      name: 'acc-3ch-clock-reset',
      description: 'accelerometer x/y/z in milli-g, 100 Hz, battery unknown (255), charging, clock reset',
      frame: frame({
        deviceId: 0x0a11ce04,
        stream: 'acc',
        seq: 0,
        tDeviceUs: 0,
        sampleRateHz: 100,
        channelCount: 3,
        sampleFormat: 'i16',
        microvoltsPerCount: Math.fround(0.061),
        status: { ...okStatus, batteryPercent: null, charging: true, clockReset: true },
        samples: interleave([[12, 10, -3, 0], [-40, -38, -41, -39], [16390, 16401, 16377, 16384]]),
      }),
    },
    {
      name: 'ppg-1ch-i24',
      description: 'PPG, 64 Hz, i24 raw counts (scale 1), 16 samples',
      frame: frame({
        deviceId: 0x0a11ce05,
        stream: 'ppg',
        seq: 77,
        tDeviceUs: 3_000_000_000,
        sampleRateHz: 64,
        channelCount: 1,
        sampleFormat: 'i24',
        microvoltsPerCount: 1,
        status: okStatus,
        samples: Int32Array.from(beat(16, 500_000).map((v) => v + 2_000_000)),
      }),
    },
    {
      name: 'eeg-8ch-max-size',
      description: 'EEG 8 channels i16 x 64 samples: payload exactly 1024 bytes, frame 1056 bytes',
      frame: frame({
        deviceId: 0x0a11ce06,
        stream: 'eeg',
        seq: 1000,
        tDeviceUs: 60_000_000,
        sampleRateHz: 250,
        channelCount: 8,
        sampleFormat: 'i16',
        microvoltsPerCount: Math.fround(4.5e6 / 32768 / 24),
        status: { ...okStatus, batteryPercent: 100 },
        samples: interleave(Array.from({ length: 8 }, (_c, ch) => beat(64, (ch - 4) * 700))),
      }),
    },
    {
      name: 'eeg-16ch-i24',
      description: '16 channels (the maximum), i24, 21 samples (1008-byte payload), 10 kHz (the maximum rate)',
      frame: frame({
        deviceId: 0xffffffff,
        stream: 'eeg',
        seq: 32768,
        tDeviceUs: 0x80000000,
        sampleRateHz: 10_000,
        channelCount: 16,
        sampleFormat: 'i24',
        microvoltsPerCount: Math.fround(4.5e6 / 8388607 / 24),
        status: { ...okStatus, leadOffMask: 0x8001, batteryPercent: 0 },
        samples: interleave(Array.from({ length: 16 }, (_c, ch) => beat(21, (ch - 8) * 90_000))),
      }),
    },
    {
      name: 'ecg-status-only',
      description: 'no samples (payload length 0): a status update while the lead is off',
      frame: frame({
        deviceId: 0x0a11ce01,
        stream: 'ecg',
        seq: 2,
        tDeviceUs: 1_100_000,
        sampleRateHz: 250,
        channelCount: 1,
        sampleFormat: 'i16',
        microvoltsPerCount: Math.fround(3.3e6 / 65536 / 100),
        status: { ...okStatus, leadOffMask: 1, batteryPercent: 50 },
        samples: new Int32Array(0),
      }),
    },
  ];
}
