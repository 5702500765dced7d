// A deterministic 2-channel test stream (the crash child and the tests compute the same values).
import type { SampleBlock } from '../../../src/streaming/types.js';

export const RATE_HZ = 250;
export const CHANNELS = ['ECG', 'ECG2'];

export function sampleValue(channel: number, index: number): number {
  return Math.round(4000 * Math.sin(index / (7 + channel)) + 37 * ((index * 13) % 11)) / 2;
}

export function testBlock(first: number, n: number, over: Partial<SampleBlock> = {}): SampleBlock {
  return {
    deviceId: 'd1',
    stream: 'ecg',
    sampleRateHz: RATE_HZ,
    channels: CHANNELS,
    t0Us: (first * 1e6) / RATE_HZ,
    firstSampleIndex: first,
    values: CHANNELS.map((_, c) => Float32Array.from({ length: n }, (_, i) => sampleValue(c, first + i))),
    gatewayT0Ms: Date.UTC(2026, 11, 1, 12, 0, 0) + (first * 1000) / RATE_HZ,
    ...over,
  };
}
