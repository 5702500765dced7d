// The simulated garment's firmware side, shared by the serial (PTY) and the BLE simulators: signal
// samples -> i16 counts (clipping flagged as saturation) -> protocol v1 frames with a running
// sequence number, device clock, lead-off and a slowly draining battery.
import { encodeGarmentFrame, type GarmentFrame } from '../src/device/protocols/garment/index.js';
import type { SignalSource } from './signals/source.js';

const I16_MIN = -32768;
const I16_MAX = 32767;

export interface GarmentFrameSourceOptions {
  deviceId: number;
  sampleRateHz: number;
  samplesPerFrame: number;
  microvoltsPerCount: number;
  source: SignalSource;
  batteryPercent?: number;
}

export class GarmentFrameSource {
  leadOffMask = 0;
  batteryPercent: number;
  private seq = 0;
  private sampleIndex = 0;

  constructor(private readonly options: GarmentFrameSourceOptions) {
    this.batteryPercent = options.batteryPercent ?? 100;
  }

  /** Encodes the next frame of `samplesPerFrame` samples. */
  next(): Uint8Array {
    const o = this.options;
    const microvolts = o.source.next(o.samplesPerFrame);
    const samples = new Int32Array(o.samplesPerFrame);
    let saturated = false;
    for (let i = 0; i < microvolts.length; i++) {
      const v = microvolts[i];
      let count = Number.isFinite(v) ? Math.round(v / o.microvoltsPerCount) : 0;
      if (count < I16_MIN || count > I16_MAX) {
        saturated = true;
        count = Math.min(I16_MAX, Math.max(I16_MIN, count));
      }
      samples[i] = count;
    }
    const frame: GarmentFrame = {
      version: 1,
      deviceId: o.deviceId,
      stream: 'ecg',
      seq: this.seq & 0xffff,
      tDeviceUs: Math.round((this.sampleIndex * 1e6) / o.sampleRateHz) % 2 ** 32,
      sampleRateHz: o.sampleRateHz,
      channelCount: 1,
      sampleFormat: 'i16',
      microvoltsPerCount: o.microvoltsPerCount,
      status: {
        leadOffMask: this.leadOffMask,
        batteryPercent: Math.round(this.batteryPercent),
        saturated,
        lowBattery: this.batteryPercent < 15,
        charging: false,
        clockReset: this.seq === 0,
      },
      samples,
    };
    this.seq++;
    this.sampleIndex += o.samplesPerFrame;
    // About 1% per 10 simulated minutes, so the battery field moves in long demos.
    this.batteryPercent = Math.max(0, this.batteryPercent - o.samplesPerFrame / o.sampleRateHz / 600);
    return encodeGarmentFrame(frame);
  }
}
