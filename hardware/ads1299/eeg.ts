// A seeded synthetic EEG for the ADS1299 emulator, as a pure function of (channel, sample index):
// alpha (10 Hz, strongest on the first channels), theta (6 Hz), 50 Hz line noise and white noise,
// so a test can compute exactly what the chip "measured" at any index. (hardware/ble/peripherals/
// muse.ts has its own stateful generator; kept separate here to avoid a conflicting refactor.)
import { mulberry32 } from '../../src/common/random.js';

export interface EegSourceOptions {
  seed: number;
  sampleRateHz: number;
  alphaUv?: number;
  thetaUv?: number;
  lineNoiseUv?: number;
  noiseUv?: number;
}

export type EegSource = (channel: number, index: number) => number;

export function syntheticEeg(options: EegSourceOptions): EegSource {
  const alphaUv = options.alphaUv ?? 20;
  const thetaUv = options.thetaUv ?? 6;
  const lineUv = options.lineNoiseUv ?? 2;
  const noiseUv = options.noiseUv ?? 2;
  const rate = options.sampleRateHz;
  const phases = Array.from({ length: 8 }, (_, c) => mulberry32(options.seed * 8 + c)() * 2 * Math.PI);
  return (channel, index) => {
    const t = index / rate;
    const alphaGain = 1 - channel * 0.08;
    // Uniform noise from a generator seeded by (seed, channel, index): the same sample every time.
    const u = mulberry32(((options.seed * 0x9e3779b1) ^ (channel * 0x85ebca6b) ^ Math.imul(index, 0xc2b2ae35)) >>> 0)();
    return (
      alphaUv * alphaGain * Math.sin(2 * Math.PI * 10 * t + phases[channel]) +
      thetaUv * Math.sin(2 * Math.PI * 6 * t + 2 * phases[channel]) +
      lineUv * Math.sin(2 * Math.PI * 50 * t) +
      noiseUv * (2 * u - 1) * Math.sqrt(3)
    );
  };
}
